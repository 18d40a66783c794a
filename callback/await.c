/*
 * Waiting on one future: await, join and wait_for.  The task registers a
 * done callback (task, not a closure: no allocation) and holds a
 * reference on the future until that callback has run or was removed.
 * A callback already handed to the ready queue cannot be taken back, so
 * a cancel that comes too late lets the result through and leaves the
 * cancel pending for the task's next operation.
 */
#include <errno.h>
#include <stdlib.h>

#include "internal.h"

static void await_done(tvc_future *f, void *arg)
{
    tvc_cb_task *t = arg;
    void *value = NULL;
    int status = tvc_future_result(f, &value);
    tvc_future_unref(f);
    tvc__cb_complete_value(t, status, value);
}

void tvc_cb_await(tvc_cb_task *t, tvc_future *f, tvc_cb_value_fn *k)
{
    if (TVC__CB_BEGIN(t, TVC__OP_AWAIT, TVC__K_VALUE, k))
        return;
    int err = tvc__cb_wait_check(t, &f, 1, TVC_FOREVER);
    if (err < 0) {
        tvc__cb_complete(t, err);
        return;
    }
    t->u.await = tvc_future_ref(f);
    err = tvc_future_add_done_callback(f, await_done, t);
    if (err < 0) {
        tvc_future_unref(f);
        tvc__cb_complete(t, err);
    }
}

void tvc_cb_join(tvc_cb_task *t, tvc_cb_task *other, tvc_cb_value_fn *k)
{
    tvc_cb_await(t, &other->fut, k);
}

/* The deadline of wait_for: cancel f and wait for it to finish. */
static void wait_for_timer(tvc_rx_timer *timer)
{
    tvc_cb_task *t = TVC__CONTAINER(timer, tvc_cb_task, u.wait_for.timer);
    /* Already complete: its callback is on its way with the result. */
    if (tvc_future_done(t->u.wait_for.f))
        return;
    t->flags |= TVC__F_TIMED_OUT;
    tvc_future_cancel(t->u.wait_for.f);
}

static void wait_for_done(tvc_future *f, void *arg)
{
    tvc_cb_task *t = arg;
    tvc_reactor_timer_stop(tvc__cb_loop()->rx, &t->u.wait_for.timer);
    void *value = NULL;
    int status = tvc_future_result(f, &value);
    tvc_future_unref(f);
    if (t->flags & TVC__F_TIMED_OUT)
        status = -ETIMEDOUT;
    else if (t->flags & TVC__F_CLEANUP)
        status = -ECANCELED;
    t->flags &= (uint8_t) ~(TVC__F_TIMED_OUT | TVC__F_CLEANUP);
    tvc__cb_complete_value(t, status, status == 0 ? value : NULL);
}

void tvc_cb_wait_for(tvc_cb_task *t, tvc_future *f, int64_t timeout_ns,
                     tvc_cb_value_fn *k)
{
    if (TVC__CB_BEGIN(t, TVC__OP_WAIT_FOR, TVC__K_VALUE, k))
        return;
    int err = tvc__cb_wait_check(t, &f, 1, timeout_ns);
    if (err < 0) {
        tvc__cb_complete(t, err);
        return;
    }
    t->u.wait_for.f = tvc_future_ref(f);
    t->u.wait_for.timer.slot = 0;
    /* The timer first: it is the one of the two that is simply undone. */
    int64_t deadline = tvc_deadline(timeout_ns);
    if (deadline != TVC_FOREVER)
        err = tvc_reactor_timer_start(tvc__cb_loop()->rx, &t->u.wait_for.timer,
                                      deadline, wait_for_timer);
    if (err == 0 && (err = tvc_future_add_done_callback(f, wait_for_done, t)))
        tvc_reactor_timer_stop(tvc__cb_loop()->rx, &t->u.wait_for.timer);
    if (err < 0) {
        tvc_future_unref(f);
        tvc__cb_complete(t, err);
    }
}

/* Cancel of await and wait_for; gather and wait live in gather.c. */

void tvc__cb_cancel_future_op(tvc_cb_task *t)
{
    switch (t->op) {
    case TVC__OP_AWAIT: {
        tvc_future *f = t->u.await;
        if (tvc_future_remove_done_callback(f, await_done, t) == 0) {
            t->flags |= TVC__F_CANCEL_PENDING;
            return;
        }
        tvc_future_unref(f);
        tvc__cb_complete(t, -ECANCELED);
        return;
    }
    case TVC__OP_WAIT_FOR:
        /* asyncio cancels the inner future and waits for it. */
        tvc_reactor_timer_stop(tvc__cb_loop()->rx, &t->u.wait_for.timer);
        t->flags |= TVC__F_CLEANUP;
        tvc_future_cancel(t->u.wait_for.f);
        return;
    case TVC__OP_GATHER:
        tvc__cb_cancel_gather(t);
        return;
    case TVC__OP_WAIT:
        tvc__cb_cancel_wait(t);
        return;
    }
    abort(); /* tvc_cb_task_cancel dispatches only these four here */
}

static void shield_done(tvc_future *f, void *arg)
{
    tvc_future *outer = arg;
    void *value = NULL;
    int status = tvc_future_result(f, &value);
    /* The outer may have been cancelled: then this is a quiet no-op. */
    if (status == 0)
        tvc_future_set_result(outer, value);
    else
        tvc_future_set_error(outer, status);
    tvc_future_unref(outer);
    tvc_future_unref(f);
}

tvc_future *tvc_cb_shield(tvc_future *f)
{
    tvc_future *outer = tvc_cb_future_new(tvc__cb_loop());
    if (!outer)
        return NULL;
    tvc_future_ref(outer);
    tvc_future_ref(f);
    if (tvc_future_add_done_callback(f, shield_done, outer) < 0) {
        tvc_future_unref(f);
        tvc_future_unref(outer);
        tvc_future_unref(outer);
        return NULL;
    }
    return outer;
}
