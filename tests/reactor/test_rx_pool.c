/*
 * The blocking-call pool (rx_pool.h): every call runs once on a pool
 * thread, every finished job comes back through the reactor and its
 * work.fn runs on the loop thread, in any order but each exactly once.
 */
#include "tvc/rx_pool.h"
#include "tvc_test.h"

#include <pthread.h>

enum { JOBS = 200, THREADS = 3 };

typedef struct item {
    tvc_rx_job job; /* first */
    int64_t in;     /* the call's argument */
    int done;       /* work.fn ran */
} item;

static pthread_t loop_thread;
static int finished;

static void *twice(void *arg)
{
    item *it = arg;
    /* A pool thread, never the loop's. */
    if (pthread_equal(pthread_self(), loop_thread))
        return NULL;
    return (void *)(intptr_t)(it->in * 2);
}

static void on_done(tvc_rx_work *w)
{
    item *it = (item *)w;
    ASSERT(pthread_equal(pthread_self(), loop_thread));
    ASSERT_EQ((intptr_t)it->job.result, it->in * 2);
    ASSERT_EQ(it->done, 0);
    it->done = 1;
    finished++;
}

int main(void)
{
    tvc_test_baseline base = tvc_test_baseline_take();
    loop_thread = pthread_self();
    tvc_reactor *rx;
    ASSERT_OK(tvc_reactor_new(&rx));
    tvc_rx_pool *pool;
    ASSERT_OK(tvc_rx_pool_new(&pool, rx, THREADS));
    static item items[JOBS];
    for (int i = 0; i < JOBS; i++) {
        items[i].in = i + 1;
        items[i].job.fn = twice;
        items[i].job.arg = &items[i];
        items[i].job.work.fn = on_done;
        tvc_rx_pool_submit(pool, &items[i].job);
    }
    /* Blocks in the reactor until remote posts wake it; bounded. */
    for (int rounds = 0; finished < JOBS; rounds++) {
        ASSERT(rounds < 10 * JOBS);
        ASSERT(tvc_reactor_run_once(rx, 1) >= 0);
    }
    ASSERT(tvc_rx_pool_free(pool) == NULL); /* nothing left unstarted */
    for (int i = 0; i < JOBS; i++)
        ASSERT_EQ(items[i].done, 1);
    tvc_reactor_free(rx);
    /* Slack: joined threads leave allocator caches behind, as in
     * test_remote. */
    ASSERT_NO_LEAKS(base, 4096 * (THREADS + 1));
    return 0;
}
