/*
 * timers, in continuation-passing style (twin of
 * common/workloads/timers.c): how late a sleeping task wakes.  N tasks
 * each sleep a duration drawn from a fixed seed (the same draws on every
 * runtime) and measure how far past the requested time they woke.  A
 * timer that fires early is a bug and fails the check.
 */
#include <stdlib.h>
#include <string.h>

#include "cb_workloads.h"

static void sleeper_woke(tvc_cb_task *t, int rc)
{
    wl_sleeper *s = tvc_cb_task_arg(t);
    s->late_ns = tvc_now() - s->due;
    tvc_cb_task_return(t, rc, NULL);
}

static void sleeper_task(tvc_cb_task *t, int status)
{
    wl_sleeper *s = tvc_cb_task_arg(t);
    if (status != 0) {
        tvc_cb_task_return(t, status, NULL);
        return;
    }
    tvc_cb_sleep_until(t, wl_sleeper_arm(s), sleeper_woke);
}

/* The main task's frame. */
typedef struct timers_main {
    tvc_wl *w;
    int64_t tasks;
    wl_sleeper *s;
    tvc_cb_task **handles;
    int rc;
    int64_t spawned, next, woke, early;
} timers_main;

static void timers_report(tvc_cb_task *t, timers_main *m)
{
    wl_timers_report(m->w, m->rc, m->s, m->tasks, m->spawned, m->woke,
                     m->early);
    free(m->s);
    free(m->handles);
    tvc_cb_task_return(t, 0, NULL);
}

static void timers_joined(tvc_cb_task *t, int status, void *value)
{
    timers_main *m = tvc_cb_task_arg(t);
    if (status == 0) {
        m->woke++;
        m->early += m->s[m->next].late_ns < 0;
    }
    tvc_cb_task_release(m->handles[m->next]);
    if (++m->next < m->spawned) {
        tvc_cb_join(t, m->handles[m->next], timers_joined);
        return;
    }
    timers_report(t, m);
}

static void timers_main_task(tvc_cb_task *t, int status)
{
    timers_main *m = tvc_cb_task_arg(t);
    tvc_wl *w = m->w;
    m->tasks = tvc_wl_int(w, "tasks");
    int64_t max_sleep = tvc_wl_int(w, "max_sleep_ns");
    if (wl_timers_setup(w) < 0) {
        tvc_cb_task_return(t, 0, NULL);
        return;
    }
    m->s = wl_sleepers_new(m->tasks, max_sleep, tvc_wl_int(w, "seed"),
                           wl_sleepers_base(w));
    m->handles = calloc((size_t)m->tasks, sizeof *m->handles);
    m->rc = m->s && m->handles ? 0 : -ENOMEM;

    while (m->rc == 0 && m->spawned < m->tasks) {
        m->rc = tvc_cb_spawn(tvc_cb_loop_current(), &m->handles[m->spawned],
                             sleeper_task, &m->s[m->spawned]);
        m->spawned += m->rc == 0;
    }
    if (m->spawned > 0) {
        tvc_cb_join(t, m->handles[0], timers_joined);
        return;
    }
    timers_report(t, m);
}

static int timers_run(tvc_wl *w)
{
    timers_main m;
    memset(&m, 0, sizeof m);
    m.w = w;
    return cbwl_run_main(timers_main_task, &m);
}

const tvc_workload tvc_cbwl_timers = {
    "timers",
    wl_timers_summary,
    wl_timers_params,
    timers_run,
};
