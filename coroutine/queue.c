/*
 * The bounded queue for coroutines: a growing ring buffer with a waiter
 * list for getters and one for putters.  All run on the loop's thread, so
 * the state needs no atomics.  Waiters are only woken and check again, as
 * in asyncio.
 */
#include <errno.h>
#include <stdlib.h>

#include "internal.h"

struct tvc_queue {
    void **items;       /* ring buffer of cap slots */
    size_t cap;         /* slots allocated */
    size_t head, len;   /* first item, items held */
    size_t maxsize;     /* 0: unbounded */
    tvc__waitq getters; /* tasks waiting for an item */
    tvc__waitq putters; /* tasks waiting for room */
};

int tvc_queue_new(tvc_queue **out, size_t maxsize)
{
    if (!(*out = calloc(1, sizeof **out)))
        return -ENOMEM;
    (*out)->maxsize = maxsize;
    return 0;
}

void tvc_queue_free(tvc_queue *q)
{
    if (!q)
        return;
    free(q->items);
    free(q);
}

static int grow(tvc_queue *q)
{
    size_t cap = q->cap ? 2 * q->cap : 8;
    void **items = malloc(cap * sizeof *items);
    if (!items)
        return -ENOMEM;
    for (size_t i = 0; i < q->len; i++)
        items[i] = q->items[(q->head + i) % q->cap];
    free(q->items);
    q->items = items;
    q->cap = cap;
    q->head = 0;
    return 0;
}

int tvc_queue_put_nowait(tvc_queue *q, void *item)
{
    if (q->maxsize && q->len >= q->maxsize)
        return -EAGAIN;
    if (q->len == q->cap && grow(q) < 0)
        return -ENOMEM;
    q->items[(q->head + q->len) % q->cap] = item;
    q->len++;
    tvc__waitq_wake_one(&q->getters, 0);
    return 0;
}

int tvc_queue_get_nowait(tvc_queue *q, void **item)
{
    if (q->len == 0)
        return -EAGAIN;
    *item = q->items[q->head];
    q->head = (q->head + 1) % q->cap;
    q->len--;
    tvc__waitq_wake_one(&q->putters, 0);
    return 0;
}

int tvc_queue_put(tvc_queue *q, void *item)
{
    for (;;) {
        int r = tvc_queue_put_nowait(q, item);
        if (r != -EAGAIN)
            return r;
        r = tvc__waitq_wait(&q->putters, TVC_FOREVER);
        if (r < 0)
            return r;
    }
}

int tvc_queue_get(tvc_queue *q, void **item)
{
    for (;;) {
        int r = tvc_queue_get_nowait(q, item);
        if (r != -EAGAIN)
            return r;
        r = tvc__waitq_wait(&q->getters, TVC_FOREVER);
        if (r < 0)
            return r;
    }
}

size_t tvc_queue_size(tvc_queue *q)
{
    return q->len;
}
