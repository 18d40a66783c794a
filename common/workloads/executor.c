/*
 * executor: blocking calls and the tasks around them.  A ticker task
 * wakes every tick_ns and records how late it woke; meanwhile the main
 * task makes `calls` blocking calls (a nanosleep, or a CPU hash), either
 * offloaded with tvc_run_in_executor (--offload=1) or made inline
 * (--offload=0).  On a loop runtime an inline call stalls every task; on
 * threads it stalls only its own.  Each call's result is checked.
 */
#include <stdlib.h>
#include <string.h>

#include "workloads.h"

/* The ticker's period and its lateness samples. */
typedef struct ticker {
    int64_t tick_ns;
    int64_t *late; /* up to cap samples */
    size_t n, cap;
    size_t dropped; /* ticks beyond cap */
} ticker;

static int tick(void *arg, void **result)
{
    ticker *t = arg;
    int64_t due = tvc_now();
    for (;;) {
        due += t->tick_ns;
        int rc = tvc_sleep_until(due);
        if (rc != 0)
            return rc; /* cancelled: the run is over */
        int64_t now = tvc_now();
        if (t->n < t->cap)
            t->late[t->n++] = now - due;
        else
            t->dropped++;
        /* After a stall, tick from now rather than firing a burst. */
        if (now - due > t->tick_ns)
            due = now;
    }
}

static int executor_run(tvc_wl *w)
{
    int64_t calls = tvc_wl_int(w, "calls");
    int sleep_work = strcmp(tvc_wl_str(w, "work"), "sleep") == 0;
    int64_t block = tvc_wl_int(w, "block_ns");
    int64_t hash_bytes = tvc_wl_int(w, "hash_bytes");
    int offload = tvc_wl_int(w, "offload") != 0;
    int64_t tick_ns = tvc_wl_int(w, "tick_ns");
    if (calls < 1 || block < 0 || hash_bytes < 0 || tick_ns < 1000) {
        tvc_wl_fail(w, -EINVAL, "need --calls >= 1, --tick_ns >= 1000");
        return 0;
    }

    /* Room for the ticks of the sleeps plus slack for hashing. */
    int64_t expect_ticks = sleep_work ? calls * block / tick_ns : 0;
    ticker tk = {tick_ns, NULL, 0, (size_t)(expect_ticks * 2 + 100000), 0};
    tk.late = malloc(tk.cap * sizeof *tk.late);
    wl_call *cs = calloc((size_t)calls, sizeof *cs);
    int rc = tk.late && cs ? 0 : -ENOMEM;
    tvc_task *tt = NULL;
    if (rc == 0)
        rc = tvc_spawn(&tt, tick, &tk, &(tvc_task_opts){"ticker", 0});

    int64_t t0 = tvc_now();
    for (int64_t i = 0; i < calls && rc == 0; i++) {
        cs[i] = (wl_call){sleep_work, block, (size_t)hash_bytes,
                          (uint64_t)i + 1, 0};
        if (offload) {
            tvc_future *f;
            rc = tvc_run_in_executor(&f, wl_blocking_call, &cs[i]);
            if (rc == 0) {
                rc = tvc_await(f, NULL);
                tvc_future_unref(f);
            }
        } else {
            wl_blocking_call(&cs[i]);
            /* Give the ticker its turn, as an await would. */
            rc = tvc_sleep(0);
        }
    }
    int64_t elapsed = tvc_now() - t0;
    /* Let the ticker wake once more: a stall that lasted to the end of
     * the calls is only recorded when the ticker gets to run. */
    if (rc == 0)
        rc = tvc_sleep(2 * tick_ns);
    if (tt != NULL) {
        tvc_cancel(tt);
        tvc_task_join(tt, NULL);
        tvc_task_release(tt);
    }

    int64_t correct = 0;
    for (int64_t i = 0; i < calls && cs; i++) {
        uint64_t want = wl_call_expected(sleep_work, (size_t)hash_bytes, i);
        correct += cs[i].result == want;
    }
    if (rc == 0) {
        wl_record_samples(w, "tick_lateness", tk.late, tk.n);
        tvc_hist *h = tvc_wl_hist(w, "tick_lateness");
        tvc_wl_figure(w, "max_stall_ns", (double)tvc_hist_percentile(h, 100));
        tvc_wl_figure(w, "tick_lateness_ns_p99",
                      (double)tvc_hist_percentile(h, 99));
        tvc_wl_figure(w, "ticks", (double)(tk.n + tk.dropped));
        tvc_wl_figure(w, "calls_per_s", calls * 1e9 / elapsed);
    } else {
        tvc_wl_fail(w, rc, "making the calls");
    }
    tvc_wl_check(w, "results_correct", calls, correct);
    free(tk.late);
    free(cs);
    return 0;
}

const tvc_workload tvc_wl_executor = {
    "executor",
    wl_executor_summary,
    wl_executor_params,
    executor_run,
};
