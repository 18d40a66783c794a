/*
 * What the direct-style API tests share.  The tests are written against
 * tvc.h only, so the very same sources run on every direct-style runtime
 * (threaded and coroutine); tests.cmake builds each once per runtime.
 *
 * DIRECT_TEST_MAIN(body) gives the test's main: take the leak baseline,
 * run body as the main task under tvc_run, check that it returned 0 and
 * that heap and fds are back.  Tests synchronise with events and futures,
 * never by sleeping, and never assert on speed; the only timeouts used are
 * ones a test expects to expire.
 */
#ifndef TVC_DIRECT_TEST_H
#define TVC_DIRECT_TEST_H

#include <errno.h>
#include <stdlib.h>
#include <stdint.h>

#include "tvc/tvc.h"
#include "tvc_test.h"

/* A runtime keeps a little lazily created state (thread caches, pools);
 * anything above this is a leak. */
#define DIRECT_TEST_HEAP_SLACK (256 * 1024)

/* A timeout a test expects to expire: long enough to be a real wait,
 * short enough to keep the suite quick under sanitizers. */
#define DIRECT_TEST_SHORT_NS TVC_MS(20)

/* A task body that runs body() and returns 0 (assertions abort). */
#define DIRECT_TEST_MAIN_NAMED(name, body)                                     \
    static int name(void *arg, void **result)                                  \
    {                                                                          \
        (void)arg;                                                             \
        (void)result;                                                          \
        body();                                                                \
        return 0;                                                              \
    }

#define DIRECT_TEST_MAIN(body)                                                 \
    DIRECT_TEST_MAIN_NAMED(direct_test_main_, body)                            \
    int main(void)                                                             \
    {                                                                          \
        tvc_test_baseline base_ = tvc_test_baseline_take();                    \
        ASSERT_OK(tvc_run(direct_test_main_, NULL, NULL, NULL));               \
        ASSERT_NO_LEAKS(base_, DIRECT_TEST_HEAP_SLACK);                        \
        printf("ok %s (%s)\n", __FILE__, tvc_runtime_name());                  \
        return 0;                                                              \
    }

/* Spawns fn(arg) and returns the handle; the test fails if it cannot. */
static inline tvc_task *direct_spawn(tvc_task_fn *fn, void *arg)
{
    tvc_task *t = NULL;
    ASSERT_OK(tvc_spawn(&t, fn, arg, NULL));
    return t;
}

#endif
