/*
 * The coroutine runtime's private declarations: the task, the scheduler,
 * and the one wait every suspension goes through.
 *
 * A task is a coroutine plus the future it completes.  It runs on its own
 * pooled stack (TVC_STACK_PRIVATE) or on the scheduler's shared run stack,
 * its used part copied out while it is suspended (TVC_STACK_COMPACT).
 * Every resume goes through the scheduler's run queue, a FIFO run in
 * batches as asyncio runs its ready callbacks; the reactor (timers, fds,
 * executor completions) is polled between batches.  A suspended task
 * switches back to the scheduler, which runs on the thread's own stack.
 *
 * Waiting is libdill-style: a suspension registers its clauses (a future
 * callback, an fd watcher's waiter slot, a place in a sync object's waiter
 * list, a deadline), calls tvc__wait, and learns from its return value
 * which clause fired.  Cancellation is one more clause that every wait
 * has.  Nothing another task touches lives on a task's stack: the wait
 * state is in the task, so the compact mode may move stacks freely.
 */
#ifndef TVC_CORO_INTERNAL_H
#define TVC_CORO_INTERNAL_H

#include <errno.h>
#include <stdint.h>

#include "ctx.h"
#include "fiber_hooks.h"
#include "stack.h"
#include "tvc/reactor.h"
#include "tvc/rx_pool.h"
#include "tvc/tvc.h"

enum tvc__task_state {
    TVC__T_NEW,      /* spawned, never run */
    TVC__T_READY,    /* in the scheduler's run queue */
    TVC__T_RUNNING,  /* the current task */
    TVC__T_WAITING,  /* suspended in tvc__wait */
    TVC__T_FINISHED, /* returned; its future is complete */
};

struct tvc_task {
    tvc_future fut;          /* first: the task's future is the task */
    void *sp;                /* saved stack pointer while not running */
    struct tvc_task *rnext;  /* the scheduler's run queue */
    tvc_task_fn *fn;         /* the body */
    void *arg;               /* its argument */
    char *stack;             /* private: lowest usable byte of the stack;
                              * compact: heap copy of the used stack */
    tvc__stack_pool *pool;   /* private: the pool the stack returns to */
    uint32_t saved_len;      /* compact: bytes in the copy */
    uint32_t saved_cap;      /* compact: bytes allocated for the copy */
    char *name;              /* NULL until named or asked for */
    uint64_t id;             /* spawn number, for "task-<id>" */
    struct tvc_task *prev, *next;   /* the scheduler's live tasks */
    struct tvc_task *wprev, *wnext; /* a sync object's waiter list */
    tvc_rx_timer timer;      /* the deadline clause */
    int wake;                /* what ended the wait (see tvc__wait) */
    uint8_t state;           /* enum tvc__task_state */
    uint8_t cancel_pending;  /* -ECANCELED still to be delivered */
    uint8_t cancel_requested; /* tvc_cancel was called (sticky) */
    uint8_t flags;           /* TVC__TF_* */
    void *asan_fake;         /* ASan builds: the fiber's fake stack */
    void *tsan_fiber;        /* TSan builds: the task's fiber */
};

enum {
    TVC__TF_MAIN = 1,        /* tvc_run's main task: always private */
};

/* A waiter list of a sync object, linked through wprev/wnext. */
typedef struct tvc__waitq {
    tvc_task *head, *tail;
} tvc__waitq;

/* The per-thread scheduler state of one tvc_run. */
typedef struct tvc__sched {
    tvc_reactor *rx;          /* timers, fds and the ready queue */
    void *sp;                 /* the scheduler's context while a task runs */
    uint64_t fpwords;         /* its FP control words (tvc__ctx_resume) */
    tvc_task *current;        /* the running task, NULL in the scheduler */
    tvc_task *run_head;       /* tasks ready to run, FIFO via rnext */
    tvc_task *run_tail;
    unsigned since_poll;      /* resumes since the reactor was polled */
    tvc_task *spare;          /* freed task structs for reuse, via rnext */
    unsigned nspare;
    uint8_t main_finished;    /* tvc_run's main task has returned */
    uint8_t draining;         /* after main: run until every task is gone */
    tvc_task *live;           /* unfinished tasks (tvc_run cancels them) */
    uint64_t nlive;           /* tasks in `live` */
    uint64_t next_id;         /* next spawn number */
    size_t stack_size;        /* default usable stack bytes */
    int compact;              /* TVC_STACK_COMPACT for tasks but main */
    tvc__stack_pool pool;     /* stacks of stack_size */
    struct tvc__pool_node *pools; /* pools of other sizes (task opts) */
    char *run_lo;             /* compact: the shared run stack */
    char *run_top;            /* compact: where its frames start */
    tvc_task *owner;          /* compact: whose frames are on it */
    const void *asan_bottom;  /* ASan: the scheduler's own stack */
    size_t asan_size;
    void *asan_fake;
    void *tsan_fiber;         /* TSan: the scheduler's fiber */
    tvc_rx_pool *ex;          /* run_in_executor's pool, made on first use */
    int executor_threads;     /* its size */
    uint64_t ex_inflight;     /* jobs whose completion is still to come */
} tvc__sched;

/* A pool for a stack size other than the run's default. */
struct tvc__pool_node {
    struct tvc__pool_node *next;
    tvc__stack_pool pool;
};

extern __thread tvc__sched *tvc__S;

/* The future hook of this runtime (tasks embed their future). */
extern const tvc_future_rt tvc__coro_rt;

/* ---- coro.c: running and switching ----------------------------------- */

/* Gives t a stack and its first frame (private mode; compact tasks get
 * theirs when first resumed).  0, -ENOMEM or -EAGAIN. */
int tvc__task_prepare(tvc_task *t, size_t stack_size);
/* Runs batches of ready tasks, each task until it suspends or finishes;
 * tasks made ready during a batch wait for the next one (asyncio's
 * call_soon order).  Stops when none is ready, when S->since_poll reaches
 * budget, when a batch ends with a timer due (tvc_reactor_timer_due), or
 * when tvc__sched_done. */
void tvc__run_ready(tvc__sched *S, unsigned budget);

/* Whether tvc_run's current drive is over: main has returned, or (while
 * draining) every task and executor job is gone. */
static inline int tvc__sched_done(const tvc__sched *S)
{
    if (!S->draining)
        return S->main_finished;
    return S->nlive == 0 && S->ex_inflight == 0;
}
/* Returns a finished task's stack and sanitizer state. */
void tvc__task_release_stack(tvc_task *t);

/* Switches from the current task to the scheduler; returns when the task
 * is resumed.  Inline so that the wait calling it returns straight to its
 * caller after the switch (see tvc__run_batch on mispredicted returns). */
static inline void tvc__suspend(tvc__sched *S, tvc_task *self)
{
    tvc__stack_check(self->pool ? self->stack : S->run_lo);
    tvc__asan_enter(&self->asan_fake, S->asan_bottom, S->asan_size);
    tvc__tsan_switch(S->tsan_fiber);
    tvc__ctx_switch(&self->sp, S->sp);
    tvc__asan_landed(self->asan_fake, NULL, NULL);
}

/* ---- sched.c: the ready queue and the one wait ------------------------- */

/* Queues t to run (it must not be running or queued).  This and the wait
 * below are inline: spawn, yield, cancel and every wait keep them in
 * their own frame, as when they shared a file with the scheduler. */
static inline void tvc__make_ready(tvc_task *t)
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

/* Ends t's wait with v if t is waiting; a no-op otherwise. */
static inline void tvc__wake(tvc_task *t, int v)
{
    if (t->state != TVC__T_WAITING)
        return;
    t->wake = v;
    tvc__make_ready(t);
}

/* A finished task leaves the scheduler: off the live list, stack back,
 * the running coroutine's reference dropped. */
void tvc__task_done(tvc_task *t);

/* The wake value of a handoff: the waker gave the waiter something it
 * now owns (a lock, a semaphore permit), so a cancel arriving before the
 * waiter runs does not undo it.  Other wakes (0) say "look again". */
#define TVC__WAKE_HANDOFF 1

/* The deadline clause's timer callback: wakes its task with -ETIMEDOUT. */
void tvc__on_deadline(tvc_rx_timer *tm);

/* The wait, for a task t that is S's current one (see tvc__wait).  Inlined
 * into its callers: after the switch, each return to a frame from before
 * it mispredicts, so the common waits keep the switch in their own
 * frame. */
static inline __attribute__((always_inline)) int
tvc__wait_here(tvc__sched *S, tvc_task *t, int64_t deadline)
{
    if (t->cancel_pending) {
        t->cancel_pending = 0;
        return -ECANCELED;
    }
    if (deadline == 0)
        return -ETIMEDOUT;
    if (deadline > 0) {
        /* No room for the deadline's timer: the wait fails before it
         * begins, as a cancel pending does. */
        int r = tvc_reactor_timer_start(S->rx, &t->timer, deadline,
                                        tvc__on_deadline);
        if (r < 0)
            return r;
    }
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

/*
 * The wait: suspends the current task until tvc__wake(t, v) with v >= 0
 * (returns v), the deadline passes (-ETIMEDOUT; deadline -1: none, 0:
 * returns at once), or the task is cancelled (-ECANCELED, delivered once
 * per cancel).  The caller registers its other clauses before and removes
 * them after.  Outside a task: TVC_EINVALSTATE.
 */
int tvc__wait(int64_t deadline);

/* The future clause's done callback: wakes the task arg with 0. */
void tvc__on_future_done(tvc_future *f, void *arg);

/* tvc__wait_future for a task t that is S's current one, inline as
 * tvc__wait_here is. */
static inline __attribute__((always_inline)) int
tvc__wait_future_here(tvc__sched *S, tvc_task *t, tvc_future *f,
                      int64_t deadline)
{
    if (f == &t->fut)
        return -EDEADLK; /* a task's future completes when it returns */
    if (tvc_future_done(f))
        return 0;
    int r = tvc_future_add_done_callback(f, tvc__on_future_done, t);
    if (r < 0)
        return r;
    r = tvc__wait_here(S, t, deadline);
    if (r < 0)
        tvc_future_remove_done_callback(f, tvc__on_future_done, t);
    /* The deadline and the completion fired in one turn of the loop:
     * the result is there, and it wins (asyncio's wait_for agrees). */
    if (r == -ETIMEDOUT && tvc_future_done(f))
        r = 0;
    return r;
}

/* The future clause: waits until f completes (0), or the deadline
 * (-ETIMEDOUT) or a cancel (-ECANCELED); -ENOMEM, -EDEADLK when f is the
 * waiting task's own, TVC_EINVALSTATE outside a task.  Does not read f's
 * status. */
int tvc__wait_future(tvc_future *f, int64_t deadline);

/* Waiter lists (sync.c, queue.c and streams use them). */
void tvc__waitq_push(tvc__waitq *q, tvc_task *t);
void tvc__waitq_remove(tvc__waitq *q, tvc_task *t);
/* Wakes the first waiter still waiting with v; 1 if there was one. */
int tvc__waitq_wake_one(tvc__waitq *q, int v);
/* Whether a task waits in q. */
static inline int tvc__waitq_any(const tvc__waitq *q)
{
    return q->head != NULL;
}
/* Waits in q until woken (returns v >= 0), the deadline or a cancel;
 * leaves q in every case.  A waiter woken with 0 whose cancel then wins
 * passes the wake-up to the next waiter. */
int tvc__waitq_wait(tvc__waitq *q, int64_t deadline);

/* Runs the loop until tvc__sched_done; a deadlock (nothing can happen
 * any more) cancels the tasks left once, then aborts. */
void tvc__drive(tvc__sched *S);

/* ---- task.c ------------------------------------------------------------ */

/* Spawns fn(arg) as a task with TVC__TF_* flags; *out, when not NULL,
 * gets a reference.  0, -ENOMEM or -EAGAIN. */
int tvc__spawn(tvc__sched *S, tvc_task **out, tvc_task_fn *fn, void *arg,
               const tvc_task_opts *opts, int flags);

/* ---- run.c ------------------------------------------------------------- */

/* Cancels every unfinished task. */
void tvc__cancel_all(tvc__sched *S);

/* ---- await.c ----------------------------------------------------------- */

/* Waits for f to finish without being interrupted (after a cancel was
 * delivered, to let cancelled work finish). */
void tvc__wait_out(tvc_future *f);

/* ---- executor.c -------------------------------------------------------- */

/* Joins the pool's threads once no job is in flight. */
void tvc__executor_shutdown(tvc__sched *S);

#endif
