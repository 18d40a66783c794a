/*
 * The timer heap (timerheap.h): the usual array heap with sift-up and
 * sift-down, keeping each timer's slot equal to its index + 1.
 */
#include "timerheap.h"

#include <errno.h>
#include <stdlib.h>

/* Entries of the first allocation. */
#define HEAP_MIN_CAP 64

static int earlier(const tvc_rx_timer *x, const tvc_rx_timer *y)
{
    if (x->deadline != y->deadline)
        return x->deadline < y->deadline;
    return x->seq < y->seq;
}

static void place(tvc__timerheap *h, uint32_t i, tvc_rx_timer *t)
{
    h->a[i] = t;
    t->slot = i + 1;
}

static void sift_up(tvc__timerheap *h, uint32_t i, tvc_rx_timer *t)
{
    while (i > 0) {
        uint32_t parent = (i - 1) / 2;
        if (!earlier(t, h->a[parent]))
            break;
        place(h, i, h->a[parent]);
        i = parent;
    }
    place(h, i, t);
}

static void sift_down(tvc__timerheap *h, uint32_t i, tvc_rx_timer *t)
{
    for (;;) {
        uint32_t child = 2 * i + 1;
        if (child >= h->n)
            break;
        if (child + 1 < h->n && earlier(h->a[child + 1], h->a[child]))
            child++;
        if (!earlier(h->a[child], t))
            break;
        place(h, i, h->a[child]);
        i = child;
    }
    place(h, i, t);
}

void tvc__timerheap_init(tvc__timerheap *h)
{
    h->a = NULL;
    h->n = h->cap = 0;
}

void tvc__timerheap_free(tvc__timerheap *h)
{
    for (uint32_t i = 0; i < h->n; i++)
        h->a[i]->slot = 0;
    free(h->a);
    tvc__timerheap_init(h);
}

int tvc__timerheap_push(tvc__timerheap *h, tvc_rx_timer *t)
{
    if (h->n == h->cap) {
        uint32_t cap = h->cap ? h->cap * 2 : HEAP_MIN_CAP;
        if (cap <= h->cap)
            return -ENOMEM;
        tvc_rx_timer **a = realloc(h->a, (size_t)cap * sizeof *a);
        if (!a)
            return -ENOMEM;
        h->a = a;
        h->cap = cap;
    }
    sift_up(h, h->n++, t);
    return 0;
}

void tvc__timerheap_remove(tvc__timerheap *h, tvc_rx_timer *t)
{
    uint32_t i = t->slot - 1;
    t->slot = 0;
    tvc_rx_timer *last = h->a[--h->n];
    if (last == t)
        return;
    /* The last timer fills the hole and moves whichever way it must. */
    if (i > 0 && earlier(last, h->a[(i - 1) / 2]))
        sift_up(h, i, last);
    else
        sift_down(h, i, last);
}
