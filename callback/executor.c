/*
 * run_in_executor: a pool of threads, started on first use, that runs
 * blocking functions and hands each result back to the loop through the
 * reactor's remote post (mutex + eventfd), where the future completes.
 * Futures never cross threads: the workers touch only their job.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>

#include "internal.h"

typedef struct tvc__cb_job {
    tvc_rx_work work; /* posted back to the loop when done */
    tvc_cb_blocking_fn *fn;
    void *arg;
    void *result;
    tvc_future *f;            /* completed on the loop */
    struct tvc__cb_job *next; /* in the pool's queue */
} tvc__cb_job;

typedef struct tvc__cb_executor {
    pthread_mutex_t lock;
    pthread_cond_t more;      /* a job was queued, or stop */
    tvc__cb_job *head, *tail; /* jobs not started */
    int stop;
    int nthreads;
    tvc_reactor *rx; /* where results go */
    pthread_t threads[];
} tvc__cb_executor;

static void *worker(void *arg)
{
    tvc__cb_executor *ex = arg;
    pthread_mutex_lock(&ex->lock);
    for (;;) {
        while (!ex->head && !ex->stop)
            pthread_cond_wait(&ex->more, &ex->lock);
        if (ex->stop)
            break;
        tvc__cb_job *j = ex->head;
        ex->head = j->next;
        if (!ex->head)
            ex->tail = NULL;
        pthread_mutex_unlock(&ex->lock);
        j->result = j->fn(j->arg);
        tvc_reactor_post_remote(ex->rx, &j->work);
        pthread_mutex_lock(&ex->lock);
    }
    pthread_mutex_unlock(&ex->lock);
    return NULL;
}

static tvc__cb_executor *executor_start(tvc_cb_loop *loop)
{
    int n = loop->ex_threads;
    tvc__cb_executor *ex =
        calloc(1, sizeof *ex + (size_t)n * sizeof(pthread_t));
    if (!ex)
        return NULL;
    pthread_mutex_init(&ex->lock, NULL);
    pthread_cond_init(&ex->more, NULL);
    ex->rx = loop->rx;
    for (; ex->nthreads < n; ex->nthreads++)
        if (pthread_create(&ex->threads[ex->nthreads], NULL, worker, ex))
            break;
    if (ex->nthreads == 0) {
        pthread_cond_destroy(&ex->more);
        pthread_mutex_destroy(&ex->lock);
        free(ex);
        return NULL;
    }
    return ex;
}

/* On the loop: the job is done, its future completes. */
static void job_done(tvc_rx_work *w)
{
    tvc__cb_job *j = TVC__CONTAINER(w, tvc__cb_job, work);
    tvc__cb_loop()->ex_pending--;
    tvc_future_set_result(j->f, j->result);
    tvc_future_unref(j->f);
    free(j);
}

int tvc_cb_run_in_executor(tvc_cb_loop *loop, tvc_future **out,
                           tvc_cb_blocking_fn *fn, void *arg)
{
    if (!loop->ex && !(loop->ex = executor_start(loop)))
        return -EAGAIN;
    tvc__cb_job *j = calloc(1, sizeof *j);
    tvc_future *f = tvc_cb_future_new(loop);
    if (!j || !f) {
        free(j);
        if (f)
            tvc_future_unref(f);
        return -ENOMEM;
    }
    j->work.fn = job_done;
    j->fn = fn;
    j->arg = arg;
    j->f = tvc_future_ref(f);
    loop->ex_pending++;
    tvc__cb_executor *ex = loop->ex;
    pthread_mutex_lock(&ex->lock);
    if (ex->tail)
        ex->tail->next = j;
    else
        ex->head = j;
    ex->tail = j;
    pthread_cond_signal(&ex->more);
    pthread_mutex_unlock(&ex->lock);
    *out = f;
    return 0;
}

uint64_t tvc__cb_executor_shutdown(tvc_cb_loop *loop)
{
    tvc__cb_executor *ex = loop->ex;
    uint64_t pending = loop->ex_pending;
    if (!ex)
        return pending;
    pthread_mutex_lock(&ex->lock);
    ex->stop = 1;
    pthread_cond_broadcast(&ex->more);
    tvc__cb_job *queued = ex->head;
    ex->head = ex->tail = NULL;
    pthread_mutex_unlock(&ex->lock);
    for (int i = 0; i < ex->nthreads; i++)
        pthread_join(ex->threads[i], NULL);
    /* Never started: their futures are cancelled. */
    while (queued) {
        tvc__cb_job *next = queued->next;
        loop->ex_pending--;
        tvc_future_cancel(queued->f);
        tvc_future_unref(queued->f);
        free(queued);
        queued = next;
    }
    /* Finished on a worker: their posts are waiting in the reactor. */
    while (loop->ex_pending > 0)
        if (tvc_reactor_run_once(loop->rx, 0) < 0)
            break;
    pthread_cond_destroy(&ex->more);
    pthread_mutex_destroy(&ex->lock);
    free(ex);
    loop->ex = NULL;
    return pending;
}
