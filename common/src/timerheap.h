/*
 * The reactor's timer heap: a 4-ary min-heap over caller-owned
 * tvc_rx_timer structs, ordered by (deadline, seq) so equal deadlines fire
 * in start order and runs repeat.
 *
 * Layout.  Each entry carries its timer's deadline beside the pointer, so
 * sifting compares within the array instead of visiting timers scattered
 * over the heap (with 100,000 timers that was a cache miss per
 * comparison); only equal deadlines look at the timers' seq.  An entry is
 * 16 bytes and the array is placed so that the four children of a node
 * share one 64-byte cache line: a removal from 100,000 timers touches one
 * line per level, where 24-byte entries touched two.
 *
 * Cost.  Each timer keeps its position + 1 in its slot field, which makes
 * removal O(log n) without a search.  The array grows by doubling, so
 * arming a timer allocates only when the heap reaches a size it never had
 * before.
 */
#ifndef TVC_TIMERHEAP_H
#define TVC_TIMERHEAP_H

#include <stddef.h>
#include <stdint.h>

#include "tvc/reactor.h"

/* One heap entry: the timer's deadline, copied, and the timer. */
typedef struct tvc__timerent {
    int64_t deadline;
    tvc_rx_timer *t;
} tvc__timerent;

typedef struct tvc__timerheap {
    tvc__timerent *a; /* a[0] is the earliest; heap, cap entries */
    void *mem;        /* the allocation a lies in (a[1] line-aligned) */
    uint32_t n;       /* armed timers */
    uint32_t cap;     /* entries allocated */
} tvc__timerheap;

void tvc__timerheap_init(tvc__timerheap *h);
void tvc__timerheap_free(tvc__timerheap *h);
/* Inserts t (not armed: slot 0) by its deadline and seq.  0 or
 * -ENOMEM. */
int tvc__timerheap_push(tvc__timerheap *h, tvc_rx_timer *t);
/* Removes an armed t and zeroes its slot. */
void tvc__timerheap_remove(tvc__timerheap *h, tvc_rx_timer *t);

/* The earliest timer, or NULL when empty. */
static inline tvc_rx_timer *tvc__timerheap_min(const tvc__timerheap *h)
{
    return h->n ? h->a[0].t : NULL;
}

#endif
