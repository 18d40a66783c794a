# memory: what a waiting task costs (idle, N = 10^2 .. 10^6)
# What does a waiting task cost?  idle parks N tasks on one event,
# over N = 10^2 .. 10^6 (quick: up to 10^4; threads stop below the
# machine's thread limit, see THREAD_LIMIT).  The coroutine runtime runs
# with private stacks and with one shared (compact) stack; the asyncio
# peer (experiments/peers/asyncio_idle.py) at the same N.
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
# asyncio's heap needs tracemalloc, which swells RSS: a table of its own.
point --timeout="$(pick 20 300)" --name=memory-asyncio-heap asyncio idle \
    --tasks="$(pick 10000 100000)" --heap=tracemalloc
# Threads near the machine's limit (full only: it takes a while).
if [ "$PROFILE" = full ]; then
    point --timeout=300 threaded idle --tasks="$THREAD_LIMIT"
fi
