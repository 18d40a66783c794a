/*
 * Waiting on many futures: gather (all of them, first error by position)
 * and asyncio.wait (a condition, with a timeout).  gather keeps its state
 * in the task; wait needs a timer and a count besides, so a wait that has
 * to suspend allocates a small state that lives until every callback it
 * registered has run or been removed.  (It cannot live in the task: the
 * task's union has 40 bytes and a task fills its 128-byte size class,
 * while the state takes 72, and a callback already queued when the wait
 * ends still points at it after the task has moved on.)
 */
#include <errno.h>
#include <stdlib.h>

#include "internal.h"

/* ---- gather ------------------------------------------------------------ */

static void gather_finish(tvc_cb_task *t)
{
    int status = t->status;
    if (t->flags & TVC__F_CLEANUP) {
        status = -ECANCELED;
    } else {
        for (size_t i = 0; i < t->u.gather.n && status == 0; i++)
            status = tvc_future_result(t->u.gather.fs[i], NULL);
    }
    t->flags &= (uint8_t)~TVC__F_CLEANUP;
    tvc__cb_complete(t, status);
}

static void gather_done(tvc_future *f, void *arg)
{
    tvc_cb_task *t = arg;
    tvc_future_unref(f);
    if (--t->u.gather.left == 0)
        gather_finish(t);
}

void tvc_cb_gather(tvc_cb_task *t, tvc_future *const *fs, size_t n,
                   tvc_cb_fn *k)
{
    if (TVC__CB_BEGIN(t, TVC__OP_GATHER, TVC__K_STATUS, k))
        return;
    int err = tvc__cb_wait_check(t, fs, n, TVC_FOREVER);
    if (err < 0) {
        tvc__cb_complete(t, err);
        return;
    }
    t->status = 0;
    t->u.gather.fs = fs;
    t->u.gather.n = n;
    /* One extra count so no callback finishes before all are in. */
    t->u.gather.left = n + 1;
    for (size_t i = 0; i < n; i++) {
        tvc_future_ref(fs[i]);
        err = tvc_future_add_done_callback(fs[i], gather_done, t);
        if (err < 0) {
            tvc_future_unref(fs[i]);
            t->u.gather.left--;
            t->status = err;
        }
    }
    if (--t->u.gather.left == 0)
        gather_finish(t);
}

void tvc__cb_cancel_gather(tvc_cb_task *t)
{
    /* Cancel the children and wait: their callbacks finish the gather. */
    t->flags |= TVC__F_CLEANUP;
    for (size_t i = 0; i < t->u.gather.n; i++)
        tvc_future_cancel(t->u.gather.fs[i]);
}

/* ---- wait -------------------------------------------------------------- */

typedef struct tvc__cb_wait {
    tvc_rx_timer timer; /* the timeout, when there is one */
    tvc_future *const *fs;
    size_t n;
    tvc_cb_task *t;  /* NULL once finished */
    size_t inflight; /* callbacks registered and not yet run */
    int when;        /* enum tvc_cb_wait_when */
} tvc__cb_wait;

/* How many are done, and whether `when` holds. */
static size_t wait_count(const tvc__cb_wait *st, int *holds)
{
    size_t done = 0, failed = 0;
    for (size_t i = 0; i < st->n; i++) {
        if (!tvc_future_done(st->fs[i]))
            continue;
        done++;
        if (tvc_future_result(st->fs[i], NULL) != 0)
            failed++;
    }
    switch ((enum tvc_cb_wait_when)st->when) {
    case TVC_CB_FIRST_COMPLETED:
        *holds = done > 0 || st->n == 0;
        break;
    case TVC_CB_FIRST_EXCEPTION:
        *holds = failed > 0 || done == st->n;
        break;
    case TVC_CB_ALL_COMPLETED:
        *holds = done == st->n;
        break;
    default:
        abort(); /* tvc_cb_wait refused any other value */
    }
    return done;
}

static void wait_done(tvc_future *f, void *arg);

/* Ends the wait with status; the state lives on while callbacks that
 * could not be removed are still queued. */
static void wait_finish(tvc__cb_wait *st, int status)
{
    tvc_cb_task *t = st->t;
    st->t = NULL;
    tvc_reactor_timer_stop(tvc__cb_loop()->rx, &st->timer);
    for (size_t i = 0; i < st->n; i++) {
        int removed = tvc_future_remove_done_callback(st->fs[i], wait_done, st);
        for (int j = 0; j < removed; j++) {
            st->inflight--;
            tvc_future_unref(st->fs[i]);
        }
    }
    if (st->inflight == 0)
        free(st);
    tvc__cb_complete(t, status);
}

static void wait_done(tvc_future *f, void *arg)
{
    tvc__cb_wait *st = arg;
    tvc_future_unref(f);
    st->inflight--;
    if (!st->t) {
        if (st->inflight == 0)
            free(st);
        return;
    }
    int holds;
    size_t done = wait_count(st, &holds);
    if (holds)
        wait_finish(st, (int)done);
}

static void wait_timeout(tvc_rx_timer *timer)
{
    tvc__cb_wait *st = TVC__CONTAINER(timer, tvc__cb_wait, timer);
    int holds;
    wait_finish(st, (int)wait_count(st, &holds));
}

void tvc_cb_wait(tvc_cb_task *t, tvc_future *const *fs, size_t n,
                 enum tvc_cb_wait_when when, int64_t timeout_ns, tvc_cb_fn *k)
{
    if (TVC__CB_BEGIN(t, TVC__OP_WAIT, TVC__K_STATUS, k))
        return;
    int err = tvc__cb_wait_check(t, fs, n, timeout_ns);
    if (err == 0 && (unsigned)when > TVC_CB_ALL_COMPLETED)
        err = -EINVAL;
    if (err < 0) {
        tvc__cb_complete(t, err);
        return;
    }
    /* Judged on the stack first: a wait that holds at once, or a poll,
     * allocates nothing. */
    tvc__cb_wait now = {.fs = fs, .n = n, .t = t, .when = (int)when};
    int holds;
    size_t done = wait_count(&now, &holds);
    if (holds || timeout_ns == 0) {
        tvc__cb_complete(t, (int)done);
        return;
    }
    tvc__cb_wait *st = malloc(sizeof *st);
    if (!st) {
        tvc__cb_complete(t, -ENOMEM);
        return;
    }
    *st = now;
    t->u.wait = st;
    for (size_t i = 0; i < n; i++) {
        if (tvc_future_done(fs[i]))
            continue;
        tvc_future_ref(fs[i]);
        if (tvc_future_add_done_callback(fs[i], wait_done, st) < 0) {
            tvc_future_unref(fs[i]);
            wait_finish(st, -ENOMEM);
            return;
        }
        st->inflight++;
    }
    int64_t deadline = tvc_deadline(timeout_ns);
    if (deadline != TVC_FOREVER &&
        tvc_reactor_timer_start(tvc__cb_loop()->rx, &st->timer, deadline,
                                wait_timeout) < 0)
        wait_finish(st, -ENOMEM);
}

void tvc__cb_cancel_wait(tvc_cb_task *t)
{
    wait_finish(t->u.wait, -ECANCELED);
}
