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
#
# Costs (plan.sh's --cost_ms), from the reference run, in us: a round of
# the single-task points (one) and a task of the many-task ones (each)
# cost threads about 170 and 180, the loop runtimes 50 and 10; a stream
# round or task, a connection each, costs threads 490 and 540 and the
# loops 110 and 90; pthread_cancel 330 and 75.  A timeout round is its
# 50 ms of work and deadlines.
single_rounds=$(pick 1000 10000)
for kind in sleep await stream lock queue event cpu; do
    for rt in $RUNTIMES; do
        one=50 each=10
        [ "$rt" = threaded ] && one=170 each=180
        if [ "$kind" = stream ]; then
            one=110 each=90
            [ "$rt" = threaded ] && one=490 each=540
        fi
        point --cost_ms=$((5 + single_rounds * one / 1000)) "$rt" cancel \
            --kind="$kind" --tasks=1 --rounds="$single_rounds" \
            --settle_ns=20000
        for n in $(pick "1000" "1000 10000"); do
            point --cost_ms=$((5 + n * each / 1000)) "$rt" cancel \
                --kind="$kind" --tasks="$n"
        done
    done
done
if has threaded; then
    point --cost_ms=$((5 + single_rounds * 330 / 1000)) threaded cancel \
        --kind=sleep --tasks=1 --rounds="$single_rounds" --settle_ns=20000 \
        --mode=pthread_cancel
    for n in $(pick "1000" "1000 10000"); do
        point --cost_ms=$((5 + n * 75 / 1000)) threaded cancel --kind=sleep \
            --tasks="$n" --mode=pthread_cancel
    done
fi
rounds=$(pick 10 50)
for rt in $RUNTIMES; do
    # Deadlines 10 ms either side of 20 ms of work: wide enough that a
    # busy 2-core machine does not blur before, at and after.
    point --cost_ms=$((10 + rounds * 50)) "$rt" timeout --rounds="$rounds" \
        --work_ns=20000000 --margin_ns=10000000
done
