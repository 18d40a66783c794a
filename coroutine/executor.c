/*
 * run_in_executor: a pool of threads that run blocking calls and complete
 * their futures back on the loop.  A worker never touches a future: it
 * posts the finished job with tvc_reactor_post_remote (which wakes the
 * loop through the reactor's eventfd), and the loop sets the result, so
 * futures stay single-threaded (tvc_future_rt.threaded = 0).
 *
 * The threads start on first use; tvc_run joins them after every job's
 * completion has reached the loop.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>

#include "internal.h"

/* Threads when tvc_run_opts.executor_threads is 0 (asyncio uses
 * min(32, cpus + 4); blocking calls mostly wait, so a few suffice). */
#define EXECUTOR_DEFAULT_THREADS 4

typedef struct job {
    tvc_rx_work work;     /* first: completes the future on the loop */
    struct job *next;     /* the pending queue */
    tvc_blocking_fn *fn;  /* the blocking call */
    void *arg;            /* its argument */
    void *result;         /* its return value */
    tvc_future *f;        /* the caller's future (a reference) */
    tvc__sched *S;        /* the loop to complete on */
} job;

struct tvc__executor {
    pthread_mutex_t mu;   /* guards head, tail, stop */
    pthread_cond_t cv;    /* a job was queued or stop was set */
    job *head, *tail;     /* jobs waiting for a thread */
    int stop;             /* threads exit once the queue is empty */
    int nthreads;         /* started */
    pthread_t *threads;
};

static void *worker(void *arg)
{
    struct tvc__executor *ex = arg;
    pthread_mutex_lock(&ex->mu);
    for (;;) {
        while (!ex->head && !ex->stop)
            pthread_cond_wait(&ex->cv, &ex->mu);
        job *j = ex->head;
        if (!j)
            break;
        ex->head = j->next;
        if (!ex->head)
            ex->tail = NULL;
        pthread_mutex_unlock(&ex->mu);
        j->result = j->fn(j->arg);
        tvc_reactor_post_remote(j->S->rx, &j->work);
        pthread_mutex_lock(&ex->mu);
    }
    pthread_mutex_unlock(&ex->mu);
    return NULL;
}

/* On the loop: the call returned. */
static void complete(tvc_rx_work *w)
{
    job *j = (job *)w;
    /* TVC_EINVALSTATE when the caller cancelled the future: fine, the
     * call ran anyway, as documented. */
    tvc_future_set_result(j->f, j->result);
    tvc_future_unref(j->f);
    j->S->ex_inflight--;
    free(j);
}

static int start(tvc__sched *S)
{
    struct tvc__executor *ex = calloc(1, sizeof *ex);
    if (!ex)
        return -ENOMEM;
    int n = S->executor_threads > 0 ? S->executor_threads
                                    : EXECUTOR_DEFAULT_THREADS;
    ex->threads = calloc((size_t)n, sizeof *ex->threads);
    if (!ex->threads) {
        free(ex);
        return -ENOMEM;
    }
    pthread_mutex_init(&ex->mu, NULL);
    pthread_cond_init(&ex->cv, NULL);
    S->ex = ex;
    for (; ex->nthreads < n; ex->nthreads++)
        if (pthread_create(&ex->threads[ex->nthreads], NULL, worker, ex))
            break;
    return ex->nthreads > 0 ? 0 : -EAGAIN;
}

int tvc_run_in_executor(tvc_future **out, tvc_blocking_fn *fn, void *arg)
{
    tvc__sched *S = tvc__S;
    if (!S)
        return -EPERM;
    if (!S->ex) {
        int r = start(S);
        if (r < 0)
            return r;
    }
    job *j = calloc(1, sizeof *j);
    tvc_future *f = j ? tvc_future_create() : NULL;
    if (!f) {
        free(j);
        return -ENOMEM;
    }
    j->work.fn = complete;
    j->fn = fn;
    j->arg = arg;
    j->f = tvc_future_ref(f);
    j->S = S;
    S->ex_inflight++;
    struct tvc__executor *ex = S->ex;
    pthread_mutex_lock(&ex->mu);
    if (ex->tail)
        ex->tail->next = j;
    else
        ex->head = j;
    ex->tail = j;
    pthread_cond_signal(&ex->cv);
    pthread_mutex_unlock(&ex->mu);
    *out = f;
    return 0;
}

void tvc__executor_shutdown(tvc__sched *S)
{
    struct tvc__executor *ex = S->ex;
    if (!ex)
        return;
    /* Jobs still in flight complete on the loop first (tvc_run's last
     * drive waits for them); only then may the threads go. */
    pthread_mutex_lock(&ex->mu);
    ex->stop = 1;
    pthread_cond_broadcast(&ex->cv);
    pthread_mutex_unlock(&ex->mu);
    for (int i = 0; i < ex->nthreads; i++)
        pthread_join(ex->threads[i], NULL);
    pthread_cond_destroy(&ex->cv);
    pthread_mutex_destroy(&ex->mu);
    free(ex->threads);
    free(ex);
    S->ex = NULL;
}
