# switching: what handing control to another task costs (spawn, pingpong, ring)
# What does handing control to another task cost?  spawn+join, a token passed
# back and forth (pingpong, through a future and through a queue), and around
# a ring of K tasks.  Threads wake each other across vCPUs here
# (docs/DESIGN.md, "Machine facts"), about 25 us a wake-up, so pingpong and
# ring are repeated pinned to one CPU as switching-one-cpu: the same work with
# every wake-up on one vCPU.
#
# Costs (plan.sh's --cost_ms), from the reference run: a thread spawned,
# or a wake-up across vCPUs, about 60 us (us below; a ring hop 25 us,
# handing on while the last one sleeps); one on one vCPU 5 us; the loop
# runtimes do all of it within their 5 ms start and exit.
n=$(pick 10000 100000) rounds=$(pick 20000 200000)
for rt in $RUNTIMES; do
    us=0 us_hop=0 us_one=0
    [ "$rt" = threaded ] && us=60 us_hop=25 us_one=5
    point --cost_ms=$((5 + n * us / 1000)) "$rt" spawn --tasks="$n"
    for mode in future queue; do
        point --cost_ms=$((5 + rounds * us / 1000)) "$rt" pingpong \
            --rounds="$rounds" --mode="$mode"
    done
    for k in $(pick "2 100" "2 100 503"); do
        point --cost_ms=$((5 + rounds * us_hop / 1000)) "$rt" ring \
            --tasks="$k" --hops="$rounds"
    done
    point --cpu=0 --name=switching-one-cpu \
        --cost_ms=$((5 + rounds * us_one / 1000)) "$rt" pingpong \
        --rounds="$rounds" --mode=future
    point --cpu=0 --name=switching-one-cpu \
        --cost_ms=$((5 + rounds * us_one / 1000)) "$rt" ring --tasks=100 \
        --hops="$rounds"
done
# The asyncio peer at the same sizes, in Python about 20 us a spawn, a
# round trip or a hop, after 0.1 s of start: quick runs the future
# pingpong on asyncio's own loop; full runs every point on both loops.
for peer in asyncio $(pick "" uvloop); do
    [ "$PROFILE" = full ] &&
        point --cost_ms=$((100 + n * 30 / 1000)) "$peer" spawn --tasks="$n"
    for mode in future $(pick "" queue); do
        point --cost_ms=$((100 + rounds * 20 / 1000)) "$peer" pingpong \
            --rounds="$rounds" --mode="$mode"
    done
    for k in $(pick "" "2 100 503"); do
        point --cost_ms=$((100 + rounds * 20 / 1000)) "$peer" ring \
            --tasks="$k" --hops="$rounds"
    done
done
