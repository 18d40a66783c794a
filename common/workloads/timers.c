/*
 * timers: how late a sleeping task wakes.  N tasks each sleep a duration
 * drawn from a fixed seed (the same draws on every runtime) and measure
 * how far past the requested time they woke.  A timer that fires early
 * is a bug and fails the check.
 */
#include <stdlib.h>

#include "workloads.h"

/* One sleeper: its duration in, its lateness out. */
typedef struct sleeper {
    int64_t sleep_ns;
    int64_t late_ns;
} sleeper;

static int sleeper_task(void *arg, void **result)
{
    sleeper *s = arg;
    int64_t due = tvc_now() + s->sleep_ns;
    int rc = tvc_sleep_until(due);
    s->late_ns = tvc_now() - due;
    return rc;
}

static int timers_run(tvc_wl *w)
{
    int64_t tasks = tvc_wl_int(w, "tasks");
    int64_t max_sleep = tvc_wl_int(w, "max_sleep_ns");
    uint64_t rng = wl_seed((uint64_t)tvc_wl_int(w, "seed"), 0);
    if (tasks < 1 || max_sleep < 1) {
        tvc_wl_fail(w, -EINVAL, "--tasks and --max_sleep_ns must be >= 1");
        return 0;
    }

    sleeper *s = calloc((size_t)tasks, sizeof *s);
    tvc_task **handles = calloc((size_t)tasks, sizeof *handles);
    int rc = s && handles ? 0 : -ENOMEM;
    for (int64_t i = 0; i < tasks && s; i++)
        s[i].sleep_ns = (int64_t)(wl_rand(&rng) % (uint64_t)max_sleep);

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

    if (rc == 0) {
        int64_t *late = malloc((size_t)tasks * sizeof *late);
        for (int64_t i = 0; late && i < tasks; i++)
            late[i] = s[i].late_ns;
        if (late) {
            wl_record_samples(w, "lateness", late, (size_t)tasks);
            tvc_hist *h = tvc_wl_hist(w, "lateness");
            tvc_wl_figure(w, "lateness_ns_median",
                          (double)tvc_hist_percentile(h, 50));
            tvc_wl_figure(w, "lateness_ns_p99",
                          (double)tvc_hist_percentile(h, 99));
        }
        free(late);
    } else {
        tvc_wl_fail(w, rc, "spawning sleeper %lld", (long long)spawned + 1);
    }
    tvc_wl_check(w, "tasks_woke", tasks, woke);
    tvc_wl_check(w, "early_wakeups", 0, early);
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
