/*
 * The future core (future.h): the exactly-once transition and the done
 * callback list that every runtime shares.
 *
 * Completion is two steps.  A completer first wins a compare-and-swap from
 * PENDING to an internal COMPLETING state, so exactly one of any number of
 * racing set_result/set_error/cancel calls goes on; it then writes result
 * and err and publishes the final state with a release store, so a reader
 * that sees the final state (acquire) also sees the value.  Losers that
 * catch the winner in between wait for the publication before they return
 * TVC_EINVALSTATE, so "my completion lost" always implies "done() is true".
 *
 * The callback list hand-over: the final state is stored and the list is
 * detached in one critical section (the spin bit when rt->threaded).  An
 * add_done_callback that still sees the future unpublished under the bit
 * appends, and the completer will run it; one that sees it published knows
 * the list was taken and schedules its callback itself.  Each callback is
 * therefore handed to the runtime exactly once, in registration order.
 * Once detached, the list is out of reach: remove_done_callback then finds
 * nothing, as in asyncio, where completion schedules every callback at once
 * and clears the list.
 *
 * Lifetime rule: a callback may only rely on the future being alive if its
 * registrant holds a reference until the callback has run (or has been
 * removed).  The completing call holds a temporary reference while it hands
 * callbacks out, so a callback run inline may drop the last reference its
 * registrant owned; a callback run later through rt->schedule is kept
 * alive by its registrant's reference alone.
 *
 * With rt->threaded == 0 every operation on a future must come from one
 * thread at a time: the spin bit is skipped, the reference count is
 * updated with plain loads and stores, and the state leaves PENDING by a
 * plain check and store, so the loop runtimes pay for no locked
 * instruction.
 *
 * The list: the first callback lives inline (most futures have one
 * waiter); from the second on, a table holds every slot in registration
 * order with a hash index on (fn, arg), so removing a callback costs the
 * same whether the future has ten waiters or a hundred thousand -- a mass
 * cancel of N awaits of one future is linear, not quadratic.  A removed
 * slot becomes a hole (fn NULL) that the hand-over skips; holes at the
 * end are trimmed at once, the rest squeezed out when they outnumber the
 * registered callbacks, so the table stays at most twice the live list.
 */
#include "tvc/future.h"

#include "tvc/errors.h"

#include <assert.h>
#include <errno.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>

/* Between winning the CAS and publishing the result; never visible through
 * the API (tvc_future_state_of reports it as pending). */
enum { COMPLETING = TVC_FUTURE_CANCELLED + 1 };

/* Pauses before giving the CPU away: the thread we wait for may have been
 * preempted, and on a 2-vCPU machine spinning through its whole time slice
 * only delays it further. */
enum { SPINS_BEFORE_YIELD = 64 };

/* Slots (the inline one counted) of a callback table at its first
 * allocation; most futures have one waiter, which needs no table. */
enum { TABLE_FIRST_CAP = 4 };
/* The most slots a table may have (a power of two, so the doubling lands
 * on it): slot numbers + 1 must fit the index's uint32_t. */
#define TABLE_MAX_CAP (UINT32_C(1) << 30)

/* The callback list past its first callback.  f->more points at e[], so
 * the table is found from it (table_of). */
typedef struct cb_table {
    uint32_t n;       /* slots in use, the inline one and holes included */
    uint32_t live;    /* slots whose callback is registered (not holes) */
    uint32_t cap;     /* slots the table has room for; a power of two */
    uint32_t *link;   /* per slot: the next slot + 1 in its bucket, 0 ends */
    uint32_t *bucket; /* per hash (cap of them): a slot + 1, or 0 */
    tvc_future_cbent e[]; /* slots 1 .. cap - 1; slot 0 is f->first */
} cb_table;

static void spin_pause(int *spins)
{
    if (++*spins < SPINS_BEFORE_YIELD) {
#if defined(__x86_64__) || defined(__i386__)
        __builtin_ia32_pause();
#elif defined(__aarch64__)
        __asm__ __volatile__("yield");
#endif
        return;
    }
    *spins = 0;
    sched_yield();
}

static void cbs_lock(tvc_future *f)
{
    if (!f->rt->threaded)
        return;
    int spins = 0;
    while (atomic_exchange_explicit(&f->lock, 1, memory_order_acquire)) {
        /* Wait on a plain load so waiters do not bounce the line. */
        while (atomic_load_explicit(&f->lock, memory_order_relaxed))
            spin_pause(&spins);
    }
}

static void cbs_unlock(tvc_future *f)
{
    if (f->rt->threaded)
        atomic_store_explicit(&f->lock, 0, memory_order_release);
}

static cb_table *table_of(tvc_future_cbent *more)
{
    return (cb_table *)(void *)((char *)more - offsetof(cb_table, e));
}

/* Callback i of the list: the first inline, the rest in `more`. */
static tvc_future_cbent *cb_slot(tvc_future *f, uint32_t i)
{
    return i == 0 ? &f->first : &f->more[i - 1];
}

/* Slots in use: the table's count, or the inline slot's. */
static uint32_t cb_count(const tvc_future *f)
{
    return f->more ? table_of(f->more)->n : f->ncb;
}

/* The table's bucket of (fn, arg): Fibonacci hashing of both words. */
static uint32_t cb_hash(const cb_table *t, tvc_future_cb *fn, void *arg)
{
    uint64_t k = ((uint64_t)(uintptr_t)fn * 0x9e3779b97f4a7c15ULL) ^
                 (uint64_t)(uintptr_t)arg;
    k *= 0xbf58476d1ce4e5b9ULL;
    return (uint32_t)(k >> 32) & (t->cap - 1);
}

static void index_insert(tvc_future *f, cb_table *t, uint32_t i)
{
    tvc_future_cbent *e = cb_slot(f, i);
    uint32_t h = cb_hash(t, e->fn, e->arg);
    t->link[i] = t->bucket[h];
    t->bucket[h] = i + 1;
}

/* Indexes every registered slot (the buckets are empty). */
static void index_fill(tvc_future *f, cb_table *t)
{
    for (uint32_t i = 0; i < t->n; i++)
        if (cb_slot(f, i)->fn)
            index_insert(f, t, i);
}

/* Empties the buckets.  Only those of registered slots can be in use
 * (removal unlinks), so this costs what filling does, not the table's
 * size. */
static void index_clear(tvc_future *f, cb_table *t)
{
    for (uint32_t i = 0; i < t->n; i++) {
        tvc_future_cbent *e = cb_slot(f, i);
        if (e->fn)
            t->bucket[cb_hash(t, e->fn, e->arg)] = 0;
    }
}

static void cb_run(tvc_future *f, tvc_future_cb *fn, void *arg)
{
    if (f->rt->schedule)
        f->rt->schedule(fn, f, arg);
    else
        fn(f, arg);
}

void tvc_future_init(tvc_future *f, const tvc_future_rt *rt, int flags)
{
    atomic_init(&f->state, TVC_FUTURE_PENDING);
    atomic_init(&f->refs, 1);
    atomic_init(&f->lock, 0);
    f->err = 0;
    f->flags = (uint16_t)flags;
    f->ncb = 0;
    f->result = NULL;
    f->rt = rt;
    f->first.fn = NULL;
    f->first.arg = NULL;
    f->more = NULL;
}

tvc_future *tvc_future_new(const tvc_future_rt *rt)
{
    tvc_future *f = malloc(sizeof *f);
    if (f)
        tvc_future_init(f, rt, 0);
    return f;
}

tvc_future *tvc_future_ref(tvc_future *f)
{
    if (f->rt->threaded) {
        atomic_fetch_add_explicit(&f->refs, 1, memory_order_relaxed);
    } else {
        int n = atomic_load_explicit(&f->refs, memory_order_relaxed);
        atomic_store_explicit(&f->refs, n + 1, memory_order_relaxed);
    }
    return f;
}

/* The last reference went: callbacks never run are dropped with the list.
 * An embedded future's storage belongs to the struct around it, so only
 * the runtime's release hook (if any) is told. */
static void future_destroy(tvc_future *f)
{
    if (f->more)
        free(table_of(f->more));
    f->more = NULL;
    if (f->flags & TVC_FUTURE_F_EMBEDDED) {
        if (f->rt->release)
            f->rt->release(f);
    } else {
        free(f);
    }
}

void tvc_future_unref(tvc_future *f)
{
    int left;
    if (f->rt->threaded) {
        /* Release our writes to whoever frees; acquire theirs if it is
         * us. */
        left = atomic_fetch_sub_explicit(&f->refs, 1, memory_order_acq_rel) - 1;
    } else {
        left = atomic_load_explicit(&f->refs, memory_order_relaxed) - 1;
        atomic_store_explicit(&f->refs, left, memory_order_relaxed);
    }
    assert(left >= 0);
    if (left == 0)
        future_destroy(f);
}

/* Waits out a completer that won the CAS but has not published yet. */
static void wait_published(const tvc_future *f)
{
    int spins = 0;
    while (atomic_load_explicit(&f->state, memory_order_acquire) == COMPLETING)
        spin_pause(&spins);
}

/* The one transition out of PENDING; 0, or TVC_EINVALSTATE for a loser. */
static int complete(tvc_future *f, int state, void *result, int err)
{
    int expect = TVC_FUTURE_PENDING;
    if (!f->rt->threaded) {
        /* One thread, and nothing runs before the state is published:
         * no completer to race, so no locked compare-and-swap (a tenth
         * of a coroutine's spawn and join). */
        if (atomic_load_explicit(&f->state, memory_order_relaxed) != expect)
            return TVC_EINVALSTATE;
    } else if (!atomic_compare_exchange_strong_explicit(
                   &f->state, &expect, COMPLETING, memory_order_acquire,
                   memory_order_acquire)) {
        if (expect == COMPLETING)
            wait_published(f);
        return TVC_EINVALSTATE;
    }
    f->result = result;
    f->err = err;

    /* An inline callback (or a thread it wakes, once the state is
     * published) may drop its registrant's reference, possibly the one
     * this call borrowed; f must stay alive until every callback was handed
     * out, so the reference is taken before publishing. */
    tvc_future_ref(f);
    cbs_lock(f);
    atomic_store_explicit(&f->state, state, memory_order_release);
    tvc_future_cbent first = f->first;
    tvc_future_cbent *more = f->more;
    uint32_t n = cb_count(f);
    f->ncb = 0;
    f->more = NULL;
    cbs_unlock(f);

    for (uint32_t i = 0; i < n; i++) {
        tvc_future_cbent e = i == 0 ? first : more[i - 1];
        if (e.fn) /* not a hole left by a removal */
            cb_run(f, e.fn, e.arg);
    }
    if (more)
        free(table_of(more));
    tvc_future_unref(f);
    return 0;
}

/* Returns 0, or TVC_EINVALSTATE if f was no longer pending. */
int tvc_future_set_result(tvc_future *f, void *result)
{
    return complete(f, TVC_FUTURE_DONE, result, 0);
}

/* Returns 0, TVC_EINVALSTATE if f was no longer pending, or -EINVAL if err
 * is not negative (an error must be a negative code). */
int tvc_future_set_error(tvc_future *f, int err)
{
    if (err >= 0)
        return -EINVAL;
    int state = err == -ECANCELED ? TVC_FUTURE_CANCELLED : TVC_FUTURE_ERROR;
    return complete(f, state, NULL, err);
}

/* 1 if this call cancelled f (or asked its task to cancel), else 0. */
int tvc_future_cancel(tvc_future *f)
{
    if (f->flags & TVC_FUTURE_F_TASK) {
        /* The task completes its own future when it has cleaned up; the
         * hook answers 0 if it finished first. */
        if (tvc_future_done(f))
            return 0;
        return f->rt->cancel_task(f) ? 1 : 0;
    }
    return complete(f, TVC_FUTURE_CANCELLED, NULL, -ECANCELED) == 0;
}

enum tvc_future_state tvc_future_state_of(const tvc_future *f)
{
    int st = atomic_load_explicit(&f->state, memory_order_acquire);
    return st == COMPLETING ? TVC_FUTURE_PENDING : (enum tvc_future_state)st;
}

int tvc_future_done(const tvc_future *f)
{
    return tvc_future_state_of(f) != TVC_FUTURE_PENDING;
}

int tvc_future_cancelled(const tvc_future *f)
{
    return tvc_future_state_of(f) == TVC_FUTURE_CANCELLED;
}

int tvc_future_result(const tvc_future *f, void **out)
{
    switch (tvc_future_state_of(f)) {
    case TVC_FUTURE_DONE:
        if (out)
            *out = f->result;
        return 0;
    case TVC_FUTURE_ERROR:
    case TVC_FUTURE_CANCELLED:
        return f->err;
    case TVC_FUTURE_PENDING:
        break;
    }
    return TVC_EINVALSTATE;
}

/* A table of twice the room holding the n slots in use (n == cap of the
 * old table, or 1 without one), or NULL on ENOMEM.  Grown under the spin
 * bit: it only happens when a future has more than one waiter, and
 * doubling makes it rare. */
static cb_table *table_grow(tvc_future *f, cb_table *old, uint32_t n)
{
    uint32_t cap = old ? 2 * old->cap : TABLE_FIRST_CAP;
    if (cap > TABLE_MAX_CAP)
        return NULL;
    size_t size = offsetof(cb_table, e) + (cap - 1) * sizeof(tvc_future_cbent) +
                  2 * (size_t)cap * sizeof(uint32_t);
    cb_table *t = malloc(size);
    if (!t)
        return NULL;
    t->n = n;
    t->live = old ? old->live : n;
    t->cap = cap;
    t->link = (uint32_t *)(void *)(t->e + (cap - 1));
    t->bucket = t->link + cap;
    memset(t->bucket, 0, cap * sizeof(uint32_t));
    if (old) {
        memcpy(t->e, old->e, (n - 1) * sizeof(tvc_future_cbent));
        free(old);
    }
    f->more = t->e;
    index_fill(f, t);
    return t;
}

/* Appends (fn, arg) to the list; the caller holds the spin bit.  0 or
 * -ENOMEM, also when the table is at its largest. */
static int cb_append(tvc_future *f, tvc_future_cb *fn, void *arg)
{
    assert(fn != NULL); /* a NULL fn marks a removed slot */
    cb_table *t = f->more ? table_of(f->more) : NULL;
    uint32_t n = cb_count(f);
    if (n > 0 && (!t || n == t->cap) && !(t = table_grow(f, t, n)))
        return -ENOMEM;
    tvc_future_cbent *slot = cb_slot(f, n);
    slot->fn = fn;
    slot->arg = arg;
    if (!t) {
        f->ncb = 1;
        return 0;
    }
    t->n = n + 1;
    t->live++;
    index_insert(f, t, n);
    return 0;
}

int tvc_future_add_done_callback(tvc_future *f, tvc_future_cb *cb, void *arg)
{
    cbs_lock(f);
    int st = atomic_load_explicit(&f->state, memory_order_acquire);
    if (st == TVC_FUTURE_PENDING || st == COMPLETING) {
        /* The completer has not detached the list yet: it will run us. */
        int r = cb_append(f, cb, arg);
        cbs_unlock(f);
        return r;
    }
    cbs_unlock(f);
    cb_run(f, cb, arg);
    return 0;
}

/* Removes every registration of (fn, arg) from the table through the
 * index (the caller holds the spin bit); returns how many. */
static int table_remove(tvc_future *f, cb_table *t, tvc_future_cb *fn,
                        void *arg)
{
    int removed = 0;
    uint32_t *next = &t->bucket[cb_hash(t, fn, arg)];
    while (*next) {
        uint32_t i = *next - 1;
        tvc_future_cbent *e = cb_slot(f, i);
        if (e->fn == fn && e->arg == arg) {
            *next = t->link[i];
            e->fn = NULL; /* a hole: the hand-over skips it */
            e->arg = NULL;
            t->live--;
            removed++;
        } else {
            next = &t->link[i];
        }
    }
    if (!removed)
        return 0;
    /* Holes at the end go at once (add-then-remove keeps n flat); the
     * rest when they outnumber the registered callbacks, in one pass
     * that keeps the order (paid for by the removals since the last). */
    while (t->n > 0 && !cb_slot(f, t->n - 1)->fn)
        t->n--;
    if (t->n - t->live > t->live) {
        index_clear(f, t);
        uint32_t kept = 0;
        for (uint32_t i = 0; i < t->n; i++)
            if (cb_slot(f, i)->fn)
                *cb_slot(f, kept++) = *cb_slot(f, i);
        t->n = kept;
        index_fill(f, t);
    }
    return removed;
}

int tvc_future_remove_done_callback(tvc_future *f, tvc_future_cb *cb, void *arg)
{
    cbs_lock(f);
    int removed = 0;
    if (f->more) {
        removed = table_remove(f, table_of(f->more), cb, arg);
    } else if (f->ncb == 1 && f->first.fn == cb && f->first.arg == arg) {
        f->ncb = 0;
        removed = 1;
    }
    cbs_unlock(f);
    return removed;
}
