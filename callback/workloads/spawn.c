/*
 * spawn, in continuation-passing style (twin of common/workloads/spawn.c):
 * the cost of making a task, running it and joining it.  First one at a
 * time (spawn, join, release: the latency of one short task), then in
 * batches (spawn a batch, join the batch: the throughput when many are
 * alive).  Every task adds its number to a sum that must match.
 */
#include <stdlib.h>
#include <string.h>

#include "cb_workloads.h"

static long long spawn_sum; /* sum of the numbers every task added */

static void short_task(tvc_cb_task *t, int status)
{
    if (status == 0)
        spawn_sum += (long long)(intptr_t)tvc_cb_task_arg(t);
    tvc_cb_task_return(t, status, NULL);
}

/* The main task's frame: the locals of both phases. */
typedef struct spawn_main {
    tvc_wl *w;
    int64_t tasks, batch;
    tvc_cb_task **handles;
    int64_t *samples;
    int64_t joined;
    int rc;
    int64_t i, s, t0, seq_ns;         /* sequential phase */
    int64_t done, n, k, j, t1, batch_ns; /* batched phase */
} spawn_main;

static void spawn_report(tvc_cb_task *t, spawn_main *m)
{
    m->batch_ns = tvc_now() - m->t1;
    wl_spawn_report(m->w, m->rc, m->samples, m->tasks, m->seq_ns, m->batch_ns,
                    m->joined, spawn_sum);
    free(m->handles);
    free(m->samples);
    tvc_cb_task_return(t, 0, NULL);
}

static void batch_next(tvc_cb_task *t);

static void batch_joined(tvc_cb_task *t, int status, void *value)
{
    spawn_main *m = tvc_cb_task_arg(t);
    if (status == 0)
        m->joined++;
    tvc_cb_task_release(m->handles[m->j]);
    if (++m->j < m->k) {
        tvc_cb_join(t, m->handles[m->j], batch_joined);
        return;
    }
    m->done += m->n;
    batch_next(t);
}

/* Batched: spawn `batch`, then join them all. */
static void batch_next(tvc_cb_task *t)
{
    spawn_main *m = tvc_cb_task_arg(t);
    if (m->done < m->tasks && m->rc == 0) {
        m->n = m->tasks - m->done < m->batch ? m->tasks - m->done : m->batch;
        for (m->k = 0; m->k < m->n; m->k++) {
            m->rc = tvc_cb_spawn(tvc_cb_loop_current(), &m->handles[m->k],
                                 short_task,
                                 (void *)(intptr_t)(m->done + m->k + 1));
            if (m->rc != 0)
                break;
        }
        m->j = 0;
        if (m->k > 0) {
            tvc_cb_join(t, m->handles[0], batch_joined);
            return;
        }
        m->done += m->n;
    }
    spawn_report(t, m);
}

static void seq_next(tvc_cb_task *t);

static void seq_joined(tvc_cb_task *t, int status, void *value)
{
    spawn_main *m = tvc_cb_task_arg(t);
    if (status == 0)
        m->joined++;
    tvc_cb_task_release(m->handles[0]);
    m->samples[m->i] = tvc_now() - m->s;
    m->i++;
    seq_next(t);
}

/* Sequential: one task alive at a time. */
static void seq_next(tvc_cb_task *t)
{
    spawn_main *m = tvc_cb_task_arg(t);
    if (m->i < m->tasks && m->rc == 0) {
        m->s = tvc_now();
        m->rc = tvc_cb_spawn(tvc_cb_loop_current(), &m->handles[0],
                             short_task, (void *)(intptr_t)(m->i + 1));
        if (m->rc == 0) {
            tvc_cb_join(t, m->handles[0], seq_joined);
            return;
        }
    }
    m->seq_ns = tvc_now() - m->t0;
    m->t1 = tvc_now();
    batch_next(t);
}

static void spawn_main_task(tvc_cb_task *t, int status)
{
    spawn_main *m = tvc_cb_task_arg(t);
    tvc_wl *w = m->w;
    m->tasks = tvc_wl_int(w, "tasks");
    m->batch = tvc_wl_int(w, "batch");
    m->handles = calloc((size_t)m->batch, sizeof *m->handles);
    m->samples = calloc((size_t)m->tasks, sizeof *m->samples);
    if (m->handles == NULL || m->samples == NULL) {
        free(m->handles);
        free(m->samples);
        tvc_cb_task_return(t, -ENOMEM, NULL);
        return;
    }
    spawn_sum = 0;
    m->t0 = tvc_now();
    seq_next(t);
}

static int spawn_run(tvc_wl *w)
{
    spawn_main m;
    memset(&m, 0, sizeof m);
    m.w = w;
    return cbwl_run_main(spawn_main_task, &m);
}

const tvc_workload tvc_cbwl_spawn = {
    "spawn",
    wl_spawn_summary,
    wl_spawn_params,
    spawn_run,
};
