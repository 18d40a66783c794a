/*
 * timers: how late a sleeping task wakes.  N tasks each sleep a duration
 * drawn from a fixed seed (the same draws on every runtime) and measure
 * how far past the requested time they woke.  A timer that fires early
 * is a bug and fails the check.
 */
#include <stdlib.h>

#include "workloads.h"

static int sleeper_task(void *arg, void **result)
{
    wl_sleeper *s = arg;
    int rc = tvc_sleep_until(wl_sleeper_arm(s));
    s->late_ns = tvc_now() - s->due;
    return rc;
}

static int timers_run(tvc_wl *w)
{
    int64_t tasks = tvc_wl_int(w, "tasks");
    int64_t max_sleep = tvc_wl_int(w, "max_sleep_ns");
    if (wl_timers_setup(w) < 0)
        return 0;
    wl_sleeper *s = wl_sleepers_new(tasks, max_sleep, tvc_wl_int(w, "seed"),
                                    wl_sleepers_base(w));
    tvc_task **handles = calloc((size_t)tasks, sizeof *handles);
    int rc = s && handles ? 0 : -ENOMEM;

    int64_t spawned = 0;
    while (rc == 0 && spawned < tasks) {
        rc = tvc_spawn(&handles[spawned], sleeper_task, &s[spawned], NULL);
        spawned += rc == 0;
    }
    int64_t woke = 0, early = 0;
    for (int64_t i = 0; i < spawned; i++) {
        if (tvc_task_join(handles[i], NULL) == 0) {
            woke++;
            early += s[i].late_ns < 0;
        }
        tvc_task_release(handles[i]);
    }

    wl_timers_report(w, rc, s, tasks, spawned, woke, early);
    free(s);
    free(handles);
    return 0;
}

const tvc_workload tvc_wl_timers = {
    "timers",
    wl_timers_summary,
    wl_timers_params,
    timers_run,
};
