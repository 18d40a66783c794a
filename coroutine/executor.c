/*
 * run_in_executor: the common blocking-call pool (tvc_rx_pool), started
 * on first use, runs the call on a thread and posts the finished job back
 * to the loop, where the future completes, so futures stay single-
 * threaded (tvc_future_rt.threaded = 0).
 *
 * tvc_run joins the threads after every job's completion has reached the
 * loop (its last drive waits while S->ex_inflight is not 0).
 */
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>

#include "internal.h"

/* Threads when tvc_run_opts.executor_threads is 0 (asyncio uses
 * min(32, cpus + 4); blocking calls mostly wait, so a few suffice). */
#define EXECUTOR_DEFAULT_THREADS 4

/* A blocking call and the future it completes on the loop. */
typedef struct job {
    tvc_rx_job job; /* first: the pool's item, posted back when done */
    tvc_future *f;  /* the caller's future (a reference) */
} job;

/* On the loop: the call returned. */
static void complete(tvc_rx_work *w)
{
    job *j = (job *)(void *)((char *)w - offsetof(job, job.work));
    /* TVC_EINVALSTATE when the caller cancelled the future: fine, the
     * call ran anyway, as documented. */
    tvc_future_set_result(j->f, j->job.result);
    tvc_future_unref(j->f);
    tvc__S->ex_inflight--;
    free(j);
}

int tvc_run_in_executor(tvc_future **out, tvc_blocking_fn *fn, void *arg)
{
    tvc__sched *S = tvc__S;
    if (!S)
        return TVC_EINVALSTATE;
    if (!S->ex) {
        int r = tvc_rx_pool_new(&S->ex, S->rx,
                                S->executor_threads > 0
                                    ? S->executor_threads
                                    : EXECUTOR_DEFAULT_THREADS);
        if (r < 0)
            return r;
    }
    job *j = calloc(1, sizeof *j);
    tvc_future *f = j ? tvc_future_create() : NULL;
    if (!f) {
        free(j);
        return -ENOMEM;
    }
    j->job.work.fn = complete;
    j->job.fn = fn;
    j->job.arg = arg;
    j->f = tvc_future_ref(f);
    S->ex_inflight++;
    tvc_rx_pool_submit(S->ex, &j->job);
    *out = f;
    return 0;
}

void tvc__executor_shutdown(tvc__sched *S)
{
    if (!S->ex)
        return;
    tvc_rx_job *queued = tvc_rx_pool_free(S->ex);
    S->ex = NULL;
    /* tvc_run's draining drive waits for every job, so none should be
     * left unstarted; one that is gets its future cancelled. */
    while (queued) {
        job *j = (job *)queued;
        queued = queued->next;
        S->ex_inflight--;
        tvc_future_cancel(j->f);
        tvc_future_unref(j->f);
        free(j);
    }
}
