/*
 * spinner, in continuation-passing style (twin of
 * common/workloads/spinner.c): the supervisor/spinner example.  A spinner
 * task turns a spinner ("|/-\") while the supervisor makes a slow call (a
 * sleep); when the call returns, the supervisor cancels the spinner and
 * joins it.  The spinner counts its turns and checkpoints between them
 * (or sleeps interval_ns, as a real spinner would), so cancellation can
 * reach it.  Figures: how fast the spinner stopped, and the CPU the
 * process used while it spun.
 */
#include <string.h>

#include "cb_workloads.h"

static void spin_turn(tvc_cb_task *t, int rc)
{
    wl_spinner *s = tvc_cb_task_arg(t);
    if (rc == 0) {
        wl_spinner_turn(s);
        if (s->interval_ns > 0)
            tvc_cb_sleep(t, s->interval_ns, spin_turn);
        else
            tvc_cb_checkpoint(t, spin_turn);
        return;
    }
    wl_spinner_stopped(s);
    tvc_cb_task_return(t, rc, NULL);
}

static void spin(tvc_cb_task *t, int status)
{
    spin_turn(t, status);
}

/* The slow call's frame: a sub-routine borrows the task (see serve.c). */
typedef struct slow_call {
    int *answer;
    tvc_cb_fn *k;
    void *caller_arg;
} slow_call;

static void slow_woke(tvc_cb_task *t, int rc)
{
    slow_call *c = tvc_cb_task_arg(t);
    *c->answer = 42;
    tvc_cb_task_set_arg(t, c->caller_arg);
    c->k(t, rc);
}

/* The slow call the supervisor makes: an answer after slow_ns. */
static void slow_function(tvc_cb_task *t, slow_call *c, int64_t slow_ns,
                          int *answer, tvc_cb_fn *k)
{
    *c = (slow_call){answer, k, tvc_cb_task_arg(t)};
    tvc_cb_task_set_arg(t, c);
    tvc_cb_sleep(t, slow_ns, slow_woke);
}

/* The supervisor's (main task's) frame. */
typedef struct spinner_main {
    tvc_wl *w;
    wl_spinner s;
    int64_t cpu0, t0, cancel_ns;
    tvc_cb_task *t;
    int answer, rc;
    slow_call call;
} spinner_main;

static void spinner_joined(tvc_cb_task *t, int jrc, void *value)
{
    spinner_main *m = tvc_cb_task_arg(t);
    tvc_cb_task_release(m->t);
    int64_t wall = tvc_now() - m->t0, cpu = wl_cpu_ns() - m->cpu0;
    wl_spinner_report(m->w, &m->s, m->cancel_ns, jrc, m->answer, wall, cpu);
    tvc_cb_task_return(t, m->rc, NULL);
}

static void supervisor_answered(tvc_cb_task *t, int rc)
{
    spinner_main *m = tvc_cb_task_arg(t);
    m->rc = rc;
    m->cancel_ns = tvc_now();
    tvc_cb_task_cancel(m->t);
    tvc_cb_join(t, m->t, spinner_joined);
}

static void spinner_main_task(tvc_cb_task *t, int status)
{
    spinner_main *m = tvc_cb_task_arg(t);
    tvc_wl *w = m->w;
    int64_t slow = tvc_wl_int(w, "slow_ns");
    m->s = (wl_spinner){tvc_wl_int(w, "interval_ns"),
                        tvc_wl_int(w, "print") != 0, 0, 0};
    m->cpu0 = wl_cpu_ns();
    m->t0 = tvc_now();
    int rc = tvc_cb_spawn(tvc_cb_loop_current(), &m->t, spin, &m->s);
    if (rc != 0) {
        tvc_cb_task_return(t, rc, NULL);
        return;
    }
    slow_function(t, &m->call, slow, &m->answer, supervisor_answered);
}

static int spinner_run(tvc_wl *w)
{
    spinner_main m;
    memset(&m, 0, sizeof m);
    m.w = w;
    return cbwl_run_main(spinner_main_task, &m);
}

const tvc_workload tvc_cbwl_spinner = {
    "spinner",
    wl_spinner_summary,
    wl_spinner_params,
    spinner_run,
};
