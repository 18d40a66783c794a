# switching: what handing control to another task costs (spawn, pingpong, ring)
# What does handing control to another task cost?  spawn+join, a token passed
# back and forth (pingpong, through a future and through a queue), and around
# a ring of K tasks.  Threads wake each other across vCPUs here
# (docs/DESIGN.md, "Machine facts"), about 25 us a wake-up, so pingpong and
# ring are repeated pinned to one CPU as switching-one-cpu: the same work with
# every wake-up on one vCPU.
for rt in $RUNTIMES; do
    point "$rt" spawn --tasks="$(pick 10000 100000)"
    for mode in future queue; do
        point "$rt" pingpong --rounds="$(pick 20000 200000)" --mode="$mode"
    done
    for k in $(pick "2 100" "2 100 503"); do
        point "$rt" ring --tasks="$k" --hops="$(pick 20000 200000)"
    done
    point --cpu=0 --name=switching-one-cpu "$rt" pingpong \
        --rounds="$(pick 20000 200000)" --mode=future
    point --cpu=0 --name=switching-one-cpu "$rt" ring --tasks=100 \
        --hops="$(pick 20000 200000)"
done
