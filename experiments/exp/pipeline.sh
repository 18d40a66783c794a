# pipeline: items through bounded queues between four stages
# Producer -> filter -> map -> sink through bounded queues;
# items per second and per-item latency as the queues get deeper.
#
# Costs (plan.sh's --cost_ms), from the reference run: an item costs the
# loop runtimes a quarter of a microsecond; threads wake each other for
# it, 17 us with queues of one slot, 3.3 us of 16, 0.55 us of 256 (about
# 17 us over the queue size to the 0.6).
items=$(pick 100000 1000000)
for q in $(pick "1 16 256" "1 4 16 64 256"); do
    for rt in $RUNTIMES; do
        ns=250
        if [ "$rt" = threaded ]; then
            case "$q" in 1) ns=17000 ;; 4) ns=7800 ;; 16) ns=3300 ;;
            64) ns=1400 ;; *) ns=550 ;; esac
        fi
        point --cost_ms=$((5 + items * ns / 1000000)) "$rt" pipeline \
            --items="$items" --queue_size="$q"
    done
done
