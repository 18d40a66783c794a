# timers: how late a sleeping task wakes (timers)
# How late does a sleeping task wake?  N tasks sleep uniform
# random durations below 2 ms; the record has lateness percentiles.
for n in $(pick "100 1000" "100 1000 10000"); do
    for rt in $RUNTIMES; do
        point "$rt" timers --tasks="$n" --max_sleep_ns=2000000
    done
done
