# pipeline: items through bounded queues between four stages
# Producer -> filter -> map -> sink through bounded queues;
# items per second and per-item latency as the queues get deeper.
for q in $(pick "1 16 256" "1 4 16 64 256"); do
    for rt in $RUNTIMES; do
        point "$rt" pipeline --items="$(pick 100000 1000000)" --queue_size="$q"
    done
done
