# executor: blocking calls inline or offloaded to a thread pool
# Blocking calls made from a task, inline or offloaded to a
# thread pool; how long does everything else on the loop stall?
for work in sleep hash; do
    for offload in 0 1; do
        for rt in $RUNTIMES; do
            point "$rt" executor --work="$work" --offload="$offload" \
                --calls="$(pick 20 100)"
        done
    done
done
