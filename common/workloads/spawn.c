/*
 * spawn: the cost of making a task, running it and joining it.  First
 * one at a time (spawn, join, release: the latency of one short task),
 * then in batches (spawn a batch, join the batch: the throughput when
 * many are alive).  Every task adds its number to a sum that must match.
 */
#include <stdatomic.h>
#include <stdlib.h>

#include "workloads.h"

static atomic_llong spawn_sum; /* sum of the numbers every task added */

static int short_task(void *arg, void **result)
{
    atomic_fetch_add(&spawn_sum, (long long)(intptr_t)arg);
    return 0;
}

static int spawn_run(tvc_wl *w)
{
    int64_t tasks = tvc_wl_int(w, "tasks");
    int64_t batch = tvc_wl_int(w, "batch");
    tvc_task **handles = calloc((size_t)batch, sizeof *handles);
    int64_t *samples = calloc((size_t)tasks, sizeof *samples);
    if (handles == NULL || samples == NULL) {
        free(handles);
        free(samples);
        return -ENOMEM;
    }
    atomic_store(&spawn_sum, 0);
    int64_t joined = 0;
    int rc = 0;

    /* Sequential: one task alive at a time. */
    int64_t t0 = tvc_now();
    for (int64_t i = 0; i < tasks && rc == 0; i++) {
        int64_t s = tvc_now();
        tvc_task *t;
        rc = tvc_spawn(&t, short_task, (void *)(intptr_t)(i + 1), NULL);
        if (rc != 0)
            break;
        if (tvc_task_join(t, NULL) == 0)
            joined++;
        tvc_task_release(t);
        samples[i] = tvc_now() - s;
    }
    int64_t seq_ns = tvc_now() - t0;

    /* Batched: spawn `batch`, then join them all. */
    int64_t t1 = tvc_now();
    for (int64_t done = 0; done < tasks && rc == 0;) {
        int64_t n = tasks - done < batch ? tasks - done : batch, k = 0;
        for (; k < n; k++) {
            rc = tvc_spawn(&handles[k], short_task,
                           (void *)(intptr_t)(done + k + 1), NULL);
            if (rc != 0)
                break;
        }
        for (int64_t i = 0; i < k; i++) {
            if (tvc_task_join(handles[i], NULL) == 0)
                joined++;
            tvc_task_release(handles[i]);
        }
        done += n;
    }
    int64_t batch_ns = tvc_now() - t1;

    wl_spawn_report(w, rc, samples, tasks, seq_ns, batch_ns, joined,
                    atomic_load(&spawn_sum));
    free(handles);
    free(samples);
    return 0;
}

const tvc_workload tvc_wl_spawn = {
    "spawn",
    wl_spawn_summary,
    wl_spawn_params,
    spawn_run,
};
