# memory: what a waiting task costs (idle, N = 10^2 .. 10^6)
# What does a waiting task cost?  idle parks N tasks on one event,
# over N = 10^2 .. 10^6 (quick: up to 10^4, and 10^6 for the loop
# runtimes; threads go to the harness's cap, THREAD_LIMIT, below).  The
# coroutine runtime runs with private stacks and with one shared
# (compact) stack; the asyncio peer (experiments/peers/asyncio/) at the
# same N, on asyncio's own loop and on uvloop (quick: at 10^4).
#
# idle_ms KIND N: what a point costs (plan.sh's --cost_ms), from the
# reference run: a task costs a thread about 60 us, a private coroutine
# stack 14 us (its mapping and first page), an asyncio task 7 us (after
# 0.1 s of Python) and tracemalloc's 30 us, the others under half a
# microsecond.
idle_ms() {
    local ns
    case "$1" in
    threaded) ns=60000 ;; coroutine) ns=14000 ;; asyncio) ns=7000 ;;
    tracemalloc) ns=30000 ;; *) ns=500 ;;
    esac
    case "$1" in asyncio | tracemalloc) echo $((100 + $2 * ns / 1000000)) ;;
    *) echo $((5 + $2 * ns / 1000000)) ;;
    esac
}
for n in $(pick "100 1000 10000" "100 1000 10000 100000 1000000"); do
    for rt in $RUNTIMES; do
        if [ "$rt" = threaded ] && [ "$n" -gt "$THREAD_LIMIT" ]; then
            continue
        fi
        point --timeout="$(pick 20 300)" --cost_ms="$(idle_ms "$rt" "$n")" \
            "$rt" idle --tasks="$n"
        if [ "$rt" = coroutine ]; then
            point --timeout="$(pick 20 300)" --cost_ms="$(idle_ms compact "$n")" \
                coroutine idle --tasks="$n" --stack=compact
        fi
    done
    point --timeout="$(pick 20 300)" --cost_ms="$(idle_ms asyncio "$n")" \
        asyncio idle --tasks="$n"
    # uvloop (quick: at the largest N) and, as an asyncio task has no
    # stack to share, asyncio's compact point, which says n/a (it exits 3
    # at once).
    [ "$PROFILE" = full ] || [ "$n" = 10000 ] || continue
    point --timeout="$(pick 20 300)" --cost_ms="$(idle_ms asyncio "$n")" \
        uvloop idle --tasks="$n"
    point --cost_ms=100 asyncio idle --tasks="$n" --stack=compact
done
# The memory targets (targets.json) are stated at 10^6 tasks; quick measures the loop
# runtimes there too (about 20 s and 4.3 GB for private coroutine
# stacks: one touched page each).  Full pushes the two smallest further,
# to 10^7 tasks (about 1.3 GB for callback, 5 GB for compact coroutines,
# under the per-point memory cap), so the report's "where each model
# stops" rests on a measured size rather than a projection from 10^6.
if [ "$PROFILE" = full ]; then
    has callback && point --timeout=600 \
        --cost_ms="$(idle_ms callback 10000000)" callback idle \
        --tasks=10000000
    has coroutine && point --timeout=600 \
        --cost_ms="$(idle_ms compact 10000000)" coroutine idle \
        --tasks=10000000 --stack=compact
else
    for rt in callback coroutine; do
        has "$rt" || continue
        point --timeout=180 --cost_ms="$(idle_ms "$rt" 1000000)" "$rt" idle \
            --tasks=1000000
    done
    has coroutine && point --timeout=180 --cost_ms="$(idle_ms compact 1000000)" \
        coroutine idle --tasks=1000000 --stack=compact
fi
# asyncio's heap needs tracemalloc, which swells RSS: a table of its own.
heap_n=$(pick 10000 100000)
point --timeout="$(pick 20 300)" --cost_ms="$(idle_ms tracemalloc "$heap_n")" \
    --name=memory-asyncio-heap asyncio idle --tasks="$heap_n" --heap=tracemalloc
# Threads up to the harness's cap, THREAD_LIMIT: 90 % of the kernel's
# limit (experiments/run), so the report can say where threads stop
# without taking the last process ids from the rest of the machine
# (pid_max is shared by every process: at the kernel's limit any fork
# anywhere fails).  Quick too: 29,000 threads took 8-15 s a repetition on
# the 2-vCPU guest with other builds running, up to 38 s under heavy
# load, most of it the kernel tearing the threads down.
if has threaded; then
    point --timeout="$(pick 60 300)" \
        --cost_ms="$(idle_ms threaded "$THREAD_LIMIT")" \
        threaded idle --tasks="$THREAD_LIMIT"
fi
