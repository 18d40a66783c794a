# timers: how late a sleeping task wakes (timers)
# How late does a sleeping task wake?  N tasks sleep uniform random
# durations below 2 ms from when each starts; the record has lateness
# percentiles.  The pending points arm every timer first (all sleeps
# start 1 s into the run, spread over the next second), so the loop
# fires them with up to N timers in its heap: 100,000 for the loop
# runtimes; threads stop at 10,000 (about 32k threads fit on this
# machine, and each sleeper is one).  Arming 100,000 coroutines with
# their stacks, or 10,000 threads, took longer than 0.5 s on a loaded
# host; armed_after_first_due counts the timers armed too late for that.
#
# Beside every point, the floor (tvc-timer-floor, column "floor"): the
# same deadlines fired by a bare loop that only waits in the kernel
# (epoll_pwait2, 1 ns timer slack) and reads the clock, in the same run.
# A runtime's x-ratio to it is what the runtime adds; the floor itself
# is the kernel's and hypervisor's wake-up and the other processes on
# the machine.  (At start_ns=0 the runtimes arm their timers while they
# spawn, busy, so some fire without a sleep: there the floor is not a
# strict bound.)
#
# Then the 100,000 timers again under SCHED_FIFO (--rt_priority): when
# other processes keep both CPUs busy, a sleeping loop waits for the CPU
# for milliseconds after its timer fires, the floor too; real-time
# priority takes the scheduler out of the lateness (not the host's
# steal: a vCPU the hypervisor holds back stalls even a real-time loop,
# for tens of ms now and then).  The full profile runs every runtime so,
# and the spin option at both priorities (--timer_spin_ns: poll instead
# of sleeping within 20 us of the next timer, about what a sleep costs
# in CPU here) whose CPU cost is child.user_ns: it cuts the median to
# under a microsecond, but at normal priority on a busy host a spinning
# loop spends its CPU share and is preempted, and its p99 is worse.
#
# Costs (plan.sh's --cost_ms), from the reference run: the 2 ms sleeps
# cost what spawning them does, 40 us a thread and under 5 us otherwise;
# a pending point lasts its 2 s of deadlines and about 0.1 s to arm them.
pending_ms=2100
for n in $(pick "100 1000" "100 1000 10000"); do
    for rt in $RUNTIMES; do
        us=5
        [ "$rt" = threaded ] && us=40
        point --cost_ms=$((5 + n * us / 1000)) "$rt" timers --tasks="$n" \
            --max_sleep_ns=2000000
    done
    tool_point --cost_ms=$((5 + n * 5 / 1000)) tvc-timer-floor timers \
        --tasks="$n" --max_sleep_ns=2000000
    # The asyncio peer: 0.1 s of Python start, 30 us a sleeper (quick: at
    # 1000 sleepers, on asyncio's own loop).
    for peer in asyncio $(pick "" uvloop); do
        [ "$PROFILE" = full ] || [ "$n" = 1000 ] || continue
        point --cost_ms=$((100 + n * 30 / 1000)) "$peer" timers \
            --tasks="$n" --max_sleep_ns=2000000
    done
done
#
# The 10,000 threads come last: for a while after such a process exits
# the kernel is still freeing its threads, and a timers point that runs
# then measures that too.
pending=(--max_sleep_ns=1000000000 --start_ns=1000000000)
loops=$(for rt in $RUNTIMES; do [ "$rt" = threaded ] || echo "$rt"; done)
for rt in $loops; do
    point --cost_ms=$pending_ms "$rt" timers --tasks=100000 "${pending[@]}"
done
tool_point --cost_ms=$pending_ms tvc-timer-floor timers --tasks=100000 \
    "${pending[@]}"
if [ "$RT_OK" = 1 ]; then
    for rt in $(pick callback "$loops"); do
        point --cost_ms=$pending_ms "$rt" timers --tasks=100000 \
            "${pending[@]}" --rt_priority=10
    done
    tool_point --cost_ms=$pending_ms tvc-timer-floor timers --tasks=100000 \
        "${pending[@]}" --rt_priority=10
else
    note "timers: SCHED_FIFO not permitted here (needs root or" \
        "CAP_SYS_NICE): the real-time points are left out"
fi
if [ "$PROFILE" = full ]; then
    for rt_prio in 0 $([ "$RT_OK" = 1 ] && echo 10); do
        point --cost_ms=$pending_ms callback timers --tasks=100000 \
            "${pending[@]}" --rt_priority=$rt_prio --timer_spin_ns=20000
        tool_point --cost_ms=$pending_ms tvc-timer-floor timers \
            --tasks=100000 "${pending[@]}" --rt_priority=$rt_prio \
            --timer_spin_ns=20000
    done
fi
if has threaded; then
    point --cost_ms=$pending_ms threaded timers --tasks=10000 "${pending[@]}"
    if [ "$PROFILE" = full ] && [ "$RT_OK" = 1 ]; then
        point --cost_ms=$pending_ms threaded timers --tasks=10000 \
            "${pending[@]}" --rt_priority=10
    fi
fi
