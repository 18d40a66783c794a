/*
 * Sleeping and checkpoints: a sleep parks the task's thread until the
 * deadline or a cancel; a zero sleep or a checkpoint takes a pending
 * cancel or yields the CPU.  A sleep of TVC_FOREVER ends only by a cancel;
 * other negative times are -EINVAL (tvc.h).
 */
#include "internal.h"

#include <errno.h>
#include <sched.h>

int tvc_sleep_until(int64_t deadline)
{
    if (!tvc__in_run())
        return TVC_EINVALSTATE;
    if (deadline < TVC_FOREVER)
        return -EINVAL;
    /* TVC_FOREVER: only a cancel ends it. */
    tvc__waiter *w = tvc__waiter_self();
    int r = tvc__park(w, NULL, deadline, 0);
    if (r == -ETIMEDOUT)
        return 0;
    return tvc__cancel_take(w);
}

int tvc_sleep(int64_t ns)
{
    if (ns == 0)
        return tvc_checkpoint();
    return tvc_sleep_until(ns < 0 ? ns : tvc_deadline(ns));
}

int tvc_checkpoint(void)
{
    if (!tvc__in_run())
        return TVC_EINVALSTATE;
    int r = tvc__cancel_take(tvc__waiter_self());
    if (r == 0)
        sched_yield();
    return r;
}
