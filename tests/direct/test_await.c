/*
 * Awaiting futures and time: await of a future completed by another task
 * (result, error, cancelled), of one already done, await of a task,
 * sleep, sleep_until, checkpoint, and a future's InvalidStateError while
 * pending.
 */
#include "direct_test.h"

typedef struct completer {
    tvc_future *f; /* to complete */
    tvc_event *go; /* wait for this first */
    int how;       /* 0: result, <0: that error, 1: cancel */
    void *value;
} completer;

static int complete(void *arg, void **result)
{
    completer *c = arg;
    ASSERT_OK(tvc_event_wait(c->go));
    if (c->how == 0)
        ASSERT_OK(tvc_future_set_result(c->f, c->value));
    else if (c->how == 1)
        ASSERT_EQ(tvc_future_cancel(c->f), 1);
    else
        ASSERT_OK(tvc_future_set_error(c->f, c->how));
    return 0;
}

/* Awaits a future that another task completes in the given way, after
 * the awaiter is (most likely) already waiting. */
static int await_completed_by_other(int how, void *value, void **out)
{
    completer c = {.f = tvc_future_create(), .how = how, .value = value};
    ASSERT(c.f != NULL);
    ASSERT_OK(tvc_event_new(&c.go));
    ASSERT_ERR(tvc_future_result(c.f, NULL), TVC_EINVALSTATE);
    tvc_task *t = direct_spawn(complete, &c);
    tvc_event_set(c.go);
    int r = tvc_await(c.f, out);
    ASSERT_OK(tvc_task_join(t, NULL));
    tvc_task_release(t);
    tvc_event_free(c.go);
    tvc_future_unref(c.f);
    return r;
}

static void test_await_future(void)
{
    int x = 1;
    void *out = NULL;
    ASSERT_OK(await_completed_by_other(0, &x, &out));
    ASSERT(out == &x);
    ASSERT_ERR(await_completed_by_other(-EPROTO, NULL, NULL), -EPROTO);
    ASSERT_ERR(await_completed_by_other(1, NULL, NULL), -ECANCELED);
}

static void test_await_done(void)
{
    tvc_future *f = tvc_future_create();
    int x = 2;
    void *out = NULL;
    ASSERT_OK(tvc_future_set_result(f, &x));
    ASSERT_ERR(tvc_future_set_result(f, &x), TVC_EINVALSTATE);
    ASSERT_OK(tvc_await(f, &out));
    ASSERT(out == &x);
    tvc_future_unref(f);

    f = tvc_future_create();
    ASSERT_OK(tvc_future_set_error(f, -ETIMEDOUT));
    ASSERT_ERR(tvc_await(f, NULL), -ETIMEDOUT);
    tvc_future_unref(f);
}

static int add_one(void *arg, void **result)
{
    int *p = arg;
    (*p)++;
    *result = p;
    return 0;
}

static void test_await_task(void)
{
    int x = 5;
    tvc_task *t = direct_spawn(add_one, &x);
    void *out = NULL;
    ASSERT_OK(tvc_await(tvc_task_future(t), &out));
    ASSERT(out == &x);
    ASSERT_EQ(x, 6);
    tvc_task_release(t);
}

static void test_sleep(void)
{
    int64_t t0 = tvc_now();
    ASSERT_OK(tvc_sleep(TVC_MS(2)));
    ASSERT_GE(tvc_now() - t0, TVC_MS(2));
    t0 = tvc_now();
    ASSERT_OK(tvc_sleep_until(t0 + TVC_MS(1)));
    ASSERT_GE(tvc_now(), t0 + TVC_MS(1));
    /* A deadline in the past and a zero sleep return at once. */
    ASSERT_OK(tvc_sleep_until(t0 - TVC_SEC(1)));
    ASSERT_OK(tvc_sleep(0));
    ASSERT_OK(tvc_checkpoint());
}

/* Two tasks alternating through checkpoints both make progress. */
typedef struct counter {
    int n;
    tvc_lock *lock;
} counter;

static int count_up(void *arg, void **result)
{
    counter *c = arg;
    for (int i = 0; i < 100; i++) {
        ASSERT_OK(tvc_lock_acquire(c->lock));
        c->n++;
        ASSERT_OK(tvc_lock_release(c->lock));
        ASSERT_OK(tvc_checkpoint());
    }
    return 0;
}

static void test_checkpoint(void)
{
    counter c = {0};
    ASSERT_OK(tvc_lock_new(&c.lock));
    tvc_task *a = direct_spawn(count_up, &c);
    tvc_task *b = direct_spawn(count_up, &c);
    ASSERT_OK(tvc_task_join(a, NULL));
    ASSERT_OK(tvc_task_join(b, NULL));
    ASSERT_EQ(c.n, 200);
    tvc_task_release(a);
    tvc_task_release(b);
    tvc_lock_free(c.lock);
}

static void body(void)
{
    test_await_future();
    test_await_done();
    test_await_task();
    test_sleep();
    test_checkpoint();
}

DIRECT_TEST_MAIN(body)
