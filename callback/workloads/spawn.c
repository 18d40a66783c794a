/*
 * spawn, in continuation-passing style (twin of common/workloads/spawn.c):
 * the cost of making a task, running it and joining it.  First one at a
 * time (spawn, join, release: the latency of one short task), then in
 * batches (spawn a batch, join the batch: the throughput when many are
 * alive).  Every task adds its number to a sum that must match.
 *
 * The main task's steps, each a continuation:
 *   spawn_main        parameters, then the first sequential spawn
 *   spawn_seq_joined  sample, spawn the next ... then the batched phase
 *   spawn_batch_next  spawn a batch, join its first
 *   spawn_batch_joined join the rest, the next batch ... then report
 */
#include <stdlib.h>
#include <string.h>

#include "cb_workloads.h"

static const tvc_param_spec spawn_params[] = {
    {"tasks", "1000",
     "tasks per phase (sequential, then batched); 100k+ "
     "for stable figures",
     NULL},
    {"batch", "100", "tasks alive at once in the batched phase", NULL},
    {NULL, NULL, NULL, NULL},
};

static long long spawn_sum; /* sum of the numbers every task added */

static void short_task(tvc_cb_task *t, int status)
{
    if (status == 0)
        spawn_sum += (long long)(intptr_t)tvc_cb_task_arg(t);
    tvc_cb_task_return(t, status, NULL);
}

/* The main task's frame: the direct-style locals, kept across steps. */
typedef struct spawn_frame {
    tvc_wl *w;
    int64_t tasks, batch;
    tvc_cb_task **handles; /* the batch being joined */
    int64_t *samples;      /* one per sequential spawn+join */
    int64_t joined;
    int rc;
    /* sequential phase */
    tvc_cb_task *one; /* the task alive */
    int64_t i, s;     /* its number, and when it was spawned */
    int64_t t0, seq_ns;
    /* batched phase */
    int64_t done, n, k, j; /* tasks behind us; this batch: size, spawned,
                              being joined */
    int64_t t1, batch_ns;
} spawn_frame;

static void spawn_report(tvc_cb_task *t, spawn_frame *f)
{
    tvc_wl *w = f->w;
    int64_t tasks = f->tasks;
    if (f->rc != 0) {
        tvc_wl_fail(w, f->rc, "spawn failed");
    } else {
        wl_record_samples(w, "spawn_join", f->samples, (size_t)tasks);
        tvc_wl_figure(w, "spawn_join_ns", (double)f->seq_ns / tasks);
        tvc_wl_figure(w, "spawn_join_batched_ns", (double)f->batch_ns / tasks);
        tvc_wl_figure(w, "spawns_per_s", tasks * 1e9 / (double)f->seq_ns);
    }
    /* Each phase adds 1..tasks once. */
    tvc_wl_check(w, "tasks_joined", 2 * tasks, f->joined);
    tvc_wl_check(w, "sum", tasks * (tasks + 1), spawn_sum);
    free(f->handles);
    free(f->samples);
    tvc_cb_task_return(t, 0, NULL);
}

static void spawn_batch_joined(tvc_cb_task *t, int status, void *value);

/* The head of the batched loop: spawn `batch`, then join them all. */
static void spawn_batch_next(tvc_cb_task *t, spawn_frame *f)
{
    if (f->done < f->tasks && f->rc == 0) {
        f->n = f->tasks - f->done < f->batch ? f->tasks - f->done : f->batch;
        tvc_cb_loop *loop = tvc_cb_loop_current();
        for (f->k = 0; f->k < f->n; f->k++) {
            f->rc = tvc_cb_spawn(loop, &f->handles[f->k], short_task,
                                 (void *)(intptr_t)(f->done + f->k + 1));
            if (f->rc != 0)
                break;
        }
        f->j = 0;
        if (f->k > 0) {
            tvc_cb_join(t, f->handles[0], spawn_batch_joined);
            return;
        }
    }
    f->batch_ns = tvc_now() - f->t1;
    spawn_report(t, f);
}

static void spawn_batch_joined(tvc_cb_task *t, int status, void *value)
{
    spawn_frame *f = tvc_cb_task_arg(t);
    if (status == 0)
        f->joined++;
    tvc_cb_task_release(f->handles[f->j]);
    if (++f->j < f->k) {
        tvc_cb_join(t, f->handles[f->j], spawn_batch_joined);
        return;
    }
    f->done += f->n;
    spawn_batch_next(t, f);
}

static void spawn_seq_joined(tvc_cb_task *t, int status, void *value);

/* The head of the sequential loop: one task alive at a time. */
static void spawn_seq_next(tvc_cb_task *t, spawn_frame *f)
{
    if (f->i < f->tasks && f->rc == 0) {
        f->s = tvc_now();
        f->rc = tvc_cb_spawn(tvc_cb_loop_current(), &f->one, short_task,
                             (void *)(intptr_t)(f->i + 1));
        if (f->rc == 0) {
            tvc_cb_join(t, f->one, spawn_seq_joined);
            return;
        }
    }
    f->seq_ns = tvc_now() - f->t0;

    f->t1 = tvc_now();
    f->done = 0;
    spawn_batch_next(t, f);
}

static void spawn_seq_joined(tvc_cb_task *t, int status, void *value)
{
    spawn_frame *f = tvc_cb_task_arg(t);
    if (status == 0)
        f->joined++;
    tvc_cb_task_release(f->one);
    f->samples[f->i] = tvc_now() - f->s;
    f->i++;
    spawn_seq_next(t, f);
}

static void spawn_main(tvc_cb_task *t, int status)
{
    spawn_frame *f = tvc_cb_task_arg(t);
    tvc_wl *w = f->w;
    f->tasks = tvc_wl_int(w, "tasks");
    f->batch = tvc_wl_int(w, "batch");
    if (f->tasks < 1 || f->batch < 1) {
        tvc_wl_fail(w, -EINVAL, "--tasks and --batch must be at least 1");
        tvc_cb_task_return(t, 0, NULL);
        return;
    }

    f->handles = calloc((size_t)f->batch, sizeof *f->handles);
    f->samples = calloc((size_t)f->tasks, sizeof *f->samples);
    if (f->handles == NULL || f->samples == NULL) {
        free(f->handles);
        free(f->samples);
        tvc_cb_task_return(t, -ENOMEM, NULL);
        return;
    }
    spawn_sum = 0;
    f->joined = 0;
    f->rc = status;

    f->t0 = tvc_now();
    f->i = 0;
    spawn_seq_next(t, f);
}

static int spawn_run(tvc_wl *w)
{
    spawn_frame f;
    memset(&f, 0, sizeof f);
    f.w = w;
    return cbwl_run_main(spawn_main, &f);
}

const tvc_workload tvc_cbwl_spawn = {
    "spawn",
    "spawn and join short tasks; ns per spawn+join",
    spawn_params,
    spawn_run,
};
