/*
 * Cancellation while blocked in each kind of wait: sleep, await, event,
 * lock, condition, semaphore, queue get, queue put, a checkpoint loop, a
 * stream read, a connection handler cancelled by tvc_server_close, and
 * the accept loop itself.  Each time: -ECANCELED comes out of the wait,
 * the task's cleanup runs exactly once, the task ends cancelled, a second
 * cancel is a no-op returning 0, and the primitive is left consistent (a
 * cancelled waiter never receives the lock, unit or item it waited for).
 */
#include "direct_test.h"

enum kind {
    K_SLEEP,
    K_AWAIT,
    K_EVENT,
    K_LOCK,
    K_COND,
    K_SEM,
    K_QUEUE_GET,
    K_QUEUE_PUT,
    K_CHECKPOINT,
    K_STREAM_READ,
    K_COUNT
};

typedef struct blocker {
    enum kind kind;
    tvc_event *ready; /* set just before blocking */
    int cleanups;     /* must end at exactly 1 */
    tvc_future *fut;  /* K_AWAIT */
    tvc_event *ev;    /* K_EVENT: never set */
    tvc_lock *lock;   /* K_LOCK (held by the test), K_COND */
    tvc_cond *cond;
    tvc_sem *sem;        /* value 0 */
    tvc_queue *q;        /* empty for get, full (1 of 1) for put */
    tvc_stream *s;       /* K_STREAM_READ: a peer that never writes */
    int lock_held_after; /* K_COND: lock held again on -ECANCELED */
} blocker;

static int block_main(void *arg, void **result)
{
    blocker *b = arg;
    void *item;
    tvc_slice line;
    int r = -1;
    if (b->kind == K_COND)
        ASSERT_OK(tvc_lock_acquire(b->lock));
    tvc_event_set(b->ready);
    switch (b->kind) {
    case K_SLEEP:
        r = tvc_sleep(TVC_SEC(3600));
        break;
    case K_AWAIT:
        r = tvc_await(b->fut, &item);
        break;
    case K_EVENT:
        r = tvc_event_wait(b->ev);
        break;
    case K_LOCK:
        r = tvc_lock_acquire(b->lock);
        break;
    case K_COND:
        r = tvc_cond_wait(b->cond);
        b->lock_held_after = tvc_lock_locked(b->lock);
        ASSERT_OK(tvc_lock_release(b->lock));
        break;
    case K_SEM:
        r = tvc_sem_acquire(b->sem);
        break;
    case K_QUEUE_GET:
        r = tvc_queue_get(b->q, &item);
        break;
    case K_QUEUE_PUT:
        r = tvc_queue_put(b->q, (void *)2);
        break;
    case K_CHECKPOINT:
        while ((r = tvc_checkpoint()) == 0)
            ;
        break;
    case K_STREAM_READ:
        r = tvc_stream_readline(b->s, &line);
        break;
    case K_COUNT:
        break;
    }
    if (r == -ECANCELED)
        b->cleanups++;
    return r;
}

/* A connection handler that never writes and counts its cancellation. */
typedef struct silent {
    tvc_event *connected; /* set by each handler as it starts */
    int cleanups;
    tvc_lock *lock; /* guards cleanups across handler threads */
} silent;

static int silent_handler(tvc_stream *s, void *arg)
{
    silent *h = arg;
    tvc_event_set(h->connected);
    tvc_slice line;
    int r = tvc_stream_readline(s, &line);
    if (r == -ECANCELED) {
        /* The lock itself is a cancellation point, but this task's one
         * cancel was just delivered. */
        ASSERT_OK(tvc_lock_acquire(h->lock));
        h->cleanups++;
        ASSERT_OK(tvc_lock_release(h->lock));
    }
    return r;
}

static void run_blocker(enum kind kind)
{
    blocker b = {.kind = kind};
    tvc_server *srv = NULL;
    silent h = {0};
    ASSERT_OK(tvc_event_new(&b.ready));
    ASSERT(b.fut = tvc_future_create());
    ASSERT_OK(tvc_event_new(&b.ev));
    ASSERT_OK(tvc_lock_new(&b.lock));
    ASSERT_OK(tvc_cond_new(&b.cond, b.lock));
    ASSERT_OK(tvc_sem_new(&b.sem, 0, 0));
    ASSERT_OK(tvc_queue_new(&b.q, 1));
    if (kind == K_LOCK)
        ASSERT_OK(tvc_lock_acquire(b.lock));
    if (kind == K_QUEUE_PUT)
        ASSERT_OK(tvc_queue_put(b.q, (void *)1));
    if (kind == K_STREAM_READ) {
        ASSERT_OK(tvc_event_new(&h.connected));
        ASSERT_OK(tvc_lock_new(&h.lock));
        ASSERT_OK(tvc_start_server(&srv, silent_handler, &h, NULL));
        ASSERT_OK(
            tvc_open_connection(&b.s, "127.0.0.1", tvc_server_port(srv), 0));
    }

    tvc_task *t = direct_spawn(block_main, &b);
    ASSERT_OK(tvc_event_wait(b.ready));
    ASSERT_EQ(tvc_cancel(t), 1);
    ASSERT_ERR(tvc_task_join(t, NULL), -ECANCELED);
    ASSERT(tvc_future_cancelled(tvc_task_future(t)));
    ASSERT_EQ(b.cleanups, 1);
    ASSERT_EQ(tvc_cancel(t), 0);
    ASSERT_EQ(b.cleanups, 1);
    tvc_task_release(t);

    /* The primitive is consistent, and the cancelled waiter took
     * nothing. */
    void *item;
    switch (kind) {
    case K_AWAIT:
        ASSERT(!tvc_future_done(b.fut)); /* awaiting was cancelled */
        break;
    case K_LOCK:
        ASSERT_OK(tvc_lock_release(b.lock));
        ASSERT(!tvc_lock_locked(b.lock));
        break;
    case K_COND:
        ASSERT(b.lock_held_after);
        ASSERT(!tvc_lock_locked(b.lock));
        break;
    case K_SEM:
        ASSERT_OK(tvc_sem_release(b.sem));
        ASSERT(!tvc_sem_locked(b.sem));
        break;
    case K_QUEUE_GET:
        ASSERT_OK(tvc_queue_put_nowait(b.q, (void *)7));
        ASSERT_OK(tvc_queue_get_nowait(b.q, &item));
        ASSERT_EQ((intptr_t)item, 7);
        break;
    case K_QUEUE_PUT:
        ASSERT_OK(tvc_queue_get_nowait(b.q, &item));
        ASSERT_EQ((intptr_t)item, 1);
        ASSERT_EQ(tvc_queue_size(b.q), 0);
        break;
    case K_STREAM_READ:
        tvc_stream_free(b.s);
        ASSERT_OK(tvc_server_close(srv));
        tvc_event_free(h.connected);
        tvc_lock_free(h.lock);
        break;
    case K_SLEEP:
    case K_EVENT:
    case K_CHECKPOINT:
    case K_COUNT:
        break; /* nothing held to check or release */
    }
    tvc_queue_free(b.q);
    tvc_sem_free(b.sem);
    tvc_cond_free(b.cond);
    tvc_lock_free(b.lock);
    tvc_event_free(b.ev);
    tvc_future_unref(b.fut);
    tvc_event_free(b.ready);
}

/* Closing a server cancels the handlers blocked in reads and waits for
 * them; closing one with no connection stops its accept loop. */
static void test_server_close(void)
{
    enum { CONNS = 3 };
    silent h = {0};
    ASSERT_OK(tvc_event_new(&h.connected));
    ASSERT_OK(tvc_lock_new(&h.lock));
    tvc_server *srv;
    ASSERT_OK(tvc_start_server(&srv, silent_handler, &h, NULL));
    tvc_stream *cs[CONNS];
    for (int i = 0; i < CONNS; i++) {
        ASSERT_OK(
            tvc_open_connection(&cs[i], "127.0.0.1", tvc_server_port(srv), 0));
        /* Its handler runs before the next connection is made. */
        ASSERT_OK(tvc_event_wait(h.connected));
        tvc_event_clear(h.connected);
    }
    ASSERT_OK(tvc_server_close(srv));
    ASSERT_EQ(h.cleanups, CONNS);
    /* The handlers' ends are closed: each client reads EOF. */
    for (int i = 0; i < CONNS; i++) {
        tvc_slice s;
        ASSERT_OK(tvc_stream_read(cs[i], 100, &s));
        ASSERT_EQ(s.len, 0);
        ASSERT(tvc_stream_at_eof(cs[i]));
        tvc_stream_free(cs[i]);
    }

    ASSERT_OK(tvc_start_server(&srv, silent_handler, &h, NULL));
    ASSERT_OK(tvc_server_close(srv));
    tvc_event_free(h.connected);
    tvc_lock_free(h.lock);
}

static void body(void)
{
    for (int k = 0; k < K_COUNT; k++)
        run_blocker((enum kind)k);
    test_server_close();
}

DIRECT_TEST_MAIN(body)
