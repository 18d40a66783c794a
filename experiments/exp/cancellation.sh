# cancellation: how fast a cancelled task stops (cancel, timeout)
# How fast does a cancelled task stop, and does everything
# come back?  cancel blocks tasks in each kind of wait, one task (single)
# and many (mass); the threaded runtime also shows raw pthread_cancel.
# timeout checks wait_for deadlines before, at and after completion.
for kind in sleep await stream lock queue event cpu; do
    for n in $(pick "1 1000" "1 1000 10000"); do
        for rt in $RUNTIMES; do
            point "$rt" cancel --kind="$kind" --tasks="$n"
        done
    done
done
if has threaded; then
    for n in $(pick "1 1000" "1 1000 10000"); do
        point threaded cancel --kind=sleep --tasks="$n" --mode=pthread_cancel
    done
fi
for rt in $RUNTIMES; do
    # Deadlines 10 ms either side of 20 ms of work: wide enough that a
    # busy 2-core machine does not blur before, at and after.
    point "$rt" timeout --rounds="$(pick 10 50)" --work_ns=20000000 \
        --margin_ns=10000000
done
