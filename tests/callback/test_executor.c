/*
 * run_in_executor: blocking functions run on the pool's threads and their
 * futures complete on the loop's thread, each exactly once; closing the
 * loop joins the pool.  Run under TSan as well (label tsan).
 */
#include <pthread.h>

#include "cb_probe.h"

enum { CALLS = 200 };

static pthread_t loop_thread;

static void *square(void *arg)
{
    ASSERT(!pthread_equal(pthread_self(), loop_thread));
    intptr_t x = (intptr_t)arg;
    return (void *)(x * x);
}

int main(void)
{
    tvc_test_baseline base = tvc_test_baseline_take();
    loop_thread = pthread_self();
    tvc_cb_loop *loop;
    ASSERT_OK(tvc_cb_loop_new(&loop, 3));
    static probe p[CALLS];
    static tvc_future *f[CALLS];
    for (int i = 0; i < CALLS; i++) {
        ASSERT_OK(
            tvc_cb_run_in_executor(loop, &f[i], square, (void *)(intptr_t)i));
        p[i] = (probe){.op = P_AWAIT, .obj = f[i]};
        probe_spawn(loop, &p[i], NULL);
    }
    /* Blocking steps: the workers' posts wake the loop. */
    ASSERT_OK(tvc_cb_run(loop));
    for (int i = 0; i < CALLS; i++) {
        ASSERT_EQ(p[i].calls, 1);
        ASSERT_OK(p[i].status);
        ASSERT_EQ((intptr_t)p[i].value, (intptr_t)i * i);
        tvc_future_unref(f[i]);
    }
    ASSERT_EQ(tvc_cb_loop_close(loop), 0);
    /* Thread stacks and TLS the C library and sanitizers keep. */
    ASSERT_NO_LEAKS(base, 4096 * 4);
    return 0;
}
