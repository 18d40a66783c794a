/*
 * The blocking-call pool (rx_pool.h): one mutex-guarded FIFO, a condition
 * variable for idle threads, and the reactor's remote post (mutex +
 * eventfd) for the way back.  A worker touches only its job.
 */
#include "tvc/rx_pool.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>

struct tvc_rx_pool {
    pthread_mutex_t mu; /* guards head, tail, stop */
    pthread_cond_t cv;  /* a job was queued, or stop was set */
    tvc_rx_job *head;   /* jobs not started, FIFO */
    tvc_rx_job *tail;   /* the last of them */
    int stop;           /* threads exit at once */
    tvc_reactor *rx;    /* where finished jobs go */
    int nthreads;       /* started */
    pthread_t threads[];
};

static void *worker(void *arg)
{
    tvc_rx_pool *p = arg;
    pthread_mutex_lock(&p->mu);
    for (;;) {
        while (!p->head && !p->stop)
            pthread_cond_wait(&p->cv, &p->mu);
        if (p->stop)
            break;
        tvc_rx_job *j = p->head;
        p->head = j->next;
        if (!p->head)
            p->tail = NULL;
        pthread_mutex_unlock(&p->mu);
        j->result = j->fn(j->arg);
        tvc_reactor_post_remote(p->rx, &j->work);
        pthread_mutex_lock(&p->mu);
    }
    pthread_mutex_unlock(&p->mu);
    return NULL;
}

int tvc_rx_pool_new(tvc_rx_pool **out, tvc_reactor *rx, int nthreads)
{
    tvc_rx_pool *p =
        calloc(1, sizeof *p + (size_t)nthreads * sizeof(pthread_t));
    if (!p)
        return -ENOMEM;
    pthread_mutex_init(&p->mu, NULL);
    pthread_cond_init(&p->cv, NULL);
    p->rx = rx;
    for (; p->nthreads < nthreads; p->nthreads++)
        if (pthread_create(&p->threads[p->nthreads], NULL, worker, p))
            break;
    if (p->nthreads == 0) {
        pthread_cond_destroy(&p->cv);
        pthread_mutex_destroy(&p->mu);
        free(p);
        return -EAGAIN;
    }
    *out = p;
    return 0;
}

void tvc_rx_pool_submit(tvc_rx_pool *p, tvc_rx_job *j)
{
    j->next = NULL;
    pthread_mutex_lock(&p->mu);
    if (p->tail)
        p->tail->next = j;
    else
        p->head = j;
    p->tail = j;
    pthread_cond_signal(&p->cv);
    pthread_mutex_unlock(&p->mu);
}

tvc_rx_job *tvc_rx_pool_free(tvc_rx_pool *p)
{
    pthread_mutex_lock(&p->mu);
    p->stop = 1;
    pthread_cond_broadcast(&p->cv);
    tvc_rx_job *queued = p->head;
    p->head = p->tail = NULL;
    pthread_mutex_unlock(&p->mu);
    for (int i = 0; i < p->nthreads; i++)
        pthread_join(p->threads[i], NULL);
    pthread_cond_destroy(&p->cv);
    pthread_mutex_destroy(&p->mu);
    free(p);
    return queued;
}
