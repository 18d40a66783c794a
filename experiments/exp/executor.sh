# executor: blocking calls inline or offloaded to a thread pool
# Blocking calls made from a task, inline or offloaded to a
# thread pool; how long does everything else on the loop stall?
# A call costs about 1 ms sleeping and 3 ms hashing, a point 5 ms more
# (plan.sh's --cost_ms, from the reference run).
calls=$(pick 20 100)
for work in sleep hash; do
    us=1000
    [ "$work" = hash ] && us=3000
    for offload in 0 1; do
        for rt in $RUNTIMES; do
            point --cost_ms=$((5 + calls * us / 1000)) "$rt" executor \
                --work="$work" --offload="$offload" --calls="$calls"
        done
    done
done
