/*
 * run_in_executor: a bounded pool of plain worker threads for blocking
 * calls.  Workers start lazily, one per submission that finds no idle
 * worker, up to tvc_run_opts.executor_threads; tvc_run's teardown lets the
 * queued jobs finish and joins the workers.  A job's future completes in
 * the worker thread (threaded futures run their callbacks right there);
 * cancelling it only cancels the future, as asyncio's does, never fn.
 */
#include "internal.h"

#include <errno.h>
#include <stdlib.h>

/* One submitted call. */
typedef struct job {
    struct job *next; /* FIFO link */
    tvc_blocking_fn *fn;
    void *arg;
    tvc_future *fut; /* the pool's reference to the caller's future */
} job;

static struct {
    pthread_mutex_t mu;  /* guards everything below */
    pthread_cond_t work; /* a job arrived or the pool is stopping */
    job *head, *tail;    /* queued jobs */
    pthread_t *threads;  /* started workers, joined at shutdown */
    int nthreads;
    int idle; /* workers waiting for a job */
    int stopping;
} pool = {
    .mu = PTHREAD_MUTEX_INITIALIZER,
    .work = PTHREAD_COND_INITIALIZER,
};

static void *worker_main(void *unused)
{
    (void)unused;
    tvc__waiter w;
    tvc__waiter_init(&w, 0);
    tvc__waiter_attach(&w);
    pthread_mutex_lock(&pool.mu);
    for (;;) {
        while (!pool.head && !pool.stopping) {
            pool.idle++;
            pthread_cond_wait(&pool.work, &pool.mu);
            pool.idle--;
        }
        job *j = pool.head;
        if (!j)
            break;
        pool.head = j->next;
        if (!pool.head)
            pool.tail = NULL;
        pthread_mutex_unlock(&pool.mu);

        void *res = j->fn(j->arg);
        /* Fails harmlessly if the caller cancelled the future. */
        tvc_future_set_result(j->fut, res);
        tvc_future_unref(j->fut);
        free(j);
        pthread_mutex_lock(&pool.mu);
    }
    pthread_mutex_unlock(&pool.mu);
    tvc__waiter_attach(NULL);
    tvc__waiter_destroy(&w);
    return NULL;
}

/* 0, -ENOMEM, -EAGAIN when not even one worker could be started, or
 * TVC_EINVALSTATE outside tvc_run (nobody would stop the pool). */
int tvc_run_in_executor(tvc_future **out, tvc_blocking_fn *fn, void *arg)
{
    if (!tvc__rt.running)
        return TVC_EINVALSTATE;
    job *j = malloc(sizeof *j);
    tvc_future *f = tvc_future_create();
    if (!j || !f) {
        free(j);
        if (f)
            tvc_future_unref(f);
        return -ENOMEM;
    }
    j->next = NULL;
    j->fn = fn;
    j->arg = arg;
    j->fut = tvc_future_ref(f);

    int r = 0;
    pthread_mutex_lock(&pool.mu);
    if (!pool.threads) {
        pool.threads =
            calloc((size_t)tvc__rt.executor_threads, sizeof *pool.threads);
        if (!pool.threads)
            r = -ENOMEM;
    }
    if (r == 0 && pool.idle == 0 && pool.nthreads < tvc__rt.executor_threads) {
        r = -pthread_create(&pool.threads[pool.nthreads], NULL, worker_main,
                            NULL);
        if (r == 0)
            pool.nthreads++;
        else if (pool.nthreads > 0)
            r = 0; /* the running workers will get to it */
    }
    if (r == 0) {
        if (pool.tail)
            pool.tail->next = j;
        else
            pool.head = j;
        pool.tail = j;
        pthread_cond_signal(&pool.work);
    }
    pthread_mutex_unlock(&pool.mu);
    if (r < 0) {
        tvc_future_unref(f);
        tvc_future_unref(f);
        free(j);
        return r;
    }
    *out = f;
    return 0;
}

void tvc__executor_shutdown(void)
{
    pthread_mutex_lock(&pool.mu);
    pool.stopping = 1;
    pthread_cond_broadcast(&pool.work);
    int n = pool.nthreads;
    pthread_mutex_unlock(&pool.mu);
    for (int i = 0; i < n; i++)
        pthread_join(pool.threads[i], NULL);
    pthread_mutex_lock(&pool.mu);
    free(pool.threads);
    pool.threads = NULL;
    pool.nthreads = 0;
    pool.stopping = 0;
    pthread_mutex_unlock(&pool.mu);
}
