/*
 * Remote posts: threads post work to the reactor while it polls; a
 * blocking step returns when work arrives, every item runs exactly once
 * on the reactor's thread, and each thread's items run in its posting
 * order.  Run under TSan as well (label tsan).
 */
#include <pthread.h>

#include "tvc/reactor.h"
#include "tvc_test.h"

enum { THREADS = 4, PER_THREAD = 2000 };

typedef struct job {
    tvc_rx_work work; /* first: the callback casts back */
    int thread;
    int index;
} job;

static tvc_reactor *rx;
static job jobs[THREADS][PER_THREAD];
static int next_index[THREADS]; /* loop thread only */
static int ran;                 /* loop thread only */
static pthread_t loop_thread;

static void run_job(tvc_rx_work *w)
{
    job *j = (job *)w;
    ASSERT(pthread_equal(pthread_self(), loop_thread));
    ASSERT_EQ(j->index, next_index[j->thread]);
    next_index[j->thread]++;
    ran++;
}

static void *poster(void *arg)
{
    int t = (int)(intptr_t)arg;
    for (int i = 0; i < PER_THREAD; i++) {
        jobs[t][i].work.fn = run_job;
        jobs[t][i].thread = t;
        jobs[t][i].index = i;
        tvc_reactor_post_remote(rx, &jobs[t][i].work);
    }
    return NULL;
}

static void *waker(void *arg)
{
    tvc_reactor_wakeup(rx);
    return NULL;
}

int main(void)
{
    tvc_test_baseline base = tvc_test_baseline_take();
    ASSERT_OK(tvc_reactor_new(&rx));
    loop_thread = pthread_self();

    /* A bare wake-up makes a blocking step with nothing to do return. */
    pthread_t w;
    ASSERT_OK(pthread_create(&w, NULL, waker, NULL));
    ASSERT_EQ(tvc_reactor_run_once(rx, 1), 0);
    ASSERT_OK(pthread_join(w, NULL));

    pthread_t th[THREADS];
    for (int t = 0; t < THREADS; t++)
        ASSERT_OK(pthread_create(&th[t], NULL, poster, (void *)(intptr_t)t));
    /* Blocking steps: each returns only after some work arrived (or a
     * spare wake-up), so this loop ends when all was posted and run. */
    while (ran < THREADS * PER_THREAD)
        ASSERT_GE(tvc_reactor_run_once(rx, 1), 0);
    for (int t = 0; t < THREADS; t++)
        ASSERT_OK(pthread_join(th[t], NULL));
    for (int t = 0; t < THREADS; t++)
        ASSERT_EQ(next_index[t], PER_THREAD);
    ASSERT_EQ(tvc_reactor_run_once(rx, 0), 0);
    ASSERT(!tvc_reactor_alive(rx));

    tvc_reactor_free(rx);
    /* The C library and the sanitizers keep a few KiB per thread ever
     * created (stack cache, TLS, TSan's thread state) after the joins;
     * that is the slack. */
    ASSERT_NO_LEAKS(base, 4096 * (THREADS + 1));
    return 0;
}
