/*
 * Coroutine stacks: pooled, carved from large arena mappings, each with a
 * guard page below it that costs no memory map of its own.
 *
 * A pool hands out stacks of one size.  Memory is reserved with
 * MAP_NORESERVE, so a stack costs only the pages it touches (an idle
 * coroutine: one).  Guards are installed with madvise(MADV_GUARD_INSTALL)
 * (Linux >= 6.13), which marks page-table entries and does not split the
 * arena's mapping; on an older kernel the pool falls back to
 * mprotect(PROT_NONE) guards, which split the mapping (about two maps per
 * stack, so vm.max_map_count caps that mode near 32k stacks).
 *
 * Layout of one slot, low to high:
 *   guard page | canary (16 zero bytes) ... stack ... | colour | header
 * The stack grows down from below the colour gap; the gap varies by slot
 * (0..15 cache lines) so the hot tops of stacks do not all land in the
 * same L1 sets.  The header (free-list link, Valgrind id) sits in the
 * top cache line, which is the page a live coroutine touches anyway.
 *
 * The canary is zeros: writing a magic value at the limit would make each
 * stack's lowest page resident (4 KiB per coroutine), while reading an
 * untouched page maps the kernel's shared zero page at no memory cost.
 * Legitimate code never reaches the lowest bytes: that is an overflow.
 *
 * A pool keeps every stack it carved, and the pages its tasks touched,
 * until it is destroyed at the end of tvc_run: after a burst of a million
 * tasks the memory stays with the pool for the next burst.
 */
#ifndef TVC_CORO_STACK_H
#define TVC_CORO_STACK_H

#include <stddef.h>
#include <stdint.h>

/* Default usable stack bytes (the page-rounded value of
 * tvc_run_opts.stack_size 0).  Sanitizers need more for their redzones. */
#if defined(TVC_SANITIZED)
#define TVC__STACK_DEFAULT (256 * 1024)
#else
#define TVC__STACK_DEFAULT (64 * 1024)
#endif

/* Bytes reserved at the top of each slot for the header. */
#define TVC__STACK_HDR 64
/* Colours: start offsets 0, 64, ..., 960 bytes below the header. */
#define TVC__STACK_COLOURS 16

typedef struct tvc__stack_pool {
    size_t size;          /* usable bytes per stack, page multiple */
    size_t slot;          /* guard page + size */
    size_t per_arena;     /* slots carved from one mapping */
    char *carve, *carve_end; /* next uncarved slot of the newest arena */
    void *free;           /* free stacks, linked through their headers */
    char **arenas;        /* every mapping, for unmapping */
    size_t narenas, caparenas;
    uint64_t carved;      /* slots ever carved (the colour sequence) */
    uint64_t in_use;      /* stacks handed out and not returned */
    int mprotect_guards;  /* 1 once MADV_GUARD_INSTALL was refused */
} tvc__stack_pool;

/* size 0 gives TVC__STACK_DEFAULT; rounded up to pages.  Maps nothing
 * yet. */
void tvc__stack_pool_init(tvc__stack_pool *p, size_t size);
/* Unmaps every arena; stacks still handed out become invalid. */
void tvc__stack_pool_destroy(tvc__stack_pool *p);

/* A stack: 0 and *lo (the lowest usable byte; the stack spans
 * [*lo, *lo + p->size)), or -ENOMEM (mmap refused) / -EAGAIN (the map
 * count limit). */
int tvc__stack_get(tvc__stack_pool *p, char **lo);
void tvc__stack_put(tvc__stack_pool *p, char *lo);

/* Where a coroutine's stack starts (16-byte aligned, below the colour
 * gap). */
char *tvc__stack_top(const tvc__stack_pool *p, char *lo);

/* Reports an overwritten canary and aborts. */
_Noreturn void tvc__stack_smashed(const char *lo);

/* Aborts with a message when the canary at lo is gone: the stack
 * overflowed past its limit without touching the guard page (a large
 * frame can jump over it). */
static inline void tvc__stack_check(const char *lo)
{
    const volatile uint64_t *c = (const volatile uint64_t *)lo;
    if (__builtin_expect((c[0] | c[1]) != 0, 0))
        tvc__stack_smashed(lo);
}

#endif
