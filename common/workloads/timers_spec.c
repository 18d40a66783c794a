/*
 * timers: the parameters and the one-line summary that tvc-threaded,
 * tvc-coroutine and tvc-callback all print and accept, the sleepers'
 * draws and the record, written once.
 */
#include <sched.h>
#include <stdlib.h>

#include "tvc/reactor.h"
#include "wl_spec.h"

const tvc_param_spec wl_timers_params[] = {
    {"tasks", "100", "sleeping tasks (10k+ to load the timer heap)", "1.."},
    {"max_sleep_ns", "2000000", "sleeps are uniform in [0, max_sleep_ns)",
     "1.."},
    {"seed", "1", "seed of the sleep durations", NULL},
    {"start_ns", "0",
     "sleeps start this long after the run starts, so every timer is "
     "pending before the first fires (0: each when its task starts)",
     NULL},
    {"rt_priority", "0",
     "run under SCHED_FIFO at this priority (1-99; 0: normal scheduling); "
     "threads the workload spawns inherit it",
     "0..99"},
    {"timer_spin_ns", "0",
     "loop runtimes: poll instead of sleeping when the next timer is this "
     "close (tvc_reactor_timer_spin_set; costs CPU; threads ignore it)",
     NULL},
    {NULL, NULL, NULL, NULL},
};

const char wl_timers_summary[] =
    "N tasks sleep random durations; timer lateness";

wl_sleeper *wl_sleepers_new(int64_t n, int64_t max_sleep_ns, int64_t seed,
                            int64_t base)
{
    wl_sleeper *s = calloc((size_t)n, sizeof *s);
    uint64_t rng = wl_seed((uint64_t)seed, 0);
    for (int64_t i = 0; i < n && s; i++) {
        s[i].sleep_ns = (int64_t)(wl_rand(&rng) % (uint64_t)max_sleep_ns);
        s[i].base = base;
    }
    return s;
}

int wl_timers_setup(tvc_wl *w)
{
    int64_t prio = tvc_wl_int(w, "rt_priority");
    if (prio > 0) {
        /* The calling thread: the loop's in the loop runtimes; threads
         * created after this inherit it (glibc's default attributes). */
        struct sched_param sp = {.sched_priority = (int)prio};
        if (sched_setscheduler(0, SCHED_FIFO, &sp) < 0) {
            int err = -errno;
            tvc_wl_fail(w, err, "SCHED_FIFO at priority %lld", (long long)prio);
            return err;
        }
    }
    tvc_reactor_timer_spin_set(tvc_wl_int(w, "timer_spin_ns"));
    return 0;
}

int64_t wl_sleepers_base(tvc_wl *w)
{
    int64_t start = tvc_wl_int(w, "start_ns");
    return start > 0 ? tvc_now() + start : 0;
}

int64_t wl_sleeper_arm(wl_sleeper *s)
{
    s->armed_at = tvc_now();
    s->due = (s->base ? s->base : s->armed_at) + s->sleep_ns;
    return s->due;
}

/* Sleepers that armed their timer only after the earliest due time:
 * with --start_ns long enough there are none, all N timers were pending
 * at once and the loop had finished arming them when the first fell due.
 * Otherwise the first timers' lateness includes the rest of the arming
 * (100,000 coroutines with their stacks take longer than 0.5 s on a
 * loaded host), and the record says so in a note. */
static int64_t armed_after_first_due(const wl_sleeper *s, int64_t n)
{
    int64_t first = INT64_MAX, count = 0;
    for (int64_t i = 0; i < n; i++)
        if (s[i].due && s[i].due < first)
            first = s[i].due;
    for (int64_t i = 0; i < n; i++)
        count += s[i].due && s[i].armed_at > first;
    return count;
}

void wl_timers_report(tvc_wl *w, int rc, const wl_sleeper *s, int64_t n,
                      int64_t spawned, int64_t woke, int64_t early)
{
    if (rc == 0) {
        int64_t *late = calloc((size_t)n, sizeof *late);
        for (int64_t i = 0; late && i < n; i++)
            late[i] = s[i].late_ns;
        if (late) {
            wl_record_samples(w, "lateness", late, (size_t)n);
            /* Without --start_ns each timer starts when armed: the
             * question does not arise. */
            int64_t after = s[0].base ? armed_after_first_due(s, n) : 0;
            if (s[0].base)
                tvc_wl_figure(w, "armed_after_first_due", (double)after);
            if (after > 0)
                tvc_wl_note(w, "arming",
                            "%lld timers armed after the first was due: "
                            "lateness includes arming (raise --start_ns)",
                            (long long)after);
        }
        free(late);
    } else {
        tvc_wl_fail(w, rc, "spawning sleeper %lld", (long long)spawned + 1);
    }
    tvc_wl_check(w, "tasks_woke", n, woke);
    tvc_wl_check(w, "early_wakeups", 0, early);
}
