/*
 * run_in_executor: results come back through futures, more jobs than
 * pool threads all complete, and a task cancelled while awaiting an
 * executor future returns -ECANCELED while the blocking call itself runs
 * on (it is released by the test, and its future completes or stays
 * cancelled, never both).
 */
#include "direct_test.h"

#include <unistd.h>

static void *square(void *arg)
{
    intptr_t x = (intptr_t)arg;
    return (void *)(x * x);
}

static void test_results(void)
{
    enum { N = 32 };
    tvc_future *fs[N];
    for (intptr_t i = 0; i < N; i++)
        ASSERT_OK(tvc_run_in_executor(&fs[i], square, (void *)i));
    ASSERT_OK(tvc_gather(fs, N));
    for (intptr_t i = 0; i < N; i++) {
        void *out;
        ASSERT_OK(tvc_await(fs[i], &out));
        ASSERT_EQ((intptr_t)out, i * i);
        tvc_future_unref(fs[i]);
    }
}

/* Blocks in read(2) on a pipe until the test writes to it. */
static void *block_on_pipe(void *arg)
{
    int *fds = arg;
    char c;
    ssize_t n = read(fds[0], &c, 1);
    return (void *)(intptr_t)n;
}

typedef struct awaiter {
    tvc_future *f;
    tvc_event *ready;
} awaiter;

static int await_main(void *arg, void **result)
{
    awaiter *a = arg;
    tvc_event_set(a->ready);
    return tvc_await(a->f, result);
}

static void test_cancel_awaiter(void)
{
    int fds[2];
    ASSERT_OK(pipe(fds));
    awaiter a;
    ASSERT_OK(tvc_event_new(&a.ready));
    ASSERT_OK(tvc_run_in_executor(&a.f, block_on_pipe, fds));
    tvc_task *t = direct_spawn(await_main, &a);
    ASSERT_OK(tvc_event_wait(a.ready));
    ASSERT_EQ(tvc_cancel(t), 1);
    ASSERT_ERR(tvc_task_join(t, NULL), -ECANCELED);
    /* Awaiting the future was cancelled, not the future. */
    ASSERT(!tvc_future_done(a.f));
    ASSERT_EQ(write(fds[1], "x", 1), 1);
    void *out;
    ASSERT_OK(tvc_await(a.f, &out));
    ASSERT_EQ((intptr_t)out, 1);
    tvc_task_release(t);
    tvc_future_unref(a.f);
    tvc_event_free(a.ready);
    close(fds[0]);
    close(fds[1]);
}

static void body(void)
{
    test_results();
    test_cancel_awaiter();
}

DIRECT_TEST_MAIN(body)
