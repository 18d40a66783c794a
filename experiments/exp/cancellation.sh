# cancellation: how fast a cancelled task stops (cancel, timeout)
# How fast does a cancelled task stop, and does everything
# come back?  cancel blocks tasks in each kind of wait, one task (single)
# and many (mass); the threaded runtime also shows raw pthread_cancel.
# timeout checks wait_for deadlines before, at and after completion.
#
# One task gives one latency sample per round, so the single-task points
# repeat the whole cycle (spawn, block, cancel, clean up) --rounds times
# in one process: their p50/p99/p99.9 are over that many samples.  Each
# round pauses --settle_ns once the task is ready, so a thread is inside
# its blocking call when it is cancelled rather than on its way there
# (a pause makes the main thread give up the CPU, and the task's thread
# blocks within a microsecond); 20 us, not the 1 ms default, keeps
# thousands of rounds short.  Kept the same on every runtime.  Threads
# cost ~250 us a round here (kind=stream ~2 ms: a connection and a server
# thread each round), so quick takes 1000 rounds (p99 is the 10th worst
# sample; the experiment takes about twice its old time) and full 10000
# (about 4 minutes more than before).
single_rounds=$(pick 1000 10000)
for kind in sleep await stream lock queue event cpu; do
    for rt in $RUNTIMES; do
        point "$rt" cancel --kind="$kind" --tasks=1 \
            --rounds="$single_rounds" --settle_ns=20000
    done
    for n in $(pick "1000" "1000 10000"); do
        for rt in $RUNTIMES; do
            point "$rt" cancel --kind="$kind" --tasks="$n"
        done
    done
done
if has threaded; then
    point threaded cancel --kind=sleep --tasks=1 --rounds="$single_rounds" \
        --settle_ns=20000 --mode=pthread_cancel
    for n in $(pick "1000" "1000 10000"); do
        point threaded cancel --kind=sleep --tasks="$n" --mode=pthread_cancel
    done
fi
for rt in $RUNTIMES; do
    # Deadlines 10 ms either side of 20 ms of work: wide enough that a
    # busy 2-core machine does not blur before, at and after.
    point "$rt" timeout --rounds="$(pick 10 50)" --work_ns=20000000 \
        --margin_ns=10000000
done
