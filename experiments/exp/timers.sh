# timers: how late a sleeping task wakes (timers)
# How late does a sleeping task wake?  N tasks sleep uniform random
# durations below 2 ms from when each starts; the record has lateness
# percentiles.  The pending points arm every timer first (all sleeps
# start 0.5 s into the run, spread over the next second), so the loop
# fires them with up to N timers in its heap: 100,000 for the loop
# runtimes; threads stop at 10,000 (about 32k threads fit on this
# machine, and each sleeper is one).
for n in $(pick "100 1000" "100 1000 10000"); do
    for rt in $RUNTIMES; do
        point "$rt" timers --tasks="$n" --max_sleep_ns=2000000
    done
done
for rt in $RUNTIMES; do
    n=100000
    [ "$rt" = threaded ] && n=10000
    point "$rt" timers --tasks="$n" --max_sleep_ns=1000000000 \
        --start_ns=500000000
done
