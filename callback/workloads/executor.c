/*
 * executor, in continuation-passing style (twin of
 * common/workloads/executor.c): blocking calls and the tasks around them.
 * A ticker task wakes every tick_ns and records how late it woke;
 * meanwhile the main task makes `calls` blocking calls (a nanosleep, or a
 * CPU hash), either offloaded with run_in_executor (--offload=1) or made
 * inline (--offload=0).  On a loop runtime an inline call stalls every
 * task.  Each call's result is checked.
 */
#include <stdlib.h>
#include <string.h>

#include "cb_workloads.h"

static void tick_woke(tvc_cb_task *t, int rc)
{
    wl_ticker *tk = tvc_cb_task_arg(t);
    if (rc != 0) {
        tvc_cb_task_return(t, rc, NULL); /* cancelled: the run is over */
        return;
    }
    wl_ticker_woke(tk);
    tvc_cb_sleep_until(t, tk->due, tick_woke);
}

static void tick(tvc_cb_task *t, int status)
{
    wl_ticker *tk = tvc_cb_task_arg(t);
    if (status != 0) {
        tvc_cb_task_return(t, status, NULL);
        return;
    }
    tk->due = tvc_now() + tk->tick_ns;
    tvc_cb_sleep_until(t, tk->due, tick_woke);
}

/* The main task's frame. */
typedef struct executor_main {
    tvc_wl *w;
    int64_t calls, block, hash_bytes, tick_ns;
    int sleep_work, offload;
    wl_ticker tk;
    wl_call *cs;
    int rc;
    tvc_cb_task *tt;
    int64_t t0, elapsed, i;
    tvc_future *f;
} executor_main;

static void executor_report(tvc_cb_task *t, executor_main *m)
{
    wl_executor_report(m->w, m->rc, &m->tk, m->cs, m->calls, m->sleep_work,
                       m->hash_bytes, m->elapsed);
    free(m->tk.late);
    free(m->cs);
    tvc_cb_task_return(t, 0, NULL);
}

static void ticker_joined(tvc_cb_task *t, int jrc, void *value)
{
    executor_main *m = tvc_cb_task_arg(t);
    tvc_cb_task_release(m->tt);
    executor_report(t, m);
}

static void last_tick(tvc_cb_task *t, int rc)
{
    executor_main *m = tvc_cb_task_arg(t);
    m->rc = rc;
    if (m->tt != NULL) {
        tvc_cb_task_cancel(m->tt);
        tvc_cb_join(t, m->tt, ticker_joined);
        return;
    }
    executor_report(t, m);
}

static void call_next(tvc_cb_task *t, int rc);

static void call_awaited(tvc_cb_task *t, int rc, void *value)
{
    executor_main *m = tvc_cb_task_arg(t);
    tvc_future_unref(m->f);
    call_next(t, rc);
}

/* The loop head; rc is the last call's. */
static void call_next(tvc_cb_task *t, int rc)
{
    executor_main *m = tvc_cb_task_arg(t);
    m->rc = rc;
    if (m->i < m->calls && m->rc == 0) {
        wl_call *c = &m->cs[m->i++];
        *c = (wl_call){m->sleep_work, m->block, (size_t)m->hash_bytes,
                       (uint64_t)m->i, 0};
        if (m->offload) {
            m->rc = tvc_cb_run_in_executor(tvc_cb_loop_current(), &m->f,
                                           wl_blocking_call, c);
            if (m->rc == 0) {
                tvc_cb_await(t, m->f, call_awaited);
                return;
            }
        } else {
            wl_blocking_call(c);
            /* Give the ticker its turn, as an await would. */
            tvc_cb_sleep(t, 0, call_next);
            return;
        }
    }
    m->elapsed = tvc_now() - m->t0;
    /* Let the ticker wake once more: a stall that lasted to the end of
     * the calls is only recorded when the ticker gets to run. */
    if (m->rc == 0) {
        tvc_cb_sleep(t, 2 * m->tick_ns, last_tick);
        return;
    }
    last_tick(t, m->rc);
}

static void executor_main_task(tvc_cb_task *t, int status)
{
    executor_main *m = tvc_cb_task_arg(t);
    tvc_wl *w = m->w;
    m->calls = tvc_wl_int(w, "calls");
    m->sleep_work = strcmp(tvc_wl_str(w, "work"), "sleep") == 0;
    m->block = tvc_wl_int(w, "block_ns");
    m->hash_bytes = tvc_wl_int(w, "hash_bytes");
    m->offload = tvc_wl_int(w, "offload") != 0;
    m->tick_ns = tvc_wl_int(w, "tick_ns");
    m->rc = wl_ticker_init(&m->tk, m->tick_ns,
                           m->sleep_work ? m->calls * m->block : 0);
    m->cs = calloc((size_t)m->calls, sizeof *m->cs);
    if (m->rc == 0 && m->cs == NULL)
        m->rc = -ENOMEM;
    if (m->rc == 0)
        m->rc = tvc_cb_spawn(tvc_cb_loop_current(), &m->tt, tick, &m->tk);

    m->t0 = tvc_now();
    call_next(t, m->rc);
}

static int executor_run(tvc_wl *w)
{
    executor_main m;
    memset(&m, 0, sizeof m);
    m.w = w;
    return cbwl_run_main(executor_main_task, &m);
}

const tvc_workload tvc_cbwl_executor = {
    "executor",
    wl_executor_summary,
    wl_executor_params,
    executor_run,
};
