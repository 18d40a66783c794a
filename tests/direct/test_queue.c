/*
 * The queue: FIFO order, the bounded queue blocking its putter until a
 * get makes room, the nowait variants, size, and a producer/consumer pair
 * moving many items through a small queue.
 */
#include "direct_test.h"

enum { ITEMS = 2000 };

static void test_basics(void)
{
    tvc_queue *q;
    ASSERT_OK(tvc_queue_new(&q, 0));
    void *item;
    ASSERT_ERR(tvc_queue_get_nowait(q, &item), -EAGAIN);
    /* Unbounded: grows past any first allocation. */
    for (intptr_t i = 1; i <= 100; i++)
        ASSERT_OK(tvc_queue_put_nowait(q, (void *)i));
    ASSERT_EQ(tvc_queue_size(q), 100);
    for (intptr_t i = 1; i <= 100; i++) {
        ASSERT_OK(tvc_queue_get(q, &item));
        ASSERT_EQ((intptr_t)item, i);
    }
    ASSERT_EQ(tvc_queue_size(q), 0);
    tvc_queue_free(q);

    ASSERT_OK(tvc_queue_new(&q, 2));
    ASSERT_OK(tvc_queue_put(q, (void *)1));
    ASSERT_OK(tvc_queue_put_nowait(q, (void *)2));
    ASSERT_ERR(tvc_queue_put_nowait(q, (void *)3), -EAGAIN);
    ASSERT_EQ(tvc_queue_size(q), 2);
    ASSERT_OK(tvc_queue_get_nowait(q, &item));
    ASSERT_EQ((intptr_t)item, 1);
    ASSERT_OK(tvc_queue_put_nowait(q, (void *)3));
    ASSERT_OK(tvc_queue_get(q, &item));
    ASSERT_EQ((intptr_t)item, 2);
    ASSERT_OK(tvc_queue_get(q, &item));
    ASSERT_EQ((intptr_t)item, 3);
    tvc_queue_free(q);
}

typedef struct pc {
    tvc_queue *q;
    tvc_event *started; /* producer about to fill the queue */
} pc;

static int producer(void *arg, void **result)
{
    pc *p = arg;
    tvc_event_set(p->started);
    for (intptr_t i = 1; i <= ITEMS; i++)
        ASSERT_OK(tvc_queue_put(p->q, (void *)i));
    return 0;
}

/* Puts block while the queue is full and resume as gets make room; the
 * consumer sees every item once and in order. */
static void test_bounded_flow(void)
{
    pc p;
    ASSERT_OK(tvc_queue_new(&p.q, 3));
    ASSERT_OK(tvc_event_new(&p.started));
    tvc_task *t = direct_spawn(producer, &p);
    ASSERT_OK(tvc_event_wait(p.started));
    for (intptr_t i = 1; i <= ITEMS; i++) {
        void *item;
        ASSERT_LE(tvc_queue_size(p.q), 3);
        ASSERT_OK(tvc_queue_get(p.q, &item));
        ASSERT_EQ((intptr_t)item, i);
    }
    ASSERT_OK(tvc_task_join(t, NULL));
    ASSERT_EQ(tvc_queue_size(p.q), 0);
    tvc_task_release(t);
    tvc_event_free(p.started);
    tvc_queue_free(p.q);
}

/* Getters waiting on an empty queue are served in order of arrival, each
 * one item. */
static int getter(void *arg, void **result)
{
    void *item = NULL;
    int r = tvc_queue_get(arg, &item);
    *result = item;
    return r;
}

static void test_waiting_getters(void)
{
    enum { N = 4 };
    tvc_queue *q;
    ASSERT_OK(tvc_queue_new(&q, 1));
    tvc_task *ts[N];
    for (int i = 0; i < N; i++)
        ts[i] = direct_spawn(getter, q);
    for (intptr_t i = 1; i <= N; i++)
        ASSERT_OK(tvc_queue_put(q, (void *)i));
    intptr_t sum = 0;
    for (int i = 0; i < N; i++) {
        void *item;
        ASSERT_OK(tvc_task_join(ts[i], &item));
        sum += (intptr_t)item;
        tvc_task_release(ts[i]);
    }
    ASSERT_EQ(sum, N * (N + 1) / 2);
    ASSERT_EQ(tvc_queue_size(q), 0);
    tvc_queue_free(q);
}

static void body(void)
{
    test_basics();
    test_bounded_flow();
    test_waiting_getters();
}

DIRECT_TEST_MAIN(body)
