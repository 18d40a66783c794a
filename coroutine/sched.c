/*
 * The scheduler: tvc_run's loop on the common reactor, spawning, the task
 * handle calls, cancellation, and the one wait (tvc__wait) with its
 * future and waiter-list clauses.
 *
 * A task resumes only from the run queue: a waker (a future callback, a
 * timer, an fd watcher, a sync object, a cancel) records why and queues
 * the task; the wait returns that reason.  The run queue is the
 * scheduler's own rather than the reactor's ready queue because the
 * reactor polls epoll on every iteration: a syscall per wake-up would
 * cost more than the switches.  Instead the reactor is polled without
 * blocking every POLL_EVERY resumes, or sooner when a batch of them ends
 * with a timer due, and blocking when nothing is ready, so fds and
 * timers still get their turn while tasks keep busy.  A wait ends once:
 * the first clause to fire wins, later ones find the task no longer
 * waiting and do nothing.  A cancel that finds the task not waiting stays
 * pending and is delivered by its next suspension.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fiber_hooks.h"
#include "internal.h"

__thread tvc__sched *tvc__S;

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

const char *tvc_runtime_name(void)
{
    return "coroutine";
}

/* ---- the ready queue ---------------------------------------------------- */

/* Resumes between two non-blocking polls of the reactor: large enough to
 * make the syscall cheap per resume, small enough that a busy loop of
 * tasks delays I/O by a few microseconds only.  Timers do not wait for
 * it: a batch that ends with one due ends the run (tvc__run_ready). */
#define POLL_EVERY 64

void tvc__make_ready(tvc_task *t)
{
    tvc__sched *S = tvc__S;
    t->state = TVC__T_READY;
    t->rnext = NULL;
    if (S->run_tail)
        S->run_tail->rnext = t;
    else
        S->run_head = t;
    S->run_tail = t;
}

void tvc__task_done(tvc_task *t)
{
    tvc__sched *S = tvc__S;
    if (t->prev)
        t->prev->next = t->next;
    else
        S->live = t->next;
    if (t->next)
        t->next->prev = t->prev;
    S->nlive--;
    if (t->flags & TVC__TF_MAIN)
        S->main_finished = 1;
    tvc__task_release_stack(t);
    /* The reference the running coroutine held. */
    tvc_future_unref(&t->fut);
}

/* ---- the wait ----------------------------------------------------------- */

static void on_deadline(tvc_rx_timer *tm)
{
    tvc__wake((tvc_task *)((char *)tm - offsetof(tvc_task, timer)),
              -ETIMEDOUT);
}

void tvc__wake(tvc_task *t, int v)
{
    if (t->state != TVC__T_WAITING)
        return;
    t->wake = v;
    tvc__make_ready(t);
}

/* The wait, inlined into its callers in this file: after the switch,
 * each return to a frame from before it mispredicts, so the common waits
 * keep the switch in their own frame. */
static inline __attribute__((always_inline)) int wait_here(tvc__sched *S,
                                                           tvc_task *t,
                                                           int64_t deadline)
{
    if (t->cancel_pending) {
        t->cancel_pending = 0;
        return -ECANCELED;
    }
    if (deadline == 0)
        return -ETIMEDOUT;
    if (deadline > 0)
        tvc_reactor_timer_start(S->rx, &t->timer, deadline, on_deadline);
    t->state = TVC__T_WAITING;
    tvc__suspend(S, t);
    if (deadline > 0)
        tvc_reactor_timer_stop(S->rx, &t->timer);
    if (t->cancel_pending && t->wake != TVC__WAKE_HANDOFF) {
        /* Cancelled after something else woke us but before we ran: as
         * in asyncio, the cancel is delivered here, at the suspension
         * point the task is still in.  A handoff is not undone: the task
         * owns what it was handed and gets the cancel next time. */
        t->cancel_pending = 0;
        return -ECANCELED;
    }
    return t->wake;
}

int tvc__wait(int64_t deadline)
{
    tvc__sched *S = tvc__S;
    tvc_task *t = S ? S->current : NULL;
    if (!t)
        return -EPERM;
    return wait_here(S, t, deadline);
}

/* Yields to everything already ready: a suspension point with no clause
 * but cancellation. */
static int yield(void)
{
    tvc__sched *S = tvc__S;
    tvc_task *t = S ? S->current : NULL;
    if (!t)
        return -EPERM;
    if (!t->cancel_pending) {
        /* Queued, not waiting: a cancel meanwhile stays pending and is
         * delivered just below. */
        tvc__make_ready(t);
        tvc__suspend(S, t);
    }
    if (t->cancel_pending) {
        t->cancel_pending = 0;
        return -ECANCELED;
    }
    return 0;
}

int tvc_checkpoint(void)
{
    return yield();
}

int tvc_sleep_until(int64_t deadline)
{
    if (deadline == 0)
        return yield();
    int r = tvc__wait(deadline);
    return r == -ETIMEDOUT ? 0 : r;
}

int tvc_sleep(int64_t ns)
{
    if (ns == 0)
        return yield();
    return tvc_sleep_until(ns < 0 ? TVC_FOREVER : tvc_now() + ns);
}

static void on_future_done(tvc_future *f, void *arg)
{
    (void)f;
    tvc__wake(arg, 0);
}

static inline __attribute__((always_inline)) int
wait_future_here(tvc__sched *S, tvc_task *t, tvc_future *f, int64_t deadline)
{
    if (tvc_future_done(f))
        return 0;
    int r = tvc_future_add_done_callback(f, on_future_done, t);
    if (r < 0)
        return r;
    r = wait_here(S, t, deadline);
    if (r < 0)
        tvc_future_remove_done_callback(f, on_future_done, t);
    /* The deadline and the completion fired in one turn of the loop:
     * the result is there, and it wins (asyncio's wait_for agrees). */
    if (r == -ETIMEDOUT && tvc_future_done(f))
        r = 0;
    return r;
}

int tvc__wait_future(tvc_future *f, int64_t deadline)
{
    tvc__sched *S = tvc__S;
    tvc_task *t = S ? S->current : NULL;
    if (!t)
        return -EPERM;
    return wait_future_here(S, t, f, deadline);
}

/* ---- waiter lists ------------------------------------------------------- */

enum { QUEUED = 0x80 }; /* in a waiter list (tvc_task.flags) */

void tvc__waitq_push(tvc__waitq *q, tvc_task *t)
{
    t->wnext = NULL;
    t->wprev = q->tail;
    if (q->tail)
        q->tail->wnext = t;
    else
        q->head = t;
    q->tail = t;
    t->flags |= QUEUED;
}

void tvc__waitq_remove(tvc__waitq *q, tvc_task *t)
{
    if (!(t->flags & QUEUED))
        return;
    if (t->wprev)
        t->wprev->wnext = t->wnext;
    else
        q->head = t->wnext;
    if (t->wnext)
        t->wnext->wprev = t->wprev;
    else
        q->tail = t->wprev;
    t->wprev = t->wnext = NULL;
    t->flags &= (uint8_t)~QUEUED;
}

int tvc__waitq_wake_one(tvc__waitq *q, int v)
{
    while (q->head) {
        tvc_task *t = q->head;
        tvc__waitq_remove(q, t);
        /* A waiter already woken by its cancel or deadline is leaving
         * anyway: what we hand out must go to one that takes it. */
        if (t->state == TVC__T_WAITING) {
            tvc__wake(t, v);
            return 1;
        }
    }
    return 0;
}

int tvc__waitq_wait(tvc__waitq *q, int64_t deadline)
{
    tvc__sched *S = tvc__S;
    tvc_task *t = S ? S->current : NULL;
    if (!t)
        return -EPERM;
    tvc__waitq_push(q, t);
    int r = wait_here(S, t, deadline);
    if (r >= 0)
        return r;
    if (t->flags & QUEUED)
        tvc__waitq_remove(q, t);
    else if (r == -ECANCELED)
        /* A waker picked us, then the cancel won: pass the turn on, or
         * the wake-up (an item, a notify) would be lost. */
        tvc__waitq_wake_one(q, 0);
    return r;
}

/* ---- tasks -------------------------------------------------------------- */

static int spawn(tvc__sched *S, tvc_task **out, tvc_task_fn *fn, void *arg,
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
        return -EPERM;
    return spawn(S, out, fn, arg, opts, 0);
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
        return -EPERM;
    int r = wait_future_here(S, self, &t->fut, TVC_FOREVER);
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

/* ---- tvc_run ------------------------------------------------------------ */

static void cancel_all(tvc__sched *S)
{
    for (tvc_task *t = S->live; t; t = t->next)
        tvc_cancel(t);
}

/* Runs the loop until tvc__sched_done.  When nothing can happen any more
 * (no ready task, timer, fd or executor job) the tasks left are
 * deadlocked: they are cancelled once; if that does not end it, abort. */
static void drive(tvc__sched *S)
{
    int cancelled_stuck = 0;
    while (!tvc__sched_done(S)) {
        /* Tasks run only right after a poll: tvc__run_ready returns when
         * the budget is spent, a timer is due or no task is ready, and
         * each of those wants the reactor next. */
        if (S->run_head && S->since_poll == 0) {
            tvc__run_ready(S, POLL_EVERY);
            cancelled_stuck = 0;
            continue;
        }
        int block = !S->run_head;
        S->since_poll = 0;
        if (block && !tvc_reactor_alive(S->rx) && S->ex_inflight == 0) {
            if (cancelled_stuck) {
                fprintf(stderr, "tvc: %llu coroutines wait for something "
                                "that cannot happen, even after being "
                                "cancelled\n",
                        (unsigned long long)S->nlive);
                abort();
            }
            cancel_all(S);
            cancelled_stuck = 1;
            continue;
        }
        int r = tvc_reactor_run_once(S->rx, block);
        if (r < 0 && r != -EINTR) {
            fprintf(stderr, "tvc: reactor failed: %s\n", tvc_strerror(r));
            abort();
        }
        if (r > 0)
            cancelled_stuck = 0;
    }
}

/* opts NULL: TVC_STACK=compact in the environment selects the compact
 * mode, so a test binary runs unchanged in both modes. */
static int compact_wanted(const tvc_run_opts *opts)
{
    if (opts)
        return opts->stack_mode == TVC_STACK_COMPACT;
    const char *e = getenv("TVC_STACK");
    return e && strcmp(e, "compact") == 0;
}

int tvc_run(tvc_task_fn *main, void *arg, void **result,
            const tvc_run_opts *opts)
{
    if (tvc__S)
        return -EBUSY; /* one run per thread at a time */
    tvc__sched *S = calloc(1, sizeof *S);
    if (!S)
        return -ENOMEM;
    int r = tvc_reactor_new(&S->rx);
    if (r < 0) {
        free(S);
        return r;
    }
    S->stack_size = opts ? opts->stack_size : 0;
    S->executor_threads = opts ? opts->executor_threads : 0;
    S->compact = compact_wanted(opts);
    tvc__stack_pool_init(&S->pool, S->stack_size);
    S->tsan_fiber = tvc__tsan_current();
    S->fpwords = tvc__ctx_fpwords();
    tvc__S = S;
    tvc_task *m = NULL;
    if (S->compact) {
        r = tvc__stack_get(&S->pool, &S->run_lo);
        S->run_top = r == 0 ? tvc__stack_top(&S->pool, S->run_lo) : NULL;
    }
    if (r == 0)
        r = spawn(S, &m, main, arg, NULL, TVC__TF_MAIN);
    if (r == 0) {
        drive(S);
        r = tvc_future_result(&m->fut, result);
        tvc_task_release(m);
        /* asyncio.run: what main left running is cancelled and joined. */
        cancel_all(S);
        S->draining = 1;
        drive(S);
    }
    tvc__executor_shutdown(S);
    while (S->spare) {
        tvc_task *t = S->spare;
        S->spare = t->rnext;
        free(t);
    }
    while (S->pools) {
        struct tvc__pool_node *n = S->pools;
        S->pools = n->next;
        tvc__stack_pool_destroy(&n->pool);
        free(n);
    }
    tvc__stack_pool_destroy(&S->pool);
    tvc_reactor_free(S->rx);
    tvc__S = NULL;
    free(S);
    return r;
}
