/*
 * gather: all results, the first error by position, and cancelling the
 * gathering task cancels every child still pending and waits for them.
 */
#include "direct_test.h"

#include <stdatomic.h>

typedef struct child {
    tvc_event *go;         /* released by the test */
    int status;            /* what to return */
    _Atomic int *cleanups; /* cancelled children that cleaned up; on
                            * threads they run at once, hence atomic */
    tvc_event *ready;      /* set when about to block (may be NULL) */
} child;

static int child_main(void *arg, void **result)
{
    child *c = arg;
    if (c->ready)
        tvc_event_set(c->ready);
    int r = tvc_event_wait(c->go);
    if (r == -ECANCELED) {
        (*c->cleanups)++;
        return r;
    }
    ASSERT_OK(r);
    *result = c;
    return c->status;
}

enum { N = 5 };

static void test_gather_results(void)
{
    _Atomic int cleanups = 0;
    tvc_event *go;
    ASSERT_OK(tvc_event_new(&go));
    child cs[N];
    tvc_task *ts[N];
    tvc_future *fs[N];
    for (int i = 0; i < N; i++) {
        cs[i] = (child){.go = go, .status = 0, .cleanups = &cleanups};
        /* Positions 2 and 4 fail with different errors. */
        if (i == 2)
            cs[i].status = -EPROTO;
        if (i == 4)
            cs[i].status = -EMSGSIZE;
        ts[i] = direct_spawn(child_main, &cs[i]);
        fs[i] = tvc_task_future(ts[i]);
    }
    tvc_event_set(go);
    ASSERT_ERR(tvc_gather(fs, N), -EPROTO);
    for (int i = 0; i < N; i++) {
        ASSERT(tvc_future_done(fs[i]));
        void *res = NULL;
        if (cs[i].status == 0) {
            ASSERT_OK(tvc_future_result(fs[i], &res));
            ASSERT(res == &cs[i]);
        }
    }
    /* All succeeding: 0; and gathering nothing is immediate. */
    ASSERT_OK(tvc_gather(fs, 2));
    ASSERT_OK(tvc_gather(fs, 0));
    for (int i = 0; i < N; i++)
        tvc_task_release(ts[i]);
    tvc_event_free(go);
    ASSERT_EQ(cleanups, 0);
}

/* The gatherer: gathers children that wait forever. */
typedef struct gatherer {
    tvc_future **fs;
    size_t n;
    int status;
} gatherer;

static int gather_main(void *arg, void **result)
{
    gatherer *g = arg;
    g->status = tvc_gather(g->fs, g->n);
    return g->status;
}

static void test_gather_cancelled(void)
{
    _Atomic int cleanups = 0;
    tvc_event *never, *ready;
    ASSERT_OK(tvc_event_new(&never));
    ASSERT_OK(tvc_event_new(&ready));
    child cs[N];
    tvc_task *ts[N];
    tvc_future *fs[N + 1];
    for (int i = 0; i < N; i++) {
        cs[i] = (child){.go = never, .cleanups = &cleanups, .ready = ready};
        ts[i] = direct_spawn(child_main, &cs[i]);
        fs[i] = tvc_task_future(ts[i]);
    }
    /* A plain future among the children is cancelled too. */
    fs[N] = tvc_future_create();
    gatherer g = {.fs = fs, .n = N + 1};
    tvc_task *gt = direct_spawn(gather_main, &g);
    ASSERT_OK(tvc_event_wait(ready));
    ASSERT_EQ(tvc_cancel(gt), 1);
    ASSERT_ERR(tvc_task_join(gt, NULL), -ECANCELED);
    ASSERT_EQ(g.status, -ECANCELED);
    /* Every child was cancelled and had finished its cleanup by the time
     * gather returned. */
    ASSERT_EQ(cleanups, N);
    for (int i = 0; i <= N; i++)
        ASSERT(tvc_future_cancelled(fs[i]));
    for (int i = 0; i < N; i++)
        tvc_task_release(ts[i]);
    tvc_future_unref(fs[N]);
    tvc_task_release(gt);
    tvc_event_free(never);
    tvc_event_free(ready);
}

static void body(void)
{
    test_gather_results();
    test_gather_cancelled();
}

DIRECT_TEST_MAIN(body)
