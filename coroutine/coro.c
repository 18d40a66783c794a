/*
 * The coroutine core: giving a task its stack and first frame, switching
 * between the scheduler and a task (with the canary check and the
 * sanitizer hooks around every switch), finishing a task, and the compact
 * mode's copying of stacks on and off the shared run stack.
 *
 * In compact mode every task but main runs on one shared run stack, so a
 * pointer into a task's stack is valid only while that task runs: another
 * task must not be handed one (as with libaco).  Main keeps a private
 * stack because handing children pointers to main's locals is the common
 * pattern (gather arrays, shared counters), and it costs one stack.
 *
 * Compact mode copies lazily, as libaco does: a task suspends in place and
 * its frames stay on the run stack until another task needs it, so a task
 * that resumes right after itself (a ping-pong partner's turn done, a
 * sleep) pays nothing, and each switch to another task copies only the
 * bytes actually in use.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctx.h"
#include "fiber_hooks.h"
#include "internal.h"

_Noreturn void tvc__ctx_entry_returned(void)
{
    fprintf(stderr, "tvc: a coroutine entry function returned; a coroutine "
                    "must finish by switching away for good\n");
    abort();
}

/* The stack a task runs on, for the canary and ASan. */
static char *stack_lo(const tvc__sched *S, const tvc_task *t)
{
    return t->pool ? t->stack : S->run_lo;
}

static size_t stack_bytes(const tvc__sched *S, const tvc_task *t)
{
    return t->pool ? t->pool->size : S->pool.size;
}

static _Noreturn void finish(tvc__sched *S, tvc_task *t, int status,
                             void *result)
{
    /* Completing the future wakes the joiners (their callbacks only queue
     * them), so this is still safe on the task's own stack. */
    if (status < 0)
        tvc_future_set_error(&t->fut, status);
    else
        tvc_future_set_result(&t->fut, result);
    t->state = TVC__T_FINISHED;
    tvc__stack_check(stack_lo(S, t));
    /* NULL: this fiber never runs again, ASan may drop its fake stack. */
    tvc__asan_enter(NULL, S->asan_bottom, S->asan_size);
    tvc__tsan_switch(S->tsan_fiber);
    tvc__ctx_switch(&t->sp, S->sp);
    __builtin_unreachable();
}

static void task_entry(void *arg)
{
    tvc_task *t = arg;
    tvc__sched *S = tvc__S;
    /* The first landing tells ASan where the scheduler's stack is. */
    tvc__asan_landed(NULL, &S->asan_bottom, &S->asan_size);
    /* A task cancelled before it first ran still runs, and gets its
     * -ECANCELED at its first suspension point, so its cleanup runs as in
     * the threaded runtime. */
    void *result = NULL;
    int status = t->fn(t->arg, &result);
    finish(S, t, status, result);
}

static tvc__stack_pool *pool_for(tvc__sched *S, size_t size)
{
    if (size == 0 || size == S->stack_size)
        return &S->pool;
    tvc__stack_pool probe;
    tvc__stack_pool_init(&probe, size);
    if (probe.size == S->pool.size)
        return &S->pool;
    for (struct tvc__pool_node *n = S->pools; n; n = n->next)
        if (n->pool.size == probe.size)
            return &n->pool;
    struct tvc__pool_node *n = malloc(sizeof *n);
    if (!n)
        return NULL;
    n->pool = probe;
    n->next = S->pools;
    S->pools = n;
    return &n->pool;
}

int tvc__task_prepare(tvc_task *t, size_t stack_size)
{
    tvc__sched *S = tvc__S;
    t->tsan_fiber = tvc__tsan_create();
    if (S->compact && !(t->flags & TVC__TF_MAIN)) {
        /* Framed on the run stack when first resumed; the run stack is
         * the most any task gets in this mode. */
        return stack_size > S->pool.size ? -ENOMEM : 0;
    }
    tvc__stack_pool *p = pool_for(S, stack_size);
    if (!p)
        return -ENOMEM;
    char *lo;
    int r = tvc__stack_get(p, &lo);
    if (r < 0)
        return r;
    t->pool = p;
    t->stack = lo;
    t->sp = tvc__ctx_make(lo, tvc__stack_top(p, lo), task_entry, t);
    return 0;
}

void tvc__task_release_stack(tvc_task *t)
{
    if (t->pool) {
        tvc__stack_put(t->pool, t->stack);
        t->pool = NULL;
    } else {
        free(t->stack);
        t->saved_cap = t->saved_len = 0;
    }
    t->stack = NULL;
    if (t->tsan_fiber)
        tvc__tsan_destroy(t->tsan_fiber);
    t->tsan_fiber = NULL;
}

/* ---- compact mode ------------------------------------------------------ */

/* Moves the owner's frames off the run stack into its copy.  0 or
 * -ENOMEM (the owner then keeps the run stack). */
static int save_owner(tvc__sched *S)
{
    tvc_task *o = S->owner;
    char *from = (char *)o->sp - tvc__ctx_below;
    size_t used = (size_t)(S->run_top - from);
    if (used > o->saved_cap) {
        /* Round up so a stack that grows a little does not realloc on
         * every suspension. */
        size_t cap = (used + 255) & ~(size_t)255;
        char *c = realloc(o->stack, cap);
        if (!c)
            return -ENOMEM;
        o->stack = c;
        o->saved_cap = (uint32_t)cap;
    }
    /* The owner's frames are poisoned where ASan put redzones; copying
     * them is not an access by the program. */
    tvc__asan_unpoison(from, used);
    memcpy(o->stack, from, used);
    o->saved_len = (uint32_t)used;
    S->owner = NULL;
    return 0;
}

/* Puts t's frames on the run stack (or its first frame, if new). */
static void load(tvc__sched *S, tvc_task *t)
{
    if (!t->sp) {
        t->sp = tvc__ctx_make(S->run_lo, S->run_top, task_entry, t);
    } else {
        char *to = (char *)t->sp - tvc__ctx_below;
        tvc__asan_unpoison(to, t->saved_len);
        tvc__valgrind_stack_refill(to, t->saved_len);
        memcpy(to, t->stack, t->saved_len);
    }
    S->owner = t;
}

/* ---- switching ---------------------------------------------------------- */

/* Runs t until it suspends or finishes.  Inlined into the batch loop:
 * after a switch comes back, every return mispredicts (the return stack
 * buffer holds the other context's calls), so the fewer frames between
 * the loop and the switch, the better. */
static inline void resume(tvc_task *t)
{
    tvc__sched *S = tvc__S;
    if (!t->pool && S->owner != t) {
        if (S->owner && save_owner(S) < 0) {
            /* No memory to move the owner aside, so it keeps the run
             * stack and t waits its turn.  The owner can run without a
             * copy: a waiting one is woken with -ENOMEM (as a cancel
             * wakes it: each wait unlinks itself), ahead of t, to handle
             * the error and in the end return, which frees the run
             * stack.  A ready one runs first anyway.  Each failed turn
             * of t wakes the owner again, so one that keeps waiting
             * keeps failing instead of hanging; a pending cancel still
             * wins over the -ENOMEM (tvc__wait_here). */
            tvc__wake(S->owner, -ENOMEM);
            tvc__make_ready(t);
            return;
        }
        load(S, t);
    }
    S->current = t;
    t->state = TVC__T_RUNNING;
    tvc__asan_enter(&S->asan_fake, stack_lo(S, t), stack_bytes(S, t));
    tvc__tsan_switch(t->tsan_fiber);
    tvc__ctx_resume(&S->sp, t->sp, S->fpwords);
    tvc__asan_landed(S->asan_fake, NULL, NULL);
    S->current = NULL;
    if (t->state == TVC__T_FINISHED) {
        /* The frames live at the last switch never returned, so ASan's
         * shadow still marks their redzones; the next task on this stack
         * must not inherit them.  (Frames that returned cleaned up after
         * themselves, so this is all there is.) */
        char *hi = t->pool ? t->stack + t->pool->size : S->run_top;
        tvc__asan_unpoison(t->sp, (size_t)(hi - (char *)t->sp));
        if (S->owner == t)
            S->owner = NULL;
        tvc__task_done(t);
    }
}

void tvc__run_ready(tvc__sched *S, unsigned budget)
{
    /* Batches run back to back in this loop, not one per call from the
     * scheduler: each return to a caller after a switch mispredicts. */
    while (S->run_head && S->since_poll < budget && !tvc__sched_done(S)) {
        tvc_task *t = S->run_head;
        S->run_head = S->run_tail = NULL;
        while (t) {
            tvc_task *next = t->rnext;
            /* The next task's saved frame (64 bytes at its sp, so up to
             * two lines) is cold: the tasks between its last run and now
             * pushed it out of the cache and TLB.  Fetching it while t
             * runs hides the miss its resume would otherwise stall on.  A
             * prefetch never faults, so a stale sp (compact mode) is
             * harmless. */
            if (next) {
                __builtin_prefetch(next->sp);
                __builtin_prefetch((char *)next->sp + 56);
            }
            resume(t);
            S->since_poll++;
            t = next;
        }
        /* A due timer ends the run, as in the callback loop: its task
         * would otherwise wait behind every batch until the budget runs
         * out.  Asked once per batch, and only when another would follow
         * (else the caller polls next anyway): the clock is read only
         * while a timer is armed, once for all the batch's resumes.  A
         * count of resumes between reads could not bound a long one. */
        if (S->run_head && tvc_reactor_timer_due(S->rx))
            return;
    }
}
