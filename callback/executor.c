/*
 * run_in_executor: the common blocking-call pool (tvc_rx_pool), started
 * on first use, hands each result back to the loop, where the future
 * completes.  Futures never cross threads.
 */
#include <errno.h>
#include <stdlib.h>

#include "internal.h"

/* A blocking call and the future it completes on the loop. */
typedef struct tvc__cb_job {
    tvc_rx_job job; /* first: the pool's item, posted back when done */
    tvc_future *f;  /* completed on the loop */
} tvc__cb_job;

/* On the loop: the job is done, its future completes. */
static void job_done(tvc_rx_work *w)
{
    tvc__cb_job *j = TVC__CONTAINER(w, tvc__cb_job, job.work);
    tvc__cb_loop()->ex_pending--;
    tvc_future_set_result(j->f, j->job.result);
    tvc_future_unref(j->f);
    free(j);
}

int tvc_cb_run_in_executor(tvc_cb_loop *loop, tvc_future **out,
                           tvc_cb_blocking_fn *fn, void *arg)
{
    if (!loop)
        return TVC_EINVALSTATE;
    if (!loop->ex) {
        int err = tvc_rx_pool_new(&loop->ex, loop->rx, loop->ex_threads);
        if (err < 0)
            return err;
    }
    tvc__cb_job *j = calloc(1, sizeof *j);
    tvc_future *f = tvc_cb_future_new(loop);
    if (!j || !f) {
        free(j);
        if (f)
            tvc_future_unref(f);
        return -ENOMEM;
    }
    j->job.work.fn = job_done;
    j->job.fn = fn;
    j->job.arg = arg;
    j->f = tvc_future_ref(f);
    loop->ex_pending++;
    tvc_rx_pool_submit(loop->ex, &j->job);
    *out = f;
    return 0;
}

uint64_t tvc__cb_executor_shutdown(tvc_cb_loop *loop)
{
    uint64_t pending = loop->ex_pending;
    if (!loop->ex)
        return pending;
    tvc_rx_job *queued = tvc_rx_pool_free(loop->ex);
    loop->ex = NULL;
    /* Never started: their futures are cancelled. */
    while (queued) {
        tvc__cb_job *j = TVC__CONTAINER(queued, tvc__cb_job, job);
        queued = queued->next;
        loop->ex_pending--;
        tvc_future_cancel(j->f);
        tvc_future_unref(j->f);
        free(j);
    }
    /* Finished on a worker: their posts are waiting in the reactor. */
    while (loop->ex_pending > 0)
        if (tvc_reactor_run_once(loop->rx, 0) < 0)
            break;
    return pending;
}
