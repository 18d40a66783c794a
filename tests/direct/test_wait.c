/*
 * wait (FIRST_COMPLETED, FIRST_EXCEPTION, ALL_COMPLETED, with and without
 * a timeout that expires), wait_for (in time; timeout cancels the inner
 * task and waits for its cleanup; timeout on a plain future), shield.
 */
#include "direct_test.h"

/* A task that waits for its event, then returns status; counts a cancel
 * cleanup. */
typedef struct job {
    tvc_event *go;
    int status;
    int cleanups;
} job;

static int job_main(void *arg, void **result)
{
    job *j = arg;
    int r = tvc_event_wait(j->go);
    if (r == -ECANCELED) {
        j->cleanups++;
        return r;
    }
    *result = j;
    return j->status;
}

static job *job_new(int status)
{
    job *j = calloc(1, sizeof *j);
    ASSERT(j != NULL);
    ASSERT_OK(tvc_event_new(&j->go));
    j->status = status;
    return j;
}

static void job_free(job *j)
{
    tvc_event_free(j->go);
    free(j);
}

static void test_wait_modes(void)
{
    tvc_future *fs[3];
    for (int i = 0; i < 3; i++)
        fs[i] = tvc_future_create();

    /* Nothing completes: the timeout expires, not an error. */
    ASSERT_EQ(tvc_wait(fs, 3, TVC_FIRST_COMPLETED, DIRECT_TEST_SHORT_NS), 0);
    ASSERT_EQ(tvc_wait(fs, 3, TVC_ALL_COMPLETED, 0), 0);
    for (int i = 0; i < 3; i++)
        ASSERT(!tvc_future_done(fs[i]));

    /* One completes: FIRST_COMPLETED returns, ALL times out with 1. */
    ASSERT_OK(tvc_future_set_result(fs[1], NULL));
    ASSERT_EQ(tvc_wait(fs, 3, TVC_FIRST_COMPLETED, -1), 1);
    ASSERT_EQ(tvc_wait(fs, 3, TVC_ALL_COMPLETED, DIRECT_TEST_SHORT_NS), 1);
    /* A success does not end FIRST_EXCEPTION ... */
    ASSERT_EQ(tvc_wait(fs, 3, TVC_FIRST_EXCEPTION, DIRECT_TEST_SHORT_NS), 1);
    /* ... an error does. */
    ASSERT_OK(tvc_future_set_error(fs[0], -EPROTO));
    ASSERT_EQ(tvc_wait(fs, 3, TVC_FIRST_EXCEPTION, -1), 2);
    ASSERT(!tvc_future_done(fs[2]));
    ASSERT_OK(tvc_future_set_result(fs[2], NULL));
    ASSERT_EQ(tvc_wait(fs, 3, TVC_ALL_COMPLETED, -1), 3);
    for (int i = 0; i < 3; i++)
        tvc_future_unref(fs[i]);
}

/* Waits on tasks completed by another task while the waiter waits. */
static void test_wait_tasks(void)
{
    job *a = job_new(0), *b = job_new(-EPROTO), *c = job_new(0);
    tvc_task *ta = direct_spawn(job_main, a), *tb = direct_spawn(job_main, b),
             *tc = direct_spawn(job_main, c);
    tvc_future *fs[3] = {tvc_task_future(ta), tvc_task_future(tb),
                         tvc_task_future(tc)};
    tvc_event_set(a->go);
    ASSERT_GE(tvc_wait(fs, 3, TVC_FIRST_COMPLETED, -1), 1);
    ASSERT(tvc_future_done(fs[0]));
    tvc_event_set(b->go);
    ASSERT_GE(tvc_wait(fs, 3, TVC_FIRST_EXCEPTION, -1), 2);
    ASSERT_EQ(tvc_future_state_of(fs[1]), TVC_FUTURE_ERROR);
    tvc_event_set(c->go);
    ASSERT_EQ(tvc_wait(fs, 3, TVC_ALL_COMPLETED, -1), 3);
    tvc_task_release(ta);
    tvc_task_release(tb);
    tvc_task_release(tc);
    job_free(a);
    job_free(b);
    job_free(c);
}

static void test_wait_for(void)
{
    /* In time. */
    job *j = job_new(0);
    tvc_task *t = direct_spawn(job_main, j);
    tvc_event_set(j->go);
    void *out = NULL;
    ASSERT_OK(tvc_wait_for(tvc_task_future(t), TVC_SEC(3600), &out));
    ASSERT(out == j);
    tvc_task_release(t);
    job_free(j);

    /* Timeout: the inner task is cancelled and has finished its cleanup
     * when wait_for returns. */
    j = job_new(0);
    t = direct_spawn(job_main, j);
    ASSERT_ERR(tvc_wait_for(tvc_task_future(t), DIRECT_TEST_SHORT_NS, &out),
               -ETIMEDOUT);
    ASSERT(tvc_future_cancelled(tvc_task_future(t)));
    ASSERT_EQ(j->cleanups, 1);
    tvc_task_release(t);
    job_free(j);

    /* A plain future is cancelled on timeout. */
    tvc_future *f = tvc_future_create();
    ASSERT_ERR(tvc_wait_for(f, DIRECT_TEST_SHORT_NS, NULL), -ETIMEDOUT);
    ASSERT(tvc_future_cancelled(f));
    tvc_future_unref(f);

    /* An error inside the time is passed through. */
    f = tvc_future_create();
    ASSERT_OK(tvc_future_set_error(f, -EPROTO));
    ASSERT_ERR(tvc_wait_for(f, DIRECT_TEST_SHORT_NS, NULL), -EPROTO);
    tvc_future_unref(f);
}

/* The outer task of a cancelled wait_for. */
typedef struct outer {
    tvc_future *inner;
    tvc_event *ready;
} outer;

static int wait_for_main(void *arg, void **result)
{
    outer *o = arg;
    tvc_event_set(o->ready);
    return tvc_wait_for(o->inner, TVC_SEC(3600), NULL);
}

/* Cancelling the task blocked in wait_for cancels the inner work too. */
static void test_wait_for_cancelled(void)
{
    job *j = job_new(0);
    tvc_task *inner = direct_spawn(job_main, j);
    outer o = {.inner = tvc_task_future(inner)};
    ASSERT_OK(tvc_event_new(&o.ready));
    tvc_task *t = direct_spawn(wait_for_main, &o);
    ASSERT_OK(tvc_event_wait(o.ready));
    ASSERT_EQ(tvc_cancel(t), 1);
    ASSERT_ERR(tvc_task_join(t, NULL), -ECANCELED);
    ASSERT(tvc_future_cancelled(o.inner));
    ASSERT_EQ(j->cleanups, 1);
    tvc_task_release(t);
    tvc_task_release(inner);
    tvc_event_free(o.ready);
    job_free(j);
}

static void test_shield(void)
{
    job *j = job_new(0);
    tvc_task *t = direct_spawn(job_main, j);
    tvc_future *s = tvc_shield(tvc_task_future(t));
    ASSERT(s != NULL);
    /* Cancelling the shield leaves the inner task running. */
    ASSERT_EQ(tvc_future_cancel(s), 1);
    ASSERT(tvc_future_cancelled(s));
    ASSERT(!tvc_future_done(tvc_task_future(t)));
    tvc_event_set(j->go);
    void *out = NULL;
    ASSERT_OK(tvc_task_join(t, &out));
    ASSERT(out == j);
    ASSERT_EQ(j->cleanups, 0);
    tvc_future_unref(s);

    /* wait_for timing out on a shield: the inner work survives. */
    tvc_future *f = tvc_future_create();
    s = tvc_shield(f);
    ASSERT_ERR(tvc_wait_for(s, DIRECT_TEST_SHORT_NS, NULL), -ETIMEDOUT);
    ASSERT(tvc_future_cancelled(s));
    ASSERT(!tvc_future_done(f));
    tvc_future_unref(s);

    /* An unshielded outcome is copied. */
    s = tvc_shield(f);
    int x = 3;
    ASSERT_OK(tvc_future_set_result(f, &x));
    ASSERT_OK(tvc_await(s, &out));
    ASSERT(out == &x);
    tvc_future_unref(s);
    tvc_future_unref(f);
    tvc_task_release(t);
    job_free(j);
}

static void body(void)
{
    test_wait_modes();
    test_wait_tasks();
    test_wait_for();
    test_wait_for_cancelled();
    test_shield();
}

DIRECT_TEST_MAIN(body)
