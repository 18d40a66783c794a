/*
 * timeout: the parameters and the one-line summary that tvc-threaded,
 * tvc-coroutine and tvc-callback all print and accept, and how both
 * styles judge each wait_for and report, written once.
 */
#include <stdio.h>

#include "wl_spec.h"

const tvc_param_spec wl_timeout_params[] = {
    {"rounds", "10", "waits per case (before, equal, after)", "1.."},
    {"work_ns", "8000000", "how long the inner task works (sleeps)", "1.."},
    {"margin_ns", "4000000",
     "how far the early and late deadlines are "
     "from work_ns",
     "1.."},
    {NULL, NULL, NULL, NULL},
};

const char wl_timeout_summary[] =
    "wait_for with deadlines before, at and after completion";

int wl_timeout_args_check(tvc_wl *w)
{
    if (tvc_wl_int(w, "work_ns") > tvc_wl_int(w, "margin_ns"))
        return 0;
    tvc_wl_fail(w, -EINVAL, "need --work_ns > --margin_ns");
    return -EINVAL;
}

int wl_timeout_tally(tvc_wl *w, wl_timeout_case *c, const wl_timeout_inner *in,
                     int rc, const void *out, int64_t deadline,
                     int64_t returned, int inner_over)
{
    if (rc == -ETIMEDOUT) {
        c->timed_out++;
        tvc_hist_record(tvc_wl_hist(w, "deadline_error"), returned - deadline);
        c->timeouts_past_deadline += returned >= deadline;
        /* wait_for cancels the inner task and waits for it: it is over,
         * cancelled unless it finished its work in the same instant (then,
         * as in asyncio, its result is lost to the timeout). */
        c->timeouts_inner_over += inner_over;
        c->timeouts_ended_once += in->cleanups + in->completions == 1;
        c->races += in->completions == 1;
        return 0;
    }
    if (rc == 0) {
        c->completed++;
        c->completions_right += out == in && in->completions == 1 &&
                                in->cleanups == 0 && returned >= in->done_at;
        return 0;
    }
    return rc;
}

void wl_timeout_report(tvc_wl *w, const wl_timeout_case cases[3])
{
    static const char *const names[3] = {"before", "equal", "after"};
    wl_timeout_case sum = {0};
    char name[64];
    for (int i = 0; i < 3; i++) {
        const wl_timeout_case *c = &cases[i];
        snprintf(name, sizeof name, "%s_timed_out", names[i]);
        tvc_wl_figure(w, name, (double)c->timed_out);
        snprintf(name, sizeof name, "%s_completed", names[i]);
        tvc_wl_figure(w, name, (double)c->completed);
        if (c->races > 0)
            tvc_wl_note(w, names[i],
                        "%lld of %lld timeouts came just after the inner "
                        "task had finished: its result was lost to the "
                        "timeout, as in asyncio",
                        (long long)c->races, (long long)c->timed_out);
        sum.timed_out += c->timed_out;
        sum.completed += c->completed;
        sum.timeouts_past_deadline += c->timeouts_past_deadline;
        sum.timeouts_inner_over += c->timeouts_inner_over;
        sum.timeouts_ended_once += c->timeouts_ended_once;
        sum.races += c->races;
        sum.completions_right += c->completions_right;
    }
    tvc_wl_figure(w, "timeout_races", (double)sum.races);
    /* Which outcome a case gets depends on how late the timer fires on
     * a loaded machine, so the checks hold every outcome to its meaning
     * and never count outcomes per case. */
    tvc_wl_check(w, "timeouts_past_deadline", sum.timed_out,
                 sum.timeouts_past_deadline);
    tvc_wl_check(w, "timeouts_inner_over", sum.timed_out,
                 sum.timeouts_inner_over);
    tvc_wl_check(w, "timeouts_inner_ended_once", sum.timed_out,
                 sum.timeouts_ended_once);
    tvc_wl_check(w, "completions_correct", sum.completed,
                 sum.completions_right);
}
