/*
 * The queue: a ring of item pointers behind a mutex, with two FIFOs of
 * parked waiters.  A put that finds a getter waiting hands the item
 * straight to it; a get that frees a slot of a full queue moves the first
 * waiting putter's item in.  So getters wait only while the ring is empty
 * and putters only while it is full, and items keep their order.
 */
#include "internal.h"

#include <errno.h>
#include <stdlib.h>

/* Slots allocated at the first put; the ring doubles from there. */
enum { RING_FIRST_CAP = 8 };

struct tvc_queue {
    pthread_mutex_t mu; /* guards everything below */
    size_t maxsize;     /* 0: unbounded */
    void **ring;        /* cap slots, allocated on demand */
    size_t cap, head, count;
    tvc__waitq getters; /* waiting while empty */
    tvc__waitq putters; /* waiting while full; node->item is theirs */
};

int tvc_queue_new(tvc_queue **out, size_t maxsize)
{
    tvc_queue *q = calloc(1, sizeof *q);
    if (!q)
        return -ENOMEM;
    pthread_mutex_init(&q->mu, NULL);
    q->maxsize = maxsize;
    *out = q;
    return 0;
}

void tvc_queue_free(tvc_queue *q)
{
    pthread_mutex_destroy(&q->mu);
    free(q->ring);
    free(q);
}

/* Appends to the ring, growing it: 0 or -ENOMEM. */
static int ring_push(tvc_queue *q, void *item)
{
    if (q->count == q->cap) {
        size_t cap = q->cap ? 2 * q->cap : RING_FIRST_CAP;
        if (q->maxsize && cap > q->maxsize)
            cap = q->maxsize;
        void **ring = malloc(cap * sizeof *ring);
        if (!ring)
            return -ENOMEM;
        for (size_t i = 0; i < q->count; i++)
            ring[i] = q->ring[(q->head + i) % q->cap];
        free(q->ring);
        q->ring = ring;
        q->cap = cap;
        q->head = 0;
    }
    q->ring[(q->head + q->count) % q->cap] = item;
    q->count++;
    return 0;
}

/* With q->mu held: 0, -EAGAIN if full, or -ENOMEM. */
static int put_locked(tvc_queue *q, void *item)
{
    tvc__waitnode *n = tvc__waitq_pop(&q->getters);
    if (n) {
        n->item = item;
        tvc__waitq_fire(n);
        return 0;
    }
    if (q->maxsize && q->count >= q->maxsize)
        return -EAGAIN;
    return ring_push(q, item);
}

/* With q->mu held: 0 and *item, or -EAGAIN if empty. */
static int get_locked(tvc_queue *q, void **item)
{
    if (q->count == 0)
        return -EAGAIN;
    *item = q->ring[q->head];
    q->head = (q->head + 1) % q->cap;
    q->count--;
    tvc__waitnode *n = tvc__waitq_pop(&q->putters);
    if (n) {
        /* A slot was just freed, so this cannot fail. */
        ring_push(q, n->item);
        tvc__waitq_fire(n);
    }
    return 0;
}

/* 0, -ECANCELED, or -ENOMEM. */
int tvc_queue_put(tvc_queue *q, void *item)
{
    pthread_mutex_lock(&q->mu);
    int r = put_locked(q, item);
    if (r == -EAGAIN) {
        tvc__waitnode n = {.item = item};
        r = tvc__waitq_wait(&q->putters, &q->mu, &n, -1, 0);
    }
    pthread_mutex_unlock(&q->mu);
    return r;
}

/* 0 and *item, or -ECANCELED. */
int tvc_queue_get(tvc_queue *q, void **item)
{
    pthread_mutex_lock(&q->mu);
    int r = get_locked(q, item);
    if (r == -EAGAIN) {
        tvc__waitnode n = {.item = NULL};
        r = tvc__waitq_wait(&q->getters, &q->mu, &n, -1, 0);
        if (r == 0)
            *item = n.item;
    }
    pthread_mutex_unlock(&q->mu);
    return r;
}

/* 0, -EAGAIN if full, or -ENOMEM. */
int tvc_queue_put_nowait(tvc_queue *q, void *item)
{
    pthread_mutex_lock(&q->mu);
    int r = put_locked(q, item);
    pthread_mutex_unlock(&q->mu);
    return r;
}

/* 0 and *item, or -EAGAIN if empty. */
int tvc_queue_get_nowait(tvc_queue *q, void **item)
{
    pthread_mutex_lock(&q->mu);
    int r = get_locked(q, item);
    pthread_mutex_unlock(&q->mu);
    return r;
}

size_t tvc_queue_size(tvc_queue *q)
{
    pthread_mutex_lock(&q->mu);
    size_t n = q->count;
    pthread_mutex_unlock(&q->mu);
    return n;
}
