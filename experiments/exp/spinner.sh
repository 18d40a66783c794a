# spinner: spinning while a slow call runs, then cancelling
# Spin while a slow call runs, then cancel the spinner; how long
# does stopping take and how much CPU did spinning burn?
# A point lasts its slow call and 5 ms (plan.sh's --cost_ms).
for interval in 0 1000000; do
    for rt in $RUNTIMES; do
        point --cost_ms=55 "$rt" spinner --slow_ns=50000000 --interval_ns="$interval"
    done
done
