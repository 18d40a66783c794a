/*
 * The stack pool (see stack.h for the layout and the guard strategy).
 */
#include "stack.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "fiber_hooks.h"

#ifndef MADV_GUARD_INSTALL
#define MADV_GUARD_INSTALL 102 /* Linux 6.13 uapi; older headers lack it */
#endif

/* Virtual bytes per arena: large enough that a million stacks take about
 * a thousand mappings, small enough that a short test reserves little. */
#define ARENA_BYTES ((size_t)64 << 20)

/* The header in the top cache line of each slot. */
struct hdr {
    void *next;      /* free-list link while pooled */
    unsigned vg_id;  /* Valgrind stack id */
    unsigned colour; /* start offset, in cache lines */
};

static size_t page_size(void)
{
    static size_t ps;
    if (!ps)
        ps = (size_t)sysconf(_SC_PAGESIZE);
    return ps;
}

static struct hdr *hdr_of(const tvc__stack_pool *p, char *lo)
{
    return (struct hdr *)(lo + p->size - TVC__STACK_HDR);
}

void tvc__stack_pool_init(tvc__stack_pool *p, size_t size)
{
    size_t ps = page_size();
    if (size == 0)
        size = TVC__STACK_DEFAULT;
    /* Room for the header, the widest colour and a context frame. */
    if (size < 4 * ps)
        size = 4 * ps;
    *p = (tvc__stack_pool){0};
    p->size = (size + ps - 1) / ps * ps;
    p->slot = p->size + ps;
    p->per_arena = ARENA_BYTES / p->slot;
    if (p->per_arena == 0)
        p->per_arena = 1;
}

void tvc__stack_pool_destroy(tvc__stack_pool *p)
{
    size_t bytes = p->per_arena * p->slot;
    for (size_t i = 0; i < p->narenas; i++) {
        char *a = p->arenas[i];
        /* Only the newest arena may be partly carved. */
        char *end = i + 1 == p->narenas ? p->carve : a + bytes;
        for (char *s = a; s < end; s += p->slot)
            tvc__valgrind_forget(hdr_of(p, s + page_size())->vg_id);
        munmap(a, bytes);
    }
    free(p->arenas);
    *p = (tvc__stack_pool){0};
}

static int new_arena(tvc__stack_pool *p)
{
    if (p->narenas == p->caparenas) {
        size_t cap = p->caparenas ? 2 * p->caparenas : 16;
        char **a = realloc(p->arenas, cap * sizeof *a);
        if (!a)
            return -ENOMEM;
        p->arenas = a;
        p->caparenas = cap;
    }
    size_t bytes = p->per_arena * p->slot;
    char *a = mmap(NULL, bytes, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (a == MAP_FAILED)
        return -ENOMEM;
    p->arenas[p->narenas++] = a;
    p->carve = a;
    p->carve_end = a + bytes;
    return 0;
}

static int install_guard(tvc__stack_pool *p, char *guard)
{
    size_t ps = page_size();
    if (!p->mprotect_guards) {
        if (madvise(guard, ps, MADV_GUARD_INSTALL) == 0)
            return 0;
        if (errno != EINVAL)
            return -ENOMEM;
        p->mprotect_guards = 1; /* kernel older than 6.13 */
    }
    if (mprotect(guard, ps, PROT_NONE) == 0)
        return 0;
    /* ENOMEM from mprotect here means the split would pass
     * vm.max_map_count. */
    return -EAGAIN;
}

int tvc__stack_get(tvc__stack_pool *p, char **lo)
{
    if (p->free) {
        char *s = p->free;
        /* The free list links headers; step back to the stack's start. */
        *lo = s - (p->size - TVC__STACK_HDR);
        p->free = ((struct hdr *)s)->next;
        p->in_use++;
        return 0;
    }
    if (p->carve == p->carve_end) {
        int r = new_arena(p);
        if (r < 0)
            return r;
    }
    char *guard = p->carve;
    int r = install_guard(p, guard);
    if (r < 0)
        return r;
    p->carve += p->slot;
    char *s = guard + page_size();
    struct hdr *h = hdr_of(p, s);
    h->next = NULL;
    h->colour = (unsigned)(p->carved++ % TVC__STACK_COLOURS);
    h->vg_id = tvc__valgrind_register(s, s + p->size);
    p->in_use++;
    *lo = s;
    return 0;
}

void tvc__stack_put(tvc__stack_pool *p, char *lo)
{
    struct hdr *h = hdr_of(p, lo);
    h->next = p->free;
    p->free = h;
    p->in_use--;
}

char *tvc__stack_top(const tvc__stack_pool *p, char *lo)
{
    struct hdr *h = hdr_of(p, lo);
    return (char *)h - (size_t)h->colour * 64;
}

void tvc__stack_smashed(const char *lo)
{
    fprintf(stderr,
            "tvc: coroutine stack overflow: the canary at the stack limit "
            "%p was overwritten (a frame larger than the guard page?); "
            "raise tvc_run_opts.stack_size\n",
            (const void *)lo);
    abort();
}
