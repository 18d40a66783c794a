/*
 * timeout, in continuation-passing style (twin of
 * common/workloads/timeout.c): wait_for with deadlines around the
 * completion time.  An inner task sleeps work_ns and returns; the main
 * task waits for it with a timeout of work_ns - margin_ns (must time
 * out), work_ns (either outcome is right) and work_ns + margin_ns (must
 * complete).  On every timeout wait_for must have waited for the inner
 * task to end; on the early deadline it must have cancelled it (its
 * cleanup ran).  At the equal deadline the work may finish just as the
 * timeout fires: then, as in asyncio, the result is lost to the timeout
 * but the task is over.  The deadline error is how late wait_for
 * returned past its timeout.
 */
#include <string.h>

#include "cb_workloads.h"

/* One inner task's story. */
typedef struct inner {
    int64_t done_at; /* absolute: when its work is finished */
    int cleaned_up;  /* its cancellation cleanup ran */
} inner;

static void inner_woke(tvc_cb_task *t, int rc)
{
    inner *in = tvc_cb_task_arg(t);
    if (rc != 0) {
        in->cleaned_up = 1;
        tvc_cb_task_return(t, rc, NULL);
        return;
    }
    tvc_cb_task_return(t, 0, in);
}

static void inner_task(tvc_cb_task *t, int status)
{
    inner *in = tvc_cb_task_arg(t);
    if (status != 0) {
        inner_woke(t, status);
        return;
    }
    /* An absolute time, so the task's start-up does not move it. */
    tvc_cb_sleep_until(t, in->done_at, inner_woke);
}

/* The tallies of one case. */
typedef struct tally {
    int64_t timed_out, completed;
    int64_t inner_done;      /* timeouts after which the inner was over */
    int64_t inner_cancelled; /* ... and over because it was cancelled */
    int64_t wrong_result;    /* completions that returned something else */
} tally;

/* The main task's frame: the rounds and the wait in progress. */
typedef struct timeout_main {
    tvc_wl *w;
    int64_t rounds, work, margin;
    tally cases[3]; /* before, equal, after */
    int rc;
    int64_t r;      /* round */
    int c;          /* case within the round */
    /* one_wait's locals */
    inner in;
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
    tally *ty = &m->cases[m->c];
    int64_t waited = tvc_now() - m->t0;
    tvc_future *f = tvc_cb_task_future(m->task);
    if (rc == -ETIMEDOUT) {
        ty->timed_out++;
        tvc_hist_record(tvc_wl_hist(m->w, "deadline_error"),
                        waited - m->timeout);
        /* wait_for has waited for the inner task: it is over, and
         * cancelled unless it finished in the same instant. */
        ty->inner_done += tvc_future_done(f);
        ty->inner_cancelled += m->in.cleaned_up && tvc_future_cancelled(f);
        rc = 0;
    } else if (rc == 0) {
        ty->completed++;
        ty->wrong_result += out != &m->in;
    }
    m->rc = rc;
    tvc_cb_join(t, m->task, one_wait_joined);
}

/* One wait_for whose deadline is `offset` from the work's end. */
static void one_wait(tvc_cb_task *t, timeout_main *m, int64_t offset)
{
    int64_t start = tvc_now();
    m->in = (inner){start + m->work, 0};
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
    tvc_wl *w = m->w;
    tally *before = &m->cases[0], *equal = &m->cases[1],
          *after = &m->cases[2];
    if (m->rc != 0)
        tvc_wl_fail(w, m->rc, "wait_for failed outside the experiment");
    tvc_hist *h = tvc_wl_hist(w, "deadline_error");
    tvc_wl_figure(w, "deadline_error_ns_median",
                  (double)tvc_hist_percentile(h, 50));
    tvc_wl_figure(w, "deadline_error_ns_max",
                  (double)tvc_hist_percentile(h, 100));
    tvc_wl_figure(w, "equal_deadline_timeouts", (double)equal->timed_out);
    tvc_wl_check(w, "before_timed_out", m->rounds, before->timed_out);
    tvc_wl_check(w, "after_completed", m->rounds, after->completed);
    tvc_wl_check(w, "equal_finished", m->rounds,
                 equal->timed_out + equal->completed);
    tvc_wl_check(w, "before_inner_cancelled", m->rounds,
                 before->inner_cancelled);
    tvc_wl_check(w, "timeouts_inner_done",
                 before->timed_out + equal->timed_out + after->timed_out,
                 before->inner_done + equal->inner_done + after->inner_done);
    tvc_wl_check(w, "results_correct", 0,
                 before->wrong_result + equal->wrong_result +
                     after->wrong_result);
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
    if (m->rounds < 1 || m->margin < 1 || m->work <= m->margin) {
        tvc_wl_fail(w, -EINVAL,
                    "need --rounds >= 1 and work_ns > "
                    "margin_ns >= 1");
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
