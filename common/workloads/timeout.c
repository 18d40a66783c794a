/*
 * timeout: wait_for with deadlines around the completion time.  An inner
 * task sleeps until work_ns from its start and returns; the main task
 * waits for it with a timeout ending margin_ns before that (before), at
 * it (equal) and margin_ns after it (after).  The deadline error is how
 * late wait_for returned past a timeout.
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

#include "workloads.h"

static int inner_task(void *arg, void **result)
{
    wl_timeout_inner *in = arg;
    /* An absolute time, so the task's start-up does not move it. */
    int rc = tvc_sleep_until(in->done_at);
    if (rc != 0) {
        in->cleanups++; /* the cancellation cleanup */
        return rc;
    }
    in->completions++;
    *result = in;
    return 0;
}

/* One wait_for whose deadline is `offset` from the work's end; 0 or an
 * error that is not part of the experiment. */
static int one_wait(tvc_wl *w, int64_t work, int64_t offset, wl_timeout_case *c)
{
    int64_t start = tvc_now();
    wl_timeout_inner in = {start + work, 0, 0};
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
    int64_t returned = tvc_now();
    rc = wl_timeout_tally(w, c, &in, rc, out, t0 + timeout, returned,
                          tvc_future_done(tvc_task_future(task)));
    tvc_task_join(task, NULL);
    tvc_task_release(task);
    return rc;
}

static int timeout_run(tvc_wl *w)
{
    int64_t rounds = tvc_wl_int(w, "rounds");
    int64_t work = tvc_wl_int(w, "work_ns");
    int64_t margin = tvc_wl_int(w, "margin_ns");
    if (wl_timeout_args_check(w) < 0)
        return 0;

    wl_timeout_case cases[3]; /* before, equal, after */
    memset(cases, 0, sizeof cases);
    int rc = 0;
    for (int64_t r = 0; r < rounds && rc == 0; r++) {
        rc = one_wait(w, work, -margin, &cases[0]);
        if (rc == 0)
            rc = one_wait(w, work, 0, &cases[1]);
        if (rc == 0)
            rc = one_wait(w, work, margin, &cases[2]);
    }

    if (rc != 0)
        tvc_wl_fail(w, rc, "wait_for failed outside the experiment");
    wl_timeout_report(w, cases);
    return 0;
}

const tvc_workload tvc_wl_timeout = {
    "timeout",
    wl_timeout_summary,
    wl_timeout_params,
    timeout_run,
};
