/*
 * Lock, event, condition and semaphore: their semantics with several
 * tasks (mutual exclusion, wake-ups, notify counts, bounded overflow) and
 * their misuse errors.  Cancellation while blocked in each is in
 * test_cancel.c.
 */
#include "direct_test.h"

#include <stdatomic.h>

enum { WORKERS = 4, ROUNDS = 200 };

typedef struct shared {
    tvc_lock *lock;
    int inside; /* tasks inside the critical section */
    int total;
} shared;

static int locker(void *arg, void **result)
{
    shared *s = arg;
    for (int i = 0; i < ROUNDS; i++) {
        ASSERT_OK(tvc_lock_acquire(s->lock));
        ASSERT_EQ(++s->inside, 1);
        s->total++;
        /* Suspend while holding it: others must queue up. */
        if (i % 16 == 0)
            ASSERT_OK(tvc_sleep(0));
        s->inside--;
        ASSERT_OK(tvc_lock_release(s->lock));
    }
    return 0;
}

static void test_lock(void)
{
    shared s = {0};
    ASSERT_OK(tvc_lock_new(&s.lock));
    ASSERT(!tvc_lock_locked(s.lock));
    ASSERT_ERR(tvc_lock_release(s.lock), TVC_EINVALSTATE);
    ASSERT_OK(tvc_lock_acquire(s.lock));
    ASSERT(tvc_lock_locked(s.lock));
    ASSERT_OK(tvc_lock_release(s.lock));

    tvc_task *ts[WORKERS];
    for (int i = 0; i < WORKERS; i++)
        ts[i] = direct_spawn(locker, &s);
    for (int i = 0; i < WORKERS; i++) {
        ASSERT_OK(tvc_task_join(ts[i], NULL));
        tvc_task_release(ts[i]);
    }
    ASSERT_EQ(s.total, WORKERS * ROUNDS);
    ASSERT(!tvc_lock_locked(s.lock));
    tvc_lock_free(s.lock);
}

typedef struct ev_waiter {
    tvc_event *e;
    tvc_sem *arrived; /* released once per waiter about to wait */
} ev_waiter;

static int event_waiter(void *arg, void **result)
{
    ev_waiter *w = arg;
    ASSERT_OK(tvc_sem_release(w->arrived));
    return tvc_event_wait(w->e);
}

static void test_event(void)
{
    ev_waiter w;
    ASSERT_OK(tvc_event_new(&w.e));
    ASSERT_OK(tvc_sem_new(&w.arrived, 0, 0));
    ASSERT(!tvc_event_is_set(w.e));
    tvc_task *ts[WORKERS];
    for (int i = 0; i < WORKERS; i++)
        ts[i] = direct_spawn(event_waiter, &w);
    for (int i = 0; i < WORKERS; i++)
        ASSERT_OK(tvc_sem_acquire(w.arrived));
    /* One set wakes every waiter. */
    tvc_event_set(w.e);
    ASSERT(tvc_event_is_set(w.e));
    for (int i = 0; i < WORKERS; i++) {
        ASSERT_OK(tvc_task_join(ts[i], NULL));
        tvc_task_release(ts[i]);
    }
    /* Set stays set; clear resets it. */
    ASSERT_OK(tvc_event_wait(w.e));
    tvc_event_clear(w.e);
    ASSERT(!tvc_event_is_set(w.e));
    tvc_sem_free(w.arrived);
    tvc_event_free(w.e);
}

/* The classic guarded predicate: waiters sleep until `ready` counts. */
typedef struct guarded {
    tvc_lock *lock;
    tvc_cond *cond;
    int ready;   /* tokens available */
    int waiting; /* tasks inside cond_wait's loop */
    int served;
} guarded;

static int cond_consumer(void *arg, void **result)
{
    guarded *g = arg;
    ASSERT_OK(tvc_lock_acquire(g->lock));
    g->waiting++;
    while (g->ready == 0) {
        ASSERT_OK(tvc_cond_wait(g->cond));
        ASSERT(tvc_lock_locked(g->lock));
    }
    g->ready--;
    g->waiting--;
    g->served++;
    ASSERT_OK(tvc_lock_release(g->lock));
    return 0;
}

static void test_cond(void)
{
    guarded g = {0};
    ASSERT_OK(tvc_lock_new(&g.lock));
    ASSERT_OK(tvc_cond_new(&g.cond, g.lock));
    /* Misuse: the lock must be held. */
    ASSERT_ERR(tvc_cond_wait(g.cond), TVC_EINVALSTATE);
    ASSERT_ERR(tvc_cond_notify(g.cond, 1), TVC_EINVALSTATE);

    tvc_task *ts[WORKERS];
    for (int i = 0; i < WORKERS; i++)
        ts[i] = direct_spawn(cond_consumer, &g);
    /* Hand out one token at a time with notify(1), then the rest with
     * notify_all. */
    ASSERT_OK(tvc_lock_acquire(g.lock));
    g.ready = 1;
    ASSERT_GE(tvc_cond_notify(g.cond, 1), 0); /* woken: test_contracts */
    ASSERT_OK(tvc_lock_release(g.lock));
    for (;;) {
        ASSERT_OK(tvc_lock_acquire(g.lock));
        int served = g.served;
        if (served >= 1) {
            g.ready = WORKERS - 1;
            ASSERT_GE(tvc_cond_notify_all(g.cond), 0);
        }
        ASSERT_OK(tvc_lock_release(g.lock));
        if (served >= 1)
            break;
        ASSERT_OK(tvc_sleep(0));
    }
    for (int i = 0; i < WORKERS; i++) {
        ASSERT_OK(tvc_task_join(ts[i], NULL));
        tvc_task_release(ts[i]);
    }
    ASSERT_EQ(g.served, WORKERS);
    ASSERT_EQ(g.ready, 0);
    tvc_cond_free(g.cond);
    tvc_lock_free(g.lock);
}

/* Two holders run at once on threads, so the counters are atomic. */
typedef struct limited {
    tvc_sem *sem;
    _Atomic int inside, max_inside;
} limited;

static int sem_user(void *arg, void **result)
{
    limited *l = arg;
    for (int i = 0; i < ROUNDS / 4; i++) {
        ASSERT_OK(tvc_sem_acquire(l->sem));
        int now = ++l->inside;
        int max = l->max_inside;
        while (now > max &&
               !atomic_compare_exchange_weak(&l->max_inside, &max, now))
            ;
        ASSERT_LE(now, 2);
        ASSERT_OK(tvc_sleep(0));
        l->inside--;
        ASSERT_OK(tvc_sem_release(l->sem));
    }
    return 0;
}

static void test_sem(void)
{
    tvc_sem *s;
    /* Plain: releases past the initial value are allowed. */
    ASSERT_OK(tvc_sem_new(&s, 1, 0));
    ASSERT(!tvc_sem_locked(s));
    ASSERT_OK(tvc_sem_acquire(s));
    ASSERT(tvc_sem_locked(s));
    ASSERT_OK(tvc_sem_release(s));
    ASSERT_OK(tvc_sem_release(s));
    ASSERT_OK(tvc_sem_acquire(s));
    ASSERT_OK(tvc_sem_acquire(s));
    ASSERT(tvc_sem_locked(s));
    tvc_sem_free(s);

    /* Bounded: a release past the initial value overflows. */
    ASSERT_OK(tvc_sem_new(&s, 2, 1));
    ASSERT_ERR(tvc_sem_release(s), -EOVERFLOW);
    ASSERT_OK(tvc_sem_acquire(s));
    ASSERT_OK(tvc_sem_release(s));
    ASSERT_ERR(tvc_sem_release(s), -EOVERFLOW);

    /* At most two holders at a time. */
    limited l = {.sem = s};
    tvc_task *ts[WORKERS];
    for (int i = 0; i < WORKERS; i++)
        ts[i] = direct_spawn(sem_user, &l);
    for (int i = 0; i < WORKERS; i++) {
        ASSERT_OK(tvc_task_join(ts[i], NULL));
        tvc_task_release(ts[i]);
    }
    ASSERT_LE(l.max_inside, 2);
    ASSERT_GE(l.max_inside, 1);
    ASSERT_ERR(tvc_sem_release(s), -EOVERFLOW);
    tvc_sem_free(s);
}

static void body(void)
{
    test_lock();
    test_event();
    test_cond();
    test_sem();
}

DIRECT_TEST_MAIN(body)
