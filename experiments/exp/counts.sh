# counts: syscalls and instructions per operation, which timing cannot move
# What does one operation cost in system calls and in instructions?  Where
# the timed experiments cannot tell two runtimes apart on this shared VM,
# counts that do not depend on timing can: each point runs the workload
# under experiments/counts/tvc-counts, strace -f -c (--counter=syscalls)
# or callgrind (--counter=instructions), then the same command at the
# smallest size, and divides the difference by the difference in the
# operations the records prove were done (a round trip, a spawn and
# join, a cancelled task, an echoed message, an answered request): what
# one more operation costs, the process's start and exit left out.  The
# sizes are fixed: 2,000 round trips, 1,000 spawns (2,000 with the
# batched pass), 100 tasks cancelled (200 with the warm-up round), 200
# echo messages over 2 connections.  Instructions are exact on the loop
# runtimes; syscalls are exact where nothing waits (pingpong, spawn,
# cancel on the loops), while threads' futex calls and a server's
# epoll_wait calls follow how often a thread found nothing to do, so
# they move a little between runs.  http is bounded by wrk's time (wrk
# has no request count and takes whole seconds), so its request count
# varies; it is counted in syscalls only.  For echo and http only the
# server is traced; the load generator runs outside.
#
# perf's syscall tracepoints would count more cheaply, but they need
# kernel.perf_event_paranoid <= 1 (or root), which this VM does not give
# (and there is no PMU for instructions); strace and valgrind need nothing.
#
# The quick profile counts syscalls only, of pingpong and of spawn
# without threads (1,000 threads under strace take a second, and threads
# are never level with the loops there), to hold the quick plan under
# 270 s; the full one counts every workload both ways.
#
# _counts_cost WL COUNTER RT: what one point costs (plan.sh's --cost_ms),
# the run and its baseline, from run.wall_ns here, rounded up for a
# busier machine: under strace the loop runtimes take 50-110 ms, threads
# 150-180 ms and 0.9 s for 1,000 spawns; under callgrind 0.83-0.95 s,
# threads 0.95-1.1 s and 1.7 s for spawns; an http point 1.2-1.4 s
# (wrk's 1 s and its start and stop).
_counts_cost() {
    case "$1 $2 $3" in
    "spawn syscalls threaded") echo 1500 ;;
    "spawn instructions threaded") echo 3000 ;;
    "http "*) echo 1500 ;;
    *" syscalls threaded") echo 300 ;;
    *" syscalls "*) echo 120 ;;
    *" instructions threaded") echo 1800 ;;
    *) echo 1300 ;;
    esac
}
for wl in $(pick "pingpong spawn" "pingpong cancel spawn echo http"); do
    for counter in $(pick syscalls "syscalls instructions"); do
        for rt in $RUNTIMES; do
            [ "$wl $counter" = "http instructions" ] && continue
            [ "$PROFILE $wl $rt" = "quick spawn threaded" ] && continue
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
                    --duration_ms=1000
                ;;
            esac
        done
    done
done
