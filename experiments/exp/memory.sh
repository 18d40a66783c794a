# memory: what a waiting task costs (idle, N = 10^2 .. 10^6)
# What does a waiting task cost?  idle parks N tasks on one event,
# over N = 10^2 .. 10^6 (quick: up to 10^4, and 10^6 for the loop
# runtimes; threads go to the harness's cap, THREAD_LIMIT, below).  The
# coroutine runtime runs with private stacks and with one shared
# (compact) stack; the asyncio peer
# (experiments/peers/asyncio_idle.py) at the same N.
for n in $(pick "100 1000 10000" "100 1000 10000 100000 1000000"); do
    for rt in $RUNTIMES; do
        if [ "$rt" = threaded ] && [ "$n" -gt "$THREAD_LIMIT" ]; then
            continue
        fi
        point --timeout="$(pick 20 300)" "$rt" idle --tasks="$n"
        if [ "$rt" = coroutine ]; then
            point --timeout="$(pick 20 300)" coroutine idle --tasks="$n" \
                --stack=compact
        fi
    done
    point --timeout="$(pick 20 300)" asyncio idle --tasks="$n"
done
# The issues state their memory targets at 10^6 tasks; quick measures
# the loop runtimes there too (about 20 s and 4.3 GB for private
# coroutine stacks: one touched page each).
if [ "$PROFILE" != full ]; then
    for rt in callback coroutine; do
        has "$rt" || continue
        point --timeout=180 "$rt" idle --tasks=1000000
    done
    has coroutine && point --timeout=180 coroutine idle --tasks=1000000 \
        --stack=compact
fi
# asyncio's heap needs tracemalloc, which swells RSS: a table of its own.
point --timeout="$(pick 20 300)" --name=memory-asyncio-heap asyncio idle \
    --tasks="$(pick 10000 100000)" --heap=tracemalloc
# Threads up to the harness's cap, THREAD_LIMIT: 90 % of the kernel's
# limit (experiments/run), so the report can say where threads stop
# without taking the last process ids from the rest of the machine
# (pid_max is shared by every process: at the kernel's limit any fork
# anywhere fails).  Quick too: 29,000 threads took 8-15 s a repetition on
# the 2-vCPU guest with other builds running, up to 38 s under heavy
# load, most of it the kernel tearing the threads down.
if has threaded; then
    point --timeout="$(pick 60 300)" threaded idle --tasks="$THREAD_LIMIT"
fi
