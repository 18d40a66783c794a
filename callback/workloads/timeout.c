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
 *
 * The inner task: inner_task -> inner_woke.  The main task: timeout_main
 * -> one_wait -> one_wait_done -> one_wait_joined -> one_wait ... ->
 * timeout_report.
 */
#include <string.h>

#include "cb_workloads.h"

static const tvc_param_spec timeout_params[] = {
    {"rounds", "10", "waits per case (before, equal, after)", NULL},
    {"work_ns", "8000000", "how long the inner task works (sleeps)", NULL},
    {"margin_ns", "4000000",
     "how far the early and late deadlines are "
     "from work_ns",
     NULL},
    {NULL, NULL, NULL, NULL},
};

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

/* The cases, in the order each round waits. */
enum { CASE_BEFORE, CASE_EQUAL, CASE_AFTER, CASES };

/* The main task's frame. */
typedef struct timeout_frame {
    tvc_wl *w;
    int64_t rounds, work, margin;
    tally tallies[CASES]; /* before, equal, after */
    int rc;
    int64_t r; /* the round */
    int which; /* its case */
    inner in;  /* the current wait's inner task */
    tvc_cb_task *task;
    int64_t t0, timeout;
} timeout_frame;

static void timeout_report(tvc_cb_task *t, timeout_frame *f)
{
    tvc_wl *w = f->w;
    int64_t rounds = f->rounds;
    tally *before = &f->tallies[CASE_BEFORE], *equal = &f->tallies[CASE_EQUAL],
          *after = &f->tallies[CASE_AFTER];
    if (f->rc != 0)
        tvc_wl_fail(w, f->rc, "wait_for failed outside the experiment");
    tvc_hist *h = tvc_wl_hist(w, "deadline_error");
    tvc_wl_figure(w, "deadline_error_ns_median",
                  (double)tvc_hist_percentile(h, 50));
    tvc_wl_figure(w, "deadline_error_ns_max",
                  (double)tvc_hist_percentile(h, 100));
    tvc_wl_figure(w, "equal_deadline_timeouts", (double)equal->timed_out);
    tvc_wl_check(w, "before_timed_out", rounds, before->timed_out);
    tvc_wl_check(w, "after_completed", rounds, after->completed);
    tvc_wl_check(w, "equal_finished", rounds,
                 equal->timed_out + equal->completed);
    tvc_wl_check(w, "before_inner_cancelled", rounds, before->inner_cancelled);
    tvc_wl_check(w, "timeouts_inner_done",
                 before->timed_out + equal->timed_out + after->timed_out,
                 before->inner_done + equal->inner_done + after->inner_done);
    tvc_wl_check(w, "results_correct", 0,
                 before->wrong_result + equal->wrong_result +
                     after->wrong_result);
    tvc_cb_task_return(t, 0, NULL);
}

static void one_wait_done(tvc_cb_task *t, int rc, void *out);

/* One wait_for whose deadline is the case's offset from the work's end,
 * or the report once every round is done. */
static void one_wait(tvc_cb_task *t, timeout_frame *f)
{
    if (f->r == f->rounds || f->rc != 0) {
        timeout_report(t, f);
        return;
    }
    int64_t offset = f->which == CASE_BEFORE  ? -f->margin
                     : f->which == CASE_EQUAL ? 0
                                              : f->margin;
    int64_t start = tvc_now();
    f->in = (inner){start + f->work, 0};
    f->rc = tvc_cb_spawn(tvc_cb_loop_current(), &f->task, inner_task, &f->in);
    if (f->rc != 0) {
        timeout_report(t, f);
        return;
    }
    f->t0 = tvc_now();
    /* Both clocks run from `start`: the timeout ends at done_at+offset. */
    f->timeout = f->in.done_at + offset - f->t0;
    if (f->timeout < 0)
        f->timeout = 0;
    tvc_cb_wait_for(t, tvc_cb_task_future(f->task), f->timeout, one_wait_done);
}

static void one_wait_joined(tvc_cb_task *t, int jrc, void *value)
{
    timeout_frame *f = tvc_cb_task_arg(t);
    tvc_cb_task_release(f->task);
    if (++f->which == CASES) {
        f->which = CASE_BEFORE;
        f->r++;
    }
    one_wait(t, f);
}

static void one_wait_done(tvc_cb_task *t, int rc, void *out)
{
    timeout_frame *f = tvc_cb_task_arg(t);
    tally *tl = &f->tallies[f->which];
    int64_t waited = tvc_now() - f->t0;
    tvc_future *tf = tvc_cb_task_future(f->task);
    if (rc == -ETIMEDOUT) {
        tl->timed_out++;
        tvc_hist_record(tvc_wl_hist(f->w, "deadline_error"),
                        waited - f->timeout);
        /* wait_for has waited for the inner task: it is over, and
         * cancelled unless it finished in the same instant. */
        tl->inner_done += tvc_future_done(tf);
        tl->inner_cancelled += f->in.cleaned_up && tvc_future_cancelled(tf);
        rc = 0;
    } else if (rc == 0) {
        tl->completed++;
        tl->wrong_result += out != &f->in;
    }
    f->rc = rc;
    tvc_cb_join(t, f->task, one_wait_joined);
}

static void timeout_main(tvc_cb_task *t, int status)
{
    timeout_frame *f = tvc_cb_task_arg(t);
    tvc_wl *w = f->w;
    f->rounds = tvc_wl_int(w, "rounds");
    f->work = tvc_wl_int(w, "work_ns");
    f->margin = tvc_wl_int(w, "margin_ns");
    if (f->rounds < 1 || f->margin < 1 || f->work <= f->margin) {
        tvc_wl_fail(w, -EINVAL,
                    "need --rounds >= 1 and work_ns > "
                    "margin_ns >= 1");
        tvc_cb_task_return(t, 0, NULL);
        return;
    }

    memset(f->tallies, 0, sizeof f->tallies);
    f->rc = status;
    f->r = 0;
    f->which = CASE_BEFORE;
    one_wait(t, f);
}

static int timeout_run(tvc_wl *w)
{
    timeout_frame f;
    memset(&f, 0, sizeof f);
    f.w = w;
    return cbwl_run_main(timeout_main, &f);
}

const tvc_workload tvc_cbwl_timeout = {
    "timeout",
    "wait_for with deadlines before, at and after completion",
    timeout_params,
    timeout_run,
};
