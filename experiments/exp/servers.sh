# servers: echo and HTTP servers under load from another process
# Throughput and latency of the echo server over C connections
# (closed loop), open-loop latency at fixed rates (measured from each
# message's due time), and the HTTP server under wrk.  Every server runs
# in its own process on one CPU, its load generator on the other.  The
# peers serve echo beside them (experiments/peers/): libuv at 1 and 100
# connections in the quick profile (to keep it short) and the floor, a
# bare epoll loop (epoll_floor.c, what any echo server here must at least
# pay), at 100; in the full profile every one of them and the asyncio
# peer on both loops at every point, where asyncio and uvloop serve http
# too.
# nginx (one worker, experiments/peers/nginx/) serves http beside the
# runtimes at every point; its requests are counted from wrk's side.
#
# On this 2-vCPU guest a wake-up across vCPUs costs about 25 us (the idle vCPU
# halts to the hypervisor; docs/DESIGN.md, "Machine facts"), so one
# connection's round trip apart measures the hypervisor as much as the server.
# The servers-same-cpu points pin server and load generator to one CPU, where
# each round trip is two context switches, and show the runtimes' own cost
# beside it.
dur=$(pick 1000 3000)
limit=$(pick 20 60)
libuv_at=$(pick "1 100" "1 10 100 1000 10000")
peers_at=$(pick "100" "1 10 100 1000 10000")
for c in $(pick "1 10 100" "1 10 100 1000 10000"); do
    rts="$RUNTIMES"
    case " $libuv_at " in *" $c "*) rts+=" libuv" ;; esac
    case " $peers_at " in
    *" $c "*) rts+=" floor $(pick "" "asyncio uvloop")" ;;
    esac
    for rt in $rts; do
        server_point --timeout="$limit" "$rt" echo --size_bytes=64 -- \
            echo --connections="$c" --size_bytes=64 --duration_ms="$dur"
    done
done
for c in 1 100; do
    for rt in $RUNTIMES libuv $(pick "" floor); do
        server_point --timeout="$limit" --same-cpu --name=servers-same-cpu \
            "$rt" echo --size_bytes=64 -- echo --connections="$c" \
            --size_bytes=64 --duration_ms="$dur"
    done
done
for rate in $(pick "2000 20000" "1000 10000 50000"); do
    for rt in $RUNTIMES $(pick "" libuv); do
        server_point --timeout="$limit" --name=servers-open-loop "$rt" \
            echo --size_bytes=64 -- echo --connections=10 --size_bytes=64 \
            --duration_ms="$dur" --rate_per_s="$rate"
    done
done
for c in $(pick "10" "1 10 100 1000"); do
    for rt in $RUNTIMES nginx $(pick "" "asyncio uvloop"); do
        server_point --timeout="$limit" "$rt" http -- http \
            --connections="$c" --duration_ms="$dur"
    done
done
