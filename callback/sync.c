/*
 * Loop-local synchronisation: event, lock, condition and semaphore.  A
 * waiter is the node inside its task (t->u.list), linked FIFO into the
 * primitive's list, so waiting allocates nothing.  Granting unlinks the
 * node and completes the task; a cancel unlinks it and completes it with
 * -ECANCELED.  A lock released with waiters passes straight to the first
 * one, so a newcomer cannot overtake it.
 */
#include <errno.h>
#include <stdlib.h>

#include "internal.h"

struct tvc_cb_event {
    tvc__cb_node waiters;
    int set;
};

struct tvc_cb_lock {
    tvc__cb_node waiters; /* acquirers and cond waiters re-locking */
    int locked;
};

struct tvc_cb_cond {
    tvc__cb_node waiters;
    tvc_cb_lock *lock;
};

struct tvc_cb_sem {
    tvc__cb_node waiters;
    int value;
    int initial; /* the bound, when bounded */
    int bounded;
};

static void wait_in(tvc_cb_task *t, tvc__cb_node *list, void *prim)
{
    t->u.list.prim = prim;
    tvc__cb_list_push(list, &t->u.list.node);
}

/* ---- event ------------------------------------------------------------- */

int tvc_cb_event_new(tvc_cb_event **out)
{
    tvc_cb_event *e = calloc(1, sizeof *e);
    if (!e)
        return -ENOMEM;
    tvc__cb_list_init(&e->waiters);
    *out = e;
    return 0;
}

void tvc_cb_event_free(tvc_cb_event *e)
{
    free(e);
}

void tvc_cb_event_set(tvc_cb_event *e)
{
    e->set = 1;
    while (!tvc__cb_list_empty(&e->waiters))
        tvc__cb_complete(tvc__cb_waiter_pop(&e->waiters), 0);
}

void tvc_cb_event_clear(tvc_cb_event *e)
{
    e->set = 0;
}

int tvc_cb_event_is_set(const tvc_cb_event *e)
{
    return e->set;
}

void tvc_cb_event_wait(tvc_cb_task *t, tvc_cb_event *e, tvc_cb_fn *k)
{
    if (TVC__CB_BEGIN(t, TVC__OP_LIST, TVC__K_STATUS, k))
        return;
    if (e->set)
        tvc__cb_complete(t, 0);
    else
        wait_in(t, &e->waiters, e);
}

/* ---- lock -------------------------------------------------------------- */

int tvc_cb_lock_new(tvc_cb_lock **out)
{
    tvc_cb_lock *l = calloc(1, sizeof *l);
    if (!l)
        return -ENOMEM;
    tvc__cb_list_init(&l->waiters);
    *out = l;
    return 0;
}

void tvc_cb_lock_free(tvc_cb_lock *l)
{
    free(l);
}

/* Takes the lock for t, or queues t; t then completes with status. */
static void lock_take(tvc_cb_task *t, tvc_cb_lock *l, int status)
{
    if (!l->locked) {
        l->locked = 1;
        tvc__cb_complete(t, status);
        return;
    }
    t->status = status; /* delivered when the lock comes (release) */
    wait_in(t, &l->waiters, l);
}

void tvc_cb_lock_acquire(tvc_cb_task *t, tvc_cb_lock *l, tvc_cb_fn *k)
{
    if (TVC__CB_BEGIN(t, TVC__OP_LIST, TVC__K_STATUS, k))
        return;
    lock_take(t, l, 0);
}

int tvc_cb_lock_release(tvc_cb_lock *l)
{
    if (!l->locked)
        return TVC_EINVALSTATE;
    if (tvc__cb_list_empty(&l->waiters)) {
        l->locked = 0;
        return 0;
    }
    tvc_cb_task *t = tvc__cb_waiter_pop(&l->waiters);
    tvc__cb_complete(t, t->op == TVC__OP_RELOCK ? t->status : 0);
    return 0;
}

int tvc_cb_lock_locked(const tvc_cb_lock *l)
{
    return l->locked;
}

/* ---- condition --------------------------------------------------------- */

int tvc_cb_cond_new(tvc_cb_cond **out, tvc_cb_lock *l)
{
    tvc_cb_cond *c = calloc(1, sizeof *c);
    if (!c)
        return -ENOMEM;
    tvc__cb_list_init(&c->waiters);
    c->lock = l;
    *out = c;
    return 0;
}

void tvc_cb_cond_free(tvc_cb_cond *c)
{
    free(c);
}

/* Out of the condition's list; back to the lock with status. */
static void cond_relock(tvc_cb_task *t, tvc_cb_cond *c, int status)
{
    tvc__cb_list_unlink(&t->u.list.node);
    t->op = TVC__OP_RELOCK;
    lock_take(t, c->lock, status);
}

void tvc_cb_cond_wait(tvc_cb_task *t, tvc_cb_cond *c, tvc_cb_fn *k)
{
    if (!c->lock->locked) {
        if (!TVC__CB_BEGIN(t, TVC__OP_COND, TVC__K_STATUS, k))
            tvc__cb_complete(t, TVC_EINVALSTATE);
        return;
    }
    if (TVC__CB_BEGIN(t, TVC__OP_COND, TVC__K_STATUS, k)) {
        /* Cancelled before waiting: the lock stays held, as promised. */
        return;
    }
    wait_in(t, &c->waiters, c);
    tvc_cb_lock_release(c->lock);
}

int tvc_cb_cond_notify(tvc_cb_cond *c, int n)
{
    /* Locks have no owner here: held means locked (cb.h). */
    if (!c->lock->locked)
        return TVC_EINVALSTATE;
    int woken = 0;
    while (woken < n && !tvc__cb_list_empty(&c->waiters)) {
        tvc_cb_task *t =
            TVC__CONTAINER(c->waiters.next, tvc_cb_task, u.list.node);
        cond_relock(t, c, 0);
        woken++;
    }
    return woken;
}

int tvc_cb_cond_notify_all(tvc_cb_cond *c)
{
    return tvc_cb_cond_notify(c, 1 << 30);
}

/* ---- semaphore --------------------------------------------------------- */

int tvc_cb_sem_new(tvc_cb_sem **out, int value, int bounded)
{
    if (value < 0)
        return -EINVAL;
    tvc_cb_sem *s = calloc(1, sizeof *s);
    if (!s)
        return -ENOMEM;
    tvc__cb_list_init(&s->waiters);
    s->value = s->initial = value;
    s->bounded = bounded;
    *out = s;
    return 0;
}

void tvc_cb_sem_free(tvc_cb_sem *s)
{
    free(s);
}

void tvc_cb_sem_acquire(tvc_cb_task *t, tvc_cb_sem *s, tvc_cb_fn *k)
{
    if (TVC__CB_BEGIN(t, TVC__OP_LIST, TVC__K_STATUS, k))
        return;
    if (s->value > 0 && tvc__cb_list_empty(&s->waiters)) {
        s->value--;
        tvc__cb_complete(t, 0);
        return;
    }
    wait_in(t, &s->waiters, s);
}

int tvc_cb_sem_release(tvc_cb_sem *s)
{
    if (!tvc__cb_list_empty(&s->waiters)) {
        tvc__cb_complete(tvc__cb_waiter_pop(&s->waiters), 0);
        return 0;
    }
    if (s->bounded && s->value >= s->initial)
        return -EOVERFLOW;
    s->value++;
    return 0;
}

int tvc_cb_sem_locked(const tvc_cb_sem *s)
{
    return s->value == 0;
}

/* ---- cancellation ------------------------------------------------------ */

void tvc__cb_cancel_list(tvc_cb_task *t)
{
    switch (t->op) {
    case TVC__OP_LIST:
        tvc__cb_list_unlink(&t->u.list.node);
        tvc__cb_complete(t, -ECANCELED);
        return;
    case TVC__OP_COND:
        /* The lock must be held again before the task hears of it. */
        cond_relock(t, t->u.list.prim, -ECANCELED);
        return;
    case TVC__OP_RELOCK:
        t->status = -ECANCELED;
        return;
    }
    abort(); /* tvc_cb_task_cancel dispatches only these three here */
}
