/*
 * The scheduler: the ready queue, a task leaving it when it finishes,
 * the one wait (tvc__wait) with its future and waiter-list clauses, and
 * the drive loop tvc_run turns on the common reactor.
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
 * pending and is delivered by its next suspension.  Queueing, waking and
 * the wait itself are inline in internal.h, so that the waits of other
 * files keep the switch in their own frame.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "fiber_hooks.h"
#include "internal.h"

__thread tvc__sched *tvc__S;

/* ---- a task leaves ------------------------------------------------------ */

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

void tvc__on_deadline(tvc_rx_timer *tm)
{
    tvc__wake((tvc_task *)((char *)tm - offsetof(tvc_task, timer)),
              -ETIMEDOUT);
}

int tvc__wait(int64_t deadline)
{
    tvc__sched *S = tvc__S;
    tvc_task *t = S ? S->current : NULL;
    if (!t)
        return TVC_EINVALSTATE;
    return tvc__wait_here(S, t, deadline);
}

void tvc__on_future_done(tvc_future *f, void *arg)
{
    (void)f;
    tvc__wake(arg, 0);
}

int tvc__wait_future(tvc_future *f, int64_t deadline)
{
    tvc__sched *S = tvc__S;
    tvc_task *t = S ? S->current : NULL;
    if (!t)
        return TVC_EINVALSTATE;
    return tvc__wait_future_here(S, t, f, deadline);
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
        return TVC_EINVALSTATE;
    tvc__waitq_push(q, t);
    int r = tvc__wait_here(S, t, deadline);
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

/* ---- the drive loop ----------------------------------------------------- */

/* Resumes between two non-blocking polls of the reactor: large enough to
 * make the syscall cheap per resume, small enough that a busy loop of
 * tasks delays I/O by a few microseconds only.  Timers do not wait for
 * it: a batch that ends with one due ends the run (tvc__run_ready). */
#define POLL_EVERY 64

/* Runs the loop until tvc__sched_done.  When nothing can happen any more
 * (no ready task, timer, fd or executor job) the tasks left are
 * deadlocked: they are cancelled once; if that does not end it, abort. */
void tvc__drive(tvc__sched *S)
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
            tvc__cancel_all(S);
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
