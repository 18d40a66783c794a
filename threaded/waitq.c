/*
 * A FIFO of parked waiters, for the primitives that hand something over:
 * lock ownership, a semaphore unit, a queue item, an event.  The owner's
 * mutex guards the queue; a waker pops a node and fires it while holding
 * that mutex, so a waiter that gives up (timeout, cancel) and takes the
 * mutex again sees exactly one of two things: its node still queued (it
 * removes it and reports the error) or its node fired (the hand-over
 * happened and it reports success; a cancel that raced stays pending for
 * the next wait).  Nothing is ever handed to a waiter that left.
 */
#include "internal.h"

#include <errno.h>

static void unlink_node(tvc__waitq *q, tvc__waitnode *n)
{
    if (n->prev)
        n->prev->next = n->next;
    else
        q->head = n->next;
    if (n->next)
        n->next->prev = n->prev;
    else
        q->tail = n->prev;
    n->prev = n->next = NULL;
}

int tvc__waitq_wait(tvc__waitq *q, pthread_mutex_t *mu, tvc__waitnode *n,
                    int64_t deadline, int flags)
{
    if (!tvc__in_run())
        return TVC_EINVALSTATE; /* nothing would ever wake it */
    n->w = tvc__waiter_self();
    atomic_init(&n->fired, 0);
    n->next = NULL;
    n->prev = q->tail;
    if (q->tail)
        q->tail->next = n;
    else
        q->head = n;
    q->tail = n;
    pthread_mutex_unlock(mu);

    int r = tvc__park(n->w, &n->fired, deadline, flags);

    pthread_mutex_lock(mu);
    if (r == 0 || atomic_load(&n->fired))
        return 0;
    unlink_node(q, n);
    if (r == -ECANCELED)
        tvc__cancel_take(n->w);
    return r;
}

tvc__waitnode *tvc__waitq_pop(tvc__waitq *q)
{
    tvc__waitnode *n = q->head;
    if (n)
        unlink_node(q, n);
    return n;
}

void tvc__waitq_fire(tvc__waitnode *n)
{
    tvc__waiter_fire(n->w, &n->fired);
}
