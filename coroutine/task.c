/*
 * Tasks: spawning, the task handle calls (release, join, cancel, names),
 * and this runtime's future hooks.  A task struct is the task's future;
 * finished ones are kept for the next spawns.  A cancel wakes a waiting
 * task at once and is otherwise left pending for its next suspension.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

static int cancel_hook(tvc_future *f)
{
    return tvc_cancel((tvc_task *)f);
}

/* Finished task structs kept for the next spawns: spawn-and-join in a
 * loop then costs no allocator round trip.  Few, so a burst of tasks
 * does not pin memory. */
#define SPARE_TASKS 64

static void release_hook(tvc_future *f)
{
    tvc_task *t = (tvc_task *)f;
    tvc__sched *S = tvc__S;
    if (t->name)
        free(t->name);
    if (S && S->nspare < SPARE_TASKS) {
        t->rnext = S->spare;
        S->spare = t;
        S->nspare++;
        return;
    }
    free(t);
}

static tvc_task *task_alloc(tvc__sched *S)
{
    tvc_task *t = S->spare;
    if (!t)
        return calloc(1, sizeof *t);
    S->spare = t->rnext;
    S->nspare--;
    memset(t, 0, sizeof *t);
    return t;
}

/* Callbacks run where the future completes: the runtime's own callbacks
 * only queue a waiter, so every resume still goes through the ready
 * queue, and no callback needs an allocation to be scheduled.  (The
 * threaded runtime also runs them in the completing thread.) */
const tvc_future_rt tvc__coro_rt = {
    .schedule = NULL,
    .cancel_task = cancel_hook,
    .release = release_hook,
    .threaded = 0,
};

int tvc__spawn(tvc__sched *S, tvc_task **out, tvc_task_fn *fn, void *arg,
               const tvc_task_opts *opts, int flags)
{
    tvc_task *t = task_alloc(S);
    if (!t)
        return -ENOMEM;
    /* The reference the coroutine holds until it finishes. */
    tvc_future_init(&t->fut, &tvc__coro_rt,
                    TVC_FUTURE_F_TASK | TVC_FUTURE_F_EMBEDDED);
    t->fn = fn;
    t->arg = arg;
    t->flags = (uint8_t)flags;
    t->id = S->next_id++;
    if (opts && opts->name && !(t->name = strdup(opts->name))) {
        free(t);
        return -ENOMEM;
    }
    int r = tvc__task_prepare(t, opts ? opts->stack_size : 0);
    if (r < 0) {
        tvc__task_release_stack(t);
        free(t->name);
        free(t);
        return r;
    }
    t->next = S->live;
    if (S->live)
        S->live->prev = t;
    S->live = t;
    S->nlive++;
    if (out)
        *out = (tvc_task *)tvc_future_ref(&t->fut);
    tvc__make_ready(t);
    return 0;
}

int tvc_spawn(tvc_task **out, tvc_task_fn *fn, void *arg,
              const tvc_task_opts *opts)
{
    tvc__sched *S = tvc__S;
    if (!S)
        return TVC_EINVALSTATE;
    if (opts && opts->stack_size > TVC_STACK_SIZE_MAX)
        return -EINVAL;
    return tvc__spawn(S, out, fn, arg, opts, 0);
}

void tvc_task_release(tvc_task *t)
{
    if (t)
        tvc_future_unref(&t->fut);
}

tvc_future *tvc_task_future(tvc_task *t)
{
    return &t->fut;
}

int tvc_task_join(tvc_task *t, void **result)
{
    tvc__sched *S = tvc__S;
    tvc_task *self = S ? S->current : NULL;
    if (!self)
        return TVC_EINVALSTATE;
    /* -EDEADLK when t is self. */
    int r = tvc__wait_future_here(S, self, &t->fut, TVC_FOREVER);
    if (r < 0)
        return r;
    return tvc_future_result(&t->fut, result);
}

int tvc_cancel(tvc_task *t)
{
    if (t->state == TVC__T_FINISHED)
        return 0;
    if (t->cancel_requested)
        return 1;
    t->cancel_requested = 1;
    if (t->state == TVC__T_WAITING)
        tvc__wake(t, -ECANCELED);
    else
        t->cancel_pending = 1;
    return 1;
}

tvc_task *tvc_current(void)
{
    return tvc__S ? tvc__S->current : NULL;
}

const char *tvc_task_name(const tvc_task *t)
{
    tvc_task *m = (tvc_task *)t; /* the default name is made on demand */
    if (!m->name && asprintf(&m->name, "task-%llu",
                             (unsigned long long)m->id) < 0) {
        m->name = NULL;
        return "task";
    }
    return m->name;
}

int tvc_cancelling(void)
{
    tvc_task *t = tvc_current();
    return t && t->cancel_requested;
}

tvc_future *tvc_future_create(void)
{
    return tvc_future_new(&tvc__coro_rt);
}
