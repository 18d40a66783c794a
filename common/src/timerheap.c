/*
 * The timer heap (timerheap.h): a 4-ary array heap with sift-up and
 * sift-down, keeping each timer's slot equal to its index + 1.
 */
#include "timerheap.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* Entries of the first allocation. */
#define HEAP_MIN_CAP 64
/* Children per node. */
#define ARITY 4
/* The cache line the children of a node share: ARITY entries fill it. */
#define LINE 64
_Static_assert(ARITY * sizeof(tvc__timerent) == LINE,
               "the children of a node fill one cache line");

static int earlier(const tvc__timerent *x, const tvc__timerent *y)
{
    if (x->deadline != y->deadline)
        return x->deadline < y->deadline;
    return x->t->seq < y->t->seq;
}

static void place(tvc__timerheap *h, uint32_t i, tvc__timerent e)
{
    h->a[i] = e;
    e.t->slot = i + 1;
}

static void sift_up(tvc__timerheap *h, uint32_t i, tvc__timerent e)
{
    while (i > 0) {
        uint32_t parent = (i - 1) / ARITY;
        if (!earlier(&e, &h->a[parent]))
            break;
        place(h, i, h->a[parent]);
        i = parent;
    }
    place(h, i, e);
}

static void sift_down(tvc__timerheap *h, uint32_t i, tvc__timerent e)
{
    for (;;) {
        uint32_t first = ARITY * i + 1;
        if (first >= h->n)
            break;
        uint32_t last = first + ARITY < h->n ? first + ARITY : h->n;
        uint32_t best = first;
        for (uint32_t c = first + 1; c < last; c++)
            if (earlier(&h->a[c], &h->a[best]))
                best = c;
        if (!earlier(&h->a[best], &e))
            break;
        place(h, i, h->a[best]);
        i = best;
    }
    place(h, i, e);
}

void tvc__timerheap_init(tvc__timerheap *h)
{
    h->a = NULL;
    h->mem = NULL;
    h->n = h->cap = 0;
}

void tvc__timerheap_free(tvc__timerheap *h)
{
    for (uint32_t i = 0; i < h->n; i++)
        h->a[i].t->slot = 0;
    free(h->mem);
    tvc__timerheap_init(h);
}

/* Moves the heap into room for cap entries.  The children of node i are
 * a[ARITY*i + 1 .. ARITY*i + ARITY]: with a[1] on a line boundary, each
 * group of siblings is one line.  0 or -ENOMEM. */
static int grow(tvc__timerheap *h, uint32_t cap)
{
    /* a[0] ends the first line; cap is a power of two >= ARITY, so the
     * size is a multiple of LINE, as aligned_alloc wants. */
    size_t skip = LINE - sizeof(tvc__timerent);
    void *mem = aligned_alloc(LINE, (size_t)cap * sizeof *h->a + LINE);
    if (!mem)
        return -ENOMEM;
    tvc__timerent *a = (tvc__timerent *)((char *)mem + skip);
    if (h->n)
        memcpy(a, h->a, (size_t)h->n * sizeof *a);
    free(h->mem);
    h->mem = mem;
    h->a = a;
    h->cap = cap;
    return 0;
}

int tvc__timerheap_push(tvc__timerheap *h, tvc_rx_timer *t)
{
    if (h->n == h->cap) {
        uint32_t cap = h->cap ? h->cap * 2 : HEAP_MIN_CAP;
        if (cap <= h->cap || grow(h, cap) < 0)
            return -ENOMEM;
    }
    tvc__timerent e = {t->deadline, t};
    sift_up(h, h->n++, e);
    return 0;
}

void tvc__timerheap_remove(tvc__timerheap *h, tvc_rx_timer *t)
{
    uint32_t i = t->slot - 1;
    t->slot = 0;
    tvc__timerent last = h->a[--h->n];
    if (last.t == t)
        return;
    /* The last entry fills the hole and moves whichever way it must. */
    if (i > 0 && earlier(&last, &h->a[(i - 1) / ARITY]))
        sift_up(h, i, last);
    else
        sift_down(h, i, last);
}
