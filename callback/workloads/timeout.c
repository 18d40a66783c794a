/*
 * timeout, in continuation-passing style (twin of
 * common/workloads/timeout.c): wait_for with deadlines around the
 * completion time.  An inner task sleeps until work_ns from its start
 * and returns; the main task waits for it with a timeout ending
 * margin_ns before that (before), at it (equal) and margin_ns after it
 * (after).  The deadline error is how late wait_for returned past a
 * timeout.
 *
 * Which outcome a wait gets depends on when the timer fires, so on how
 * loaded the machine is; the outcomes per case are figures.  The checks
 * hold each outcome to its meaning (wl_timeout_tally): a timeout came at
 * or past its deadline, its inner task was over by then and had either
 * been cancelled (its cleanup ran once) or finished its work just before
 * (a race: the result is lost, as in asyncio); a success carries the
 * inner task's result and came after its work was done.
 */
#include <string.h>

#include "cb_workloads.h"

static void inner_woke(tvc_cb_task *t, int rc)
{
    wl_timeout_inner *in = tvc_cb_task_arg(t);
    if (rc != 0) {
        in->cleanups++; /* the cancellation cleanup */
        tvc_cb_task_return(t, rc, NULL);
        return;
    }
    in->completions++;
    tvc_cb_task_return(t, 0, in);
}

static void inner_task(tvc_cb_task *t, int status)
{
    wl_timeout_inner *in = tvc_cb_task_arg(t);
    if (status != 0) {
        inner_woke(t, status);
        return;
    }
    /* An absolute time, so the task's start-up does not move it. */
    tvc_cb_sleep_until(t, in->done_at, inner_woke);
}

/* The main task's frame: the rounds and the wait in progress. */
typedef struct timeout_main {
    tvc_wl *w;
    int64_t rounds, work, margin;
    wl_timeout_case cases[3]; /* before, equal, after */
    int rc;
    int64_t r;      /* round */
    int c;          /* case within the round */
    /* one_wait's locals */
    wl_timeout_inner in;
    tvc_cb_task *task;
    int64_t t0, timeout;
} timeout_main;

static void wait_next(tvc_cb_task *t);

static void one_wait_joined(tvc_cb_task *t, int jrc, void *value)
{
    timeout_main *m = tvc_cb_task_arg(t);
    tvc_cb_task_release(m->task);
    if (++m->c == 3) {
        m->c = 0;
        m->r++;
    }
    wait_next(t);
}

static void one_wait_done(tvc_cb_task *t, int rc, void *out)
{
    timeout_main *m = tvc_cb_task_arg(t);
    int64_t returned = tvc_now();
    m->rc = wl_timeout_tally(m->w, &m->cases[m->c], &m->in, rc, out,
                             m->t0 + m->timeout, returned,
                             tvc_future_done(tvc_cb_task_future(m->task)));
    tvc_cb_join(t, m->task, one_wait_joined);
}

/* One wait_for whose deadline is `offset` from the work's end. */
static void one_wait(tvc_cb_task *t, timeout_main *m, int64_t offset)
{
    int64_t start = tvc_now();
    m->in = (wl_timeout_inner){start + m->work, 0, 0};
    m->rc = tvc_cb_spawn(tvc_cb_loop_current(), &m->task, inner_task, &m->in);
    if (m->rc != 0) {
        wait_next(t);
        return;
    }
    m->t0 = tvc_now();
    /* Both clocks run from `start`: the timeout ends at done_at+offset. */
    m->timeout = m->in.done_at + offset - m->t0;
    if (m->timeout < 0)
        m->timeout = 0;
    tvc_cb_wait_for(t, tvc_cb_task_future(m->task), m->timeout,
                    one_wait_done);
}

static void timeout_report(tvc_cb_task *t, timeout_main *m)
{
    if (m->rc != 0)
        tvc_wl_fail(m->w, m->rc, "wait_for failed outside the experiment");
    wl_timeout_report(m->w, m->cases);
    tvc_cb_task_return(t, 0, NULL);
}

/* The loop head: the next case of the round, or the report. */
static void wait_next(tvc_cb_task *t)
{
    timeout_main *m = tvc_cb_task_arg(t);
    int64_t offsets[3] = {-m->margin, 0, m->margin};
    if (m->r < m->rounds && m->rc == 0) {
        one_wait(t, m, offsets[m->c]);
        return;
    }
    timeout_report(t, m);
}

static void timeout_main_task(tvc_cb_task *t, int status)
{
    timeout_main *m = tvc_cb_task_arg(t);
    tvc_wl *w = m->w;
    m->rounds = tvc_wl_int(w, "rounds");
    m->work = tvc_wl_int(w, "work_ns");
    m->margin = tvc_wl_int(w, "margin_ns");
    if (wl_timeout_args_check(w) < 0) {
        tvc_cb_task_return(t, 0, NULL);
        return;
    }
    wait_next(t);
}

static int timeout_run(tvc_wl *w)
{
    timeout_main m;
    memset(&m, 0, sizeof m);
    m.w = w;
    return cbwl_run_main(timeout_main_task, &m);
}

const tvc_workload tvc_cbwl_timeout = {
    "timeout",
    wl_timeout_summary,
    wl_timeout_params,
    timeout_run,
};
