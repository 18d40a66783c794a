/*
 * Lock, event, condition and semaphore.  Each is a mutex guarding its
 * state plus a FIFO of parked waiters (waitq.c).  A release hands the
 * lock (or the semaphore unit) straight to the first waiter instead of
 * freeing it, so waiters are served in order and a newcomer cannot barge
 * past a thread that is still waking up.
 */
#include "internal.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>

struct tvc_lock {
    pthread_mutex_t mu; /* guards the fields below */
    int locked;         /* held (stays set while handed over) */
    tvc__waitq q;       /* acquirers, FIFO */
};

struct tvc_event {
    pthread_mutex_t mu;
    int set;      /* the flag */
    tvc__waitq q; /* waiters, all woken by set */
};

struct tvc_cond {
    pthread_mutex_t mu; /* guards q; taken before the lock's mutex */
    tvc_lock *lock;     /* the associated lock (not owned) */
    tvc__waitq q;       /* waiters, woken in order by notify */
};

struct tvc_sem {
    pthread_mutex_t mu;
    int value;    /* free units; 0 while anyone waits */
    int initial;  /* the ceiling of a bounded semaphore */
    int bounded;  /* release past initial fails */
    tvc__waitq q; /* acquirers, FIFO */
};

/* ---- lock --------------------------------------------------------------- */

int tvc_lock_new(tvc_lock **out)
{
    tvc_lock *l = calloc(1, sizeof *l);
    if (!l)
        return -ENOMEM;
    pthread_mutex_init(&l->mu, NULL);
    *out = l;
    return 0;
}

void tvc_lock_free(tvc_lock *l)
{
    pthread_mutex_destroy(&l->mu);
    free(l);
}

static int lock_acquire(tvc_lock *l, int flags)
{
    int r = 0;
    pthread_mutex_lock(&l->mu);
    if (!l->locked) {
        l->locked = 1;
    } else {
        tvc__waitnode n;
        r = tvc__waitq_wait(&l->q, &l->mu, &n, -1, flags);
    }
    pthread_mutex_unlock(&l->mu);
    return r;
}

/* 0 or -ECANCELED. */
int tvc_lock_acquire(tvc_lock *l)
{
    return lock_acquire(l, 0);
}

/* 0, or TVC_EINVALSTATE if the lock was not held. */
int tvc_lock_release(tvc_lock *l)
{
    int r = 0;
    pthread_mutex_lock(&l->mu);
    tvc__waitnode *n;
    if (!l->locked)
        r = TVC_EINVALSTATE;
    else if ((n = tvc__waitq_pop(&l->q)))
        tvc__waitq_fire(n);
    else
        l->locked = 0;
    pthread_mutex_unlock(&l->mu);
    return r;
}

int tvc_lock_locked(tvc_lock *l)
{
    pthread_mutex_lock(&l->mu);
    int r = l->locked;
    pthread_mutex_unlock(&l->mu);
    return r;
}

/* ---- event -------------------------------------------------------------- */

int tvc_event_new(tvc_event **out)
{
    tvc_event *e = calloc(1, sizeof *e);
    if (!e)
        return -ENOMEM;
    pthread_mutex_init(&e->mu, NULL);
    *out = e;
    return 0;
}

void tvc_event_free(tvc_event *e)
{
    pthread_mutex_destroy(&e->mu);
    free(e);
}

void tvc_event_set(tvc_event *e)
{
    pthread_mutex_lock(&e->mu);
    e->set = 1;
    tvc__waitnode *n;
    while ((n = tvc__waitq_pop(&e->q)))
        tvc__waitq_fire(n);
    pthread_mutex_unlock(&e->mu);
}

void tvc_event_clear(tvc_event *e)
{
    pthread_mutex_lock(&e->mu);
    e->set = 0;
    pthread_mutex_unlock(&e->mu);
}

int tvc_event_is_set(tvc_event *e)
{
    pthread_mutex_lock(&e->mu);
    int r = e->set;
    pthread_mutex_unlock(&e->mu);
    return r;
}

/* 0 once set, or -ECANCELED. */
int tvc_event_wait(tvc_event *e)
{
    int r = 0;
    pthread_mutex_lock(&e->mu);
    if (!e->set) {
        tvc__waitnode n;
        r = tvc__waitq_wait(&e->q, &e->mu, &n, -1, 0);
    }
    pthread_mutex_unlock(&e->mu);
    return r;
}

/* ---- condition ---------------------------------------------------------- */

int tvc_cond_new(tvc_cond **out, tvc_lock *l)
{
    tvc_cond *c = calloc(1, sizeof *c);
    if (!c)
        return -ENOMEM;
    pthread_mutex_init(&c->mu, NULL);
    c->lock = l;
    *out = c;
    return 0;
}

void tvc_cond_free(tvc_cond *c)
{
    pthread_mutex_destroy(&c->mu);
    free(c);
}

/* 0 when notified, -ECANCELED, or TVC_EINVALSTATE if the lock is not
 * held.  The lock is held again on return in the first two cases. */
int tvc_cond_wait(tvc_cond *c)
{
    pthread_mutex_lock(&c->mu);
    if (!tvc_lock_locked(c->lock)) {
        pthread_mutex_unlock(&c->mu);
        return TVC_EINVALSTATE;
    }
    /* Released while c->mu is held: a notifier (who must take the lock
     * first) cannot slip in before we are queued. */
    tvc_lock_release(c->lock);
    tvc__waitnode n;
    int r = tvc__waitq_wait(&c->q, &c->mu, &n, -1, 0);
    pthread_mutex_unlock(&c->mu);
    /* The contract says the lock is held on return, cancelled or not. */
    lock_acquire(c->lock, TVC__PARK_UNINTERRUPTIBLE);
    return r;
}

/* Wakes up to n waiters: how many it woke, or TVC_EINVALSTATE if the lock
 * is not held. */
int tvc_cond_notify(tvc_cond *c, int n)
{
    if (!tvc_lock_locked(c->lock))
        return TVC_EINVALSTATE;
    pthread_mutex_lock(&c->mu);
    tvc__waitnode *node;
    int woke = 0;
    for (; woke < n && (node = tvc__waitq_pop(&c->q)); woke++)
        tvc__waitq_fire(node);
    pthread_mutex_unlock(&c->mu);
    return woke;
}

int tvc_cond_notify_all(tvc_cond *c)
{
    return tvc_cond_notify(c, INT_MAX);
}

/* ---- semaphore ---------------------------------------------------------- */

/* 0, -EINVAL for a negative value, or -ENOMEM. */
int tvc_sem_new(tvc_sem **out, int value, int bounded)
{
    if (value < 0)
        return -EINVAL;
    tvc_sem *s = calloc(1, sizeof *s);
    if (!s)
        return -ENOMEM;
    pthread_mutex_init(&s->mu, NULL);
    s->value = s->initial = value;
    s->bounded = bounded;
    *out = s;
    return 0;
}

void tvc_sem_free(tvc_sem *s)
{
    pthread_mutex_destroy(&s->mu);
    free(s);
}

/* 0 or -ECANCELED. */
int tvc_sem_acquire(tvc_sem *s)
{
    int r = 0;
    pthread_mutex_lock(&s->mu);
    if (s->value > 0) {
        s->value--;
    } else {
        tvc__waitnode n;
        r = tvc__waitq_wait(&s->q, &s->mu, &n, -1, 0);
    }
    pthread_mutex_unlock(&s->mu);
    return r;
}

/* 0, or -EOVERFLOW when a bounded semaphore would pass its initial
 * value. */
int tvc_sem_release(tvc_sem *s)
{
    int r = 0;
    pthread_mutex_lock(&s->mu);
    tvc__waitnode *n = tvc__waitq_pop(&s->q);
    if (n)
        tvc__waitq_fire(n);
    else if (s->bounded && s->value >= s->initial)
        r = -EOVERFLOW;
    else
        s->value++;
    pthread_mutex_unlock(&s->mu);
    return r;
}

/* True when an acquire would wait. */
int tvc_sem_locked(tvc_sem *s)
{
    pthread_mutex_lock(&s->mu);
    int r = s->value == 0;
    pthread_mutex_unlock(&s->mu);
    return r;
}
