/*
 * Sleeping and checkpoints: a sleep is the one wait with only its deadline
 * and cancellation as clauses; a zero sleep or a checkpoint yields to every
 * task already ready.  A sleep of TVC_FOREVER ends only by a cancel;
 * other negative times are -EINVAL (tvc.h).
 */
#include <errno.h>

#include "internal.h"

/* Yields to everything already ready: a suspension point with no clause
 * but cancellation. */
static int yield(void)
{
    tvc__sched *S = tvc__S;
    tvc_task *t = S ? S->current : NULL;
    if (!t)
        return TVC_EINVALSTATE;
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
    if (!tvc_current())
        return TVC_EINVALSTATE;
    if (deadline < TVC_FOREVER)
        return -EINVAL;
    if (deadline == 0)
        return yield();
    /* TVC_FOREVER: only a cancel ends it. */
    int r = tvc__wait(deadline);
    return r == -ETIMEDOUT ? 0 : r;
}

int tvc_sleep(int64_t ns)
{
    if (ns == 0)
        return yield();
    return tvc_sleep_until(ns < 0 ? ns : tvc_deadline(ns));
}
