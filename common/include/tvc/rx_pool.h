/*
 * A pool of threads that runs blocking calls for a loop runtime
 * (run_in_executor) and hands each finished call back to the loop through
 * tvc_reactor_post_remote, so whatever is done with the result (a future
 * completed) happens on the loop thread and futures never cross threads.
 * The job is caller-owned and intrusive, like every reactor item.
 */
#ifndef TVC_RX_POOL_H
#define TVC_RX_POOL_H

#include "tvc/reactor.h"

typedef struct tvc_rx_job {
    tvc_rx_work work;        /* posted when the call returned; the caller
                              * sets work.fn, which runs on the loop */
    struct tvc_rx_job *next; /* in the pool's queue */
    void *(*fn)(void *arg);  /* the blocking call, run on a pool thread */
    void *arg;               /* its argument */
    void *result;            /* its return value, set before the post */
} tvc_rx_job;

typedef struct tvc_rx_pool tvc_rx_pool;

/* Starts nthreads (>= 1) threads that post finished jobs to rx.  Returns
 * 0 and *out (fewer threads when some could not start), -ENOMEM, or
 * -EAGAIN when no thread could start. */
int tvc_rx_pool_new(tvc_rx_pool **out, tvc_reactor *rx, int nthreads);

/* Queues j (fn, arg and work.fn set) for the next free thread.  Called on
 * the loop thread. */
void tvc_rx_pool_submit(tvc_rx_pool *p, tvc_rx_job *j);

/* Stops the pool: calls already running finish and are posted (run the
 * reactor to receive them), the threads are joined, the pool is freed.
 * Returns the jobs that never started, linked through next, for the
 * caller to cancel and free. */
tvc_rx_job *tvc_rx_pool_free(tvc_rx_pool *p);

#endif
