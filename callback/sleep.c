/*
 * Sleeping: the task's own timer (inside the task) armed in the reactor.
 * A sleep of 0 is a yield: the task goes to the back of the ready queue.
 * TVC_FOREVER arms no timer: only a cancel ends that sleep.
 */
#include <errno.h>

#include "internal.h"

static void woke(tvc_rx_timer *timer)
{
    tvc__cb_complete(TVC__CONTAINER(timer, tvc_cb_task, u.timer), 0);
}

void tvc_cb_sleep_until(tvc_cb_task *t, int64_t deadline, tvc_cb_fn *k)
{
    if (TVC__CB_BEGIN(t, TVC__OP_SLEEP, TVC__K_STATUS, k))
        return;
    t->u.timer.slot = 0;
    if (tvc_timeout_check(deadline) < 0) {
        tvc__cb_complete(t, -EINVAL);
    } else if (deadline != TVC_FOREVER) {
        int err = tvc_reactor_timer_start(tvc__cb_loop()->rx, &t->u.timer,
                                          deadline, woke);
        if (err < 0)
            tvc__cb_complete(t, err); /* no room for the timer: -ENOMEM */
    }
}

void tvc_cb_sleep(tvc_cb_task *t, int64_t ns, tvc_cb_fn *k)
{
    if (ns == 0) {
        tvc_cb_checkpoint(t, k);
        return;
    }
    /* -1 and the other negatives go through as such: forever, -EINVAL. */
    tvc_cb_sleep_until(t, ns < 0 ? ns : tvc_deadline(ns), k);
}

void tvc_cb_checkpoint(tvc_cb_task *t, tvc_cb_fn *k)
{
    if (TVC__CB_BEGIN(t, TVC__OP_SLEEP, TVC__K_STATUS, k))
        return;
    /* Completing at once posts the resume behind the work queued now. */
    t->u.timer.slot = 0;
    tvc__cb_complete(t, 0);
}

void tvc__cb_cancel_sleep(tvc_cb_task *t)
{
    tvc_reactor_timer_stop(tvc__cb_loop()->rx, &t->u.timer);
    tvc__cb_complete(t, -ECANCELED);
}
