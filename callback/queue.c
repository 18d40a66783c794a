/*
 * The queue (asyncio.Queue): a ring of items that grows by doubling, and
 * two wait lists of tasks, getters and putters.  An item put while a
 * getter waits goes straight to it; a get from a full queue lets the
 * first waiting putter in.  A putter's item rides in its task node.
 */
#include <errno.h>
#include <stdlib.h>

#include "internal.h"

struct tvc_cb_queue {
    void **items; /* ring of cap entries */
    size_t head;  /* first item */
    size_t count;
    size_t cap;
    size_t maxsize;       /* 0: unbounded */
    tvc__cb_node getters; /* waiting while empty */
    tvc__cb_node putters; /* waiting while full, item in u.list.item */
};

#define QUEUE_FIRST_CAP 16

int tvc_cb_queue_new(tvc_cb_queue **out, size_t maxsize)
{
    tvc_cb_queue *q = calloc(1, sizeof *q);
    if (!q)
        return -ENOMEM;
    tvc__cb_list_init(&q->getters);
    tvc__cb_list_init(&q->putters);
    q->maxsize = maxsize;
    *out = q;
    return 0;
}

void tvc_cb_queue_free(tvc_cb_queue *q)
{
    free(q->items);
    free(q);
}

size_t tvc_cb_queue_size(const tvc_cb_queue *q)
{
    return q->count;
}

static int full(const tvc_cb_queue *q)
{
    return q->maxsize && q->count >= q->maxsize;
}

static int push(tvc_cb_queue *q, void *item)
{
    if (q->count == q->cap) {
        size_t cap = q->cap ? 2 * q->cap : QUEUE_FIRST_CAP;
        void **items = malloc(cap * sizeof *items);
        if (!items)
            return -ENOMEM;
        for (size_t i = 0; i < q->count; i++)
            items[i] = q->items[(q->head + i) % q->cap];
        free(q->items);
        q->items = items;
        q->head = 0;
        q->cap = cap;
    }
    q->items[(q->head + q->count) % q->cap] = item;
    q->count++;
    return 0;
}

static void *pop(tvc_cb_queue *q)
{
    void *item = q->items[q->head];
    q->head = (q->head + 1) % q->cap;
    q->count--;
    return item;
}

/* A slot opened: the first waiting putter's item goes in. */
static void admit_putter(tvc_cb_queue *q)
{
    if (tvc__cb_list_empty(&q->putters) || full(q))
        return;
    tvc_cb_task *p = tvc__cb_waiter_pop(&q->putters);
    tvc__cb_complete(p, push(q, p->u.list.item));
}

int tvc_cb_queue_put_nowait(tvc_cb_queue *q, void *item)
{
    if (!tvc__cb_list_empty(&q->getters)) {
        tvc__cb_complete_value(tvc__cb_waiter_pop(&q->getters), 0, item);
        return 0;
    }
    if (full(q))
        return -EAGAIN;
    return push(q, item);
}

int tvc_cb_queue_get_nowait(tvc_cb_queue *q, void **item)
{
    if (q->count == 0)
        return -EAGAIN;
    *item = pop(q);
    admit_putter(q);
    return 0;
}

void tvc_cb_queue_put(tvc_cb_task *t, tvc_cb_queue *q, void *item, tvc_cb_fn *k)
{
    if (TVC__CB_BEGIN(t, TVC__OP_LIST, TVC__K_STATUS, k))
        return;
    int err = tvc_cb_queue_put_nowait(q, item);
    if (err != -EAGAIN) {
        tvc__cb_complete(t, err);
        return;
    }
    t->u.list.prim = q;
    t->u.list.item = item;
    tvc__cb_list_push(&q->putters, &t->u.list.node);
}

void tvc_cb_queue_get(tvc_cb_task *t, tvc_cb_queue *q, tvc_cb_value_fn *k)
{
    if (TVC__CB_BEGIN(t, TVC__OP_LIST, TVC__K_VALUE, k))
        return;
    void *item;
    if (tvc_cb_queue_get_nowait(q, &item) == 0) {
        tvc__cb_complete_value(t, 0, item);
        return;
    }
    t->u.list.prim = q;
    tvc__cb_list_push(&q->getters, &t->u.list.node);
}
