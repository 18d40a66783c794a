/*
 * Lock, event, condition and semaphore for coroutines.  All run on the
 * loop's thread, so the state needs no atomics; a waiter suspends in a
 * waiter list (tvc__waitq_wait) with cancellation as its other clause.
 *
 * A lock or a semaphore permit is handed straight to the first waiter on
 * release (the lock stays locked): a task arriving later cannot barge in
 * ahead of the waiters, and a waiter that is cancelled after being handed
 * the lock still owns it, and gets its -ECANCELED at its next suspension.
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>

#include "internal.h"

/* ---- lock --------------------------------------------------------------- */

struct tvc_lock {
    int locked;        /* held by some task */
    tvc__waitq waiters; /* tasks in acquire, FIFO */
};

int tvc_lock_new(tvc_lock **out)
{
    return (*out = calloc(1, sizeof **out)) ? 0 : -ENOMEM;
}

void tvc_lock_free(tvc_lock *l)
{
    free(l);
}

int tvc_lock_acquire(tvc_lock *l)
{
    if (!l->locked) {
        l->locked = 1;
        return 0;
    }
    /* Woken with a handoff: the releaser gave us the lock. */
    int r = tvc__waitq_wait(&l->waiters, TVC_FOREVER);
    return r < 0 ? r : 0;
}

int tvc_lock_release(tvc_lock *l)
{
    if (!l->locked)
        return TVC_EINVALSTATE;
    if (!tvc__waitq_wake_one(&l->waiters, TVC__WAKE_HANDOFF))
        l->locked = 0;
    return 0;
}

int tvc_lock_locked(tvc_lock *l)
{
    return l->locked;
}

/* ---- event -------------------------------------------------------------- */

struct tvc_event {
    int set;            /* the flag */
    tvc__waitq waiters; /* tasks in wait */
};

int tvc_event_new(tvc_event **out)
{
    return (*out = calloc(1, sizeof **out)) ? 0 : -ENOMEM;
}

void tvc_event_free(tvc_event *e)
{
    free(e);
}

void tvc_event_set(tvc_event *e)
{
    e->set = 1;
    while (tvc__waitq_wake_one(&e->waiters, 0))
        ;
}

void tvc_event_clear(tvc_event *e)
{
    e->set = 0;
}

int tvc_event_is_set(tvc_event *e)
{
    return e->set;
}

int tvc_event_wait(tvc_event *e)
{
    if (e->set)
        return 0;
    return tvc__waitq_wait(&e->waiters, TVC_FOREVER);
}

/* ---- condition ---------------------------------------------------------- */

struct tvc_cond {
    tvc_lock *lock;     /* the lock callers hold */
    tvc__waitq waiters; /* tasks in wait */
};

int tvc_cond_new(tvc_cond **out, tvc_lock *l)
{
    if (!(*out = calloc(1, sizeof **out)))
        return -ENOMEM;
    (*out)->lock = l;
    return 0;
}

void tvc_cond_free(tvc_cond *c)
{
    free(c);
}

int tvc_cond_wait(tvc_cond *c)
{
    if (!c->lock->locked)
        return TVC_EINVALSTATE;
    tvc_lock_release(c->lock);
    int r = tvc__waitq_wait(&c->waiters, TVC_FOREVER);
    /* The lock is held again on return whatever happened; a cancel is
     * delivered once, so this acquire only sees one already pending. */
    int a;
    while ((a = tvc_lock_acquire(c->lock)) == -ECANCELED)
        r = -ECANCELED;
    return r < 0 ? r : a;
}

int tvc_cond_notify(tvc_cond *c, int n)
{
    if (!c->lock->locked)
        return TVC_EINVALSTATE;
    int woke = 0;
    while (woke < n && tvc__waitq_wake_one(&c->waiters, 0))
        woke++;
    return woke;
}

int tvc_cond_notify_all(tvc_cond *c)
{
    return tvc_cond_notify(c, INT_MAX);
}

/* ---- semaphore ---------------------------------------------------------- */

struct tvc_sem {
    int value;          /* permits available */
    int initial;        /* bounded: the ceiling */
    int bounded;        /* release past initial fails */
    tvc__waitq waiters; /* tasks in acquire, FIFO */
};

int tvc_sem_new(tvc_sem **out, int value, int bounded)
{
    if (value < 0)
        return -EINVAL;
    if (!(*out = calloc(1, sizeof **out)))
        return -ENOMEM;
    (*out)->value = (*out)->initial = value;
    (*out)->bounded = bounded;
    return 0;
}

void tvc_sem_free(tvc_sem *s)
{
    free(s);
}

int tvc_sem_acquire(tvc_sem *s)
{
    if (s->value > 0) {
        s->value--;
        return 0;
    }
    /* Woken with a handoff: the releaser gave us its permit. */
    int r = tvc__waitq_wait(&s->waiters, TVC_FOREVER);
    return r < 0 ? r : 0;
}

int tvc_sem_release(tvc_sem *s)
{
    if (tvc__waitq_wake_one(&s->waiters, TVC__WAKE_HANDOFF))
        return 0;
    if (s->bounded && s->value >= s->initial)
        return -EOVERFLOW;
    s->value++;
    return 0;
}

int tvc_sem_locked(tvc_sem *s)
{
    return s->value == 0;
}
