# counts: syscalls and instructions per operation, which timing cannot move
# What does one operation cost in system calls and in instructions?  Where
# the timed experiments cannot tell two runtimes apart on this shared VM,
# counts that do not depend on timing can: each point runs the workload
# under experiments/counts/tvc-counts, strace -f -c (--counter=syscalls)
# or callgrind (--counter=instructions), and divides the total by the
# operations its record proves were done (a round trip, a spawn and join,
# a cancelled task, an echoed message, an answered request).  The sizes
# are fixed, so a point gives the same counts every time, up to the
# process's own start and exit, which the totals include: 2,000 round
# trips, 1,000 spawns, 100 tasks cancelled (200 with the workload's
# warm-up round), 200 echo messages over 2 connections.  http is bounded
# by wrk's time (wrk has no request count), so its request count varies
# and it is counted in syscalls only: callgrind's start-up would be
# divided by a number that moves.  For echo and http only the server is
# traced; the load generator runs outside.
#
# perf's syscall tracepoints would count more cheaply, but they need
# kernel.perf_event_paranoid <= 1 (or root), which this VM does not give
# (and there is no PMU for instructions); strace and valgrind need nothing.
#
# The quick profile counts the syscalls of pingpong only (the quick
# plan is held under 270 s); the full one every workload both ways.
#
# _counts_cost WL COUNTER RT: what one point costs (plan.sh's --cost_ms),
# from run.wall_ns here, rounded up for a busier machine: under strace
# the loop runtimes take 40-140 ms, threads 140 ms and 1 s for 1,000
# spawns; under callgrind 0.45-0.5 s, threads 0.5-1 s; an http point
# 1.1-1.2 s (wrk's 300 ms and its start and stop).
_counts_cost() {
    case "$1 $2 $3" in
    "spawn syscalls threaded") echo 1500 ;;
    "spawn instructions threaded") echo 3000 ;;
    "http "*) echo 1200 ;;
    *" syscalls threaded") echo 300 ;;
    *" syscalls "*) echo 100 ;;
    *" instructions threaded") echo 1500 ;;
    *) echo 1000 ;;
    esac
}
for wl in $(pick "pingpong" "pingpong cancel spawn echo http"); do
    for counter in $(pick syscalls "syscalls instructions"); do
        for rt in $RUNTIMES; do
            [ "$wl $counter" = "http instructions" ] && continue
            copts=(--counter="$counter"
                --cost_ms="$(_counts_cost "$wl" "$counter" "$rt")")
            case "$wl" in
            pingpong) point "${copts[@]}" "$rt" pingpong --rounds=2000 ;;
            cancel) point "${copts[@]}" "$rt" cancel --kind=sleep --tasks=100 ;;
            spawn) point "${copts[@]}" "$rt" spawn --tasks=1000 ;;
            echo)
                server_point "${copts[@]}" "$rt" echo --size_bytes=64 -- echo \
                    --connections=2 --size_bytes=64 --count=200 \
                    --duration_ms=20000
                ;;
            http)
                server_point "${copts[@]}" "$rt" http -- http --connections=2 \
                    --duration_ms=300
                ;;
            esac
        done
    done
done
