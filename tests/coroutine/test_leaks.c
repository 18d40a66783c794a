/*
 * Nothing leaks after mass cancellation: 100,000 coroutines blocked in
 * every kind of wait (event, sleep, lock, queue, semaphore, a future,
 * and stream reads on loopback connections) are cancelled and joined;
 * each runs its cleanup exactly once, and heap bytes and open fds are
 * back at their baseline, inside the run and after it.
 */
#include <errno.h>
#include <stdlib.h>

#include "internal.h"
#include "tvc/tvc.h"
#include "tvc_test.h"

#define N 100000
#define CONNS 64

static struct {
    tvc_event *ev;
    tvc_lock *lock;
    tvc_queue *q;
    tvc_sem *sem;
    tvc_future *never;
    tvc_server *srv;
    int blocked;   /* tasks about to block */
    int cleanups;  /* cleanups that ran */
} w;

static int blocker(void *arg, void **res)
{
    (void)res;
    int kind = (int)(intptr_t)arg, r;
    void *item;
    w.blocked++;
    switch (kind) {
    case 0:
        r = tvc_event_wait(w.ev);
        break;
    case 1:
        r = tvc_sleep(TVC_FOREVER);
        break;
    case 2:
        r = tvc_lock_acquire(w.lock);
        break;
    case 3:
        r = tvc_queue_get(w.q, &item);
        break;
    case 4:
        r = tvc_sem_acquire(w.sem);
        break;
    default:
        r = tvc_await(w.never, NULL);
        break;
    }
    if (r == -ECANCELED)
        w.cleanups++;
    return r;
}

static int reader(void *arg, void **res)
{
    (void)arg, (void)res;
    tvc_stream *s;
    int r = tvc_open_connection(&s, "127.0.0.1", tvc_server_port(w.srv), 0);
    if (r < 0)
        return r;
    tvc_slice line;
    w.blocked++;
    r = tvc_stream_readline(s, &line);
    if (r == -ECANCELED)
        w.cleanups++;
    tvc_stream_free(s);
    return r;
}

/* The server side says nothing: it waits for the client to go. */
static int silent(tvc_stream *s, void *arg)
{
    (void)arg;
    tvc_slice sl;
    return tvc_stream_read(s, 1, &sl);
}

static int run(void *arg, void **res)
{
    (void)res;
    tvc_task **t = arg;
    tvc_test_baseline base = tvc_test_baseline_take();
    ASSERT_OK(tvc_event_new(&w.ev));
    ASSERT_OK(tvc_lock_new(&w.lock));
    ASSERT_OK(tvc_lock_acquire(w.lock));
    ASSERT_OK(tvc_queue_new(&w.q, 0));
    ASSERT_OK(tvc_sem_new(&w.sem, 0, 0));
    ASSERT((w.never = tvc_future_create()) != NULL);
    ASSERT_OK(tvc_start_server(&w.srv, silent, NULL, NULL));

    for (int i = 0; i < N; i++)
        ASSERT_OK(tvc_spawn(&t[i], blocker, (void *)(intptr_t)(i % 6),
                            NULL));
    for (int i = N; i < N + CONNS; i++)
        ASSERT_OK(tvc_spawn(&t[i], reader, NULL, NULL));
    /* Every task runs up to its wait within a few turns of the loop; the
     * bound only stops a broken runtime from spinning forever. */
    for (int turn = 0; turn < 1000 && w.blocked < N + CONNS; turn++)
        ASSERT_OK(tvc_sleep(0));
    ASSERT_EQ(w.blocked, N + CONNS);
    ASSERT_OK(tvc_sleep(0)); /* the readers reach their read */

    for (int i = 0; i < N + CONNS; i++)
        ASSERT_EQ(tvc_cancel(t[i]), 1);
    for (int i = 0; i < N + CONNS; i++) {
        ASSERT_ERR(tvc_task_join(t[i], NULL), -ECANCELED);
        tvc_task_release(t[i]);
    }
    ASSERT_EQ(w.cleanups, N + CONNS);

    ASSERT_OK(tvc_server_close(w.srv));
    tvc_future_unref(w.never);
    tvc_sem_free(w.sem);
    tvc_queue_free(w.q);
    ASSERT_OK(tvc_lock_release(w.lock));
    tvc_lock_free(w.lock);
    tvc_event_free(w.ev);
    /* Every stack is back in the pool. */
    ASSERT_EQ(tvc__S->pool.in_use, tvc__S->compact ? 2 : 1);
    /* What the loop keeps grown for next time: the timer heap's array
     * (one pointer per sleeper) and the stack pool's arena list. */
    ASSERT_NO_LEAKS(base, (N / 6 + 1) * 16 + 64 * 1024);
    return 0;
}

int main(void)
{
    tvc_task **t = calloc(N + CONNS, sizeof *t);
    ASSERT(t != NULL);
    tvc_test_baseline base = tvc_test_baseline_take();
    ASSERT_OK(tvc_run(run, t, NULL, NULL));
    ASSERT_NO_LEAKS(base, 0);
    free(t);
    return 0;
}
