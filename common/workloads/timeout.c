/*
 * timeout: wait_for with deadlines around the completion time.  An inner
 * task sleeps work_ns and returns; the main task waits for it with a
 * timeout of work_ns - margin_ns (must time out), work_ns (either
 * outcome is right) and work_ns + margin_ns (must complete).  On every
 * timeout wait_for must have waited for the inner task to end; on the
 * early deadline it must have cancelled it (its cleanup ran).  At the
 * equal deadline the work may finish just as the timeout fires: then, as
 * in asyncio, the result is lost to the timeout but the task is over.  The
 * deadline error is how late wait_for returned past its timeout.
 */
#include <string.h>

#include "workloads.h"

/* One inner task's story. */
typedef struct inner {
    int64_t done_at; /* absolute: when its work is finished */
    int cleaned_up;  /* its cancellation cleanup ran */
} inner;

static int inner_task(void *arg, void **result)
{
    inner *in = arg;
    /* An absolute time, so the task's start-up does not move it. */
    int rc = tvc_sleep_until(in->done_at);
    if (rc != 0) {
        in->cleaned_up = 1;
        return rc;
    }
    *result = in;
    return 0;
}

/* The tallies of one case. */
typedef struct tally {
    int64_t timed_out, completed;
    int64_t inner_done;      /* timeouts after which the inner was over */
    int64_t inner_cancelled; /* ... and over because it was cancelled */
    int64_t wrong_result;    /* completions that returned something else */
} tally;

/* One wait_for whose deadline is `offset` from the work's end; 0 or an
 * error that is not part of the experiment. */
static int one_wait(tvc_wl *w, int64_t work, int64_t offset, tally *t)
{
    int64_t start = tvc_now();
    inner in = {start + work, 0};
    tvc_task *task;
    int rc = tvc_spawn(&task, inner_task, &in, NULL);
    if (rc != 0)
        return rc;
    int64_t t0 = tvc_now();
    /* Both clocks run from `start`: the timeout ends at done_at+offset. */
    int64_t timeout = in.done_at + offset - t0;
    if (timeout < 0)
        timeout = 0;
    void *out = NULL;
    rc = tvc_wait_for(tvc_task_future(task), timeout, &out);
    int64_t waited = tvc_now() - t0;
    if (rc == -ETIMEDOUT) {
        t->timed_out++;
        tvc_hist_record(tvc_wl_hist(w, "deadline_error"), waited - timeout);
        /* wait_for has waited for the inner task: it is over, and
         * cancelled unless it finished in the same instant. */
        t->inner_done += tvc_future_done(tvc_task_future(task));
        t->inner_cancelled +=
            in.cleaned_up && tvc_future_cancelled(tvc_task_future(task));
        rc = 0;
    } else if (rc == 0) {
        t->completed++;
        t->wrong_result += out != &in;
    }
    tvc_task_join(task, NULL);
    tvc_task_release(task);
    return rc;
}

static int timeout_run(tvc_wl *w)
{
    int64_t rounds = tvc_wl_int(w, "rounds");
    int64_t work = tvc_wl_int(w, "work_ns");
    int64_t margin = tvc_wl_int(w, "margin_ns");
    if (rounds < 1 || margin < 1 || work <= margin) {
        tvc_wl_fail(w, -EINVAL,
                    "need --rounds >= 1 and work_ns > "
                    "margin_ns >= 1");
        return 0;
    }

    tally before, equal, after;
    memset(&before, 0, sizeof before);
    equal = after = before;
    int rc = 0;
    for (int64_t r = 0; r < rounds && rc == 0; r++) {
        rc = one_wait(w, work, -margin, &before);
        if (rc == 0)
            rc = one_wait(w, work, 0, &equal);
        if (rc == 0)
            rc = one_wait(w, work, margin, &after);
    }

    if (rc != 0)
        tvc_wl_fail(w, rc, "wait_for failed outside the experiment");
    tvc_hist *h = tvc_wl_hist(w, "deadline_error");
    tvc_wl_figure(w, "deadline_error_ns_median",
                  (double)tvc_hist_percentile(h, 50));
    tvc_wl_figure(w, "deadline_error_ns_max",
                  (double)tvc_hist_percentile(h, 100));
    tvc_wl_figure(w, "equal_deadline_timeouts", (double)equal.timed_out);
    tvc_wl_check(w, "before_timed_out", rounds, before.timed_out);
    tvc_wl_check(w, "after_completed", rounds, after.completed);
    tvc_wl_check(w, "equal_finished", rounds,
                 equal.timed_out + equal.completed);
    tvc_wl_check(w, "before_inner_cancelled", rounds, before.inner_cancelled);
    tvc_wl_check(w, "timeouts_inner_done",
                 before.timed_out + equal.timed_out + after.timed_out,
                 before.inner_done + equal.inner_done + after.inner_done);
    tvc_wl_check(w, "results_correct", 0,
                 before.wrong_result + equal.wrong_result + after.wrong_result);
    return 0;
}

const tvc_workload tvc_wl_timeout = {
    "timeout",
    wl_timeout_summary,
    wl_timeout_params,
    timeout_run,
};
