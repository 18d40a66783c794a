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

static int tick(void *arg, void **result)
{
    wl_ticker *t = arg;
    t->due = tvc_now() + t->tick_ns;
    for (;;) {
        int rc = tvc_sleep_until(t->due);
        if (rc != 0)
            return rc; /* cancelled: the run is over */
        wl_ticker_woke(t);
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
    wl_ticker tk;
    int rc = wl_ticker_init(&tk, tick_ns, sleep_work ? calls * block : 0);
    wl_call *cs = calloc((size_t)calls, sizeof *cs);
    if (rc == 0 && cs == NULL)
        rc = -ENOMEM;
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

    wl_executor_report(w, rc, &tk, cs, calls, sleep_work, hash_bytes, elapsed);
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
