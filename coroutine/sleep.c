/*
 * Sleeping and checkpoints: a sleep is the one wait with only its deadline
 * and cancellation as clauses; a zero sleep or a checkpoint yields to every
 * task already ready.
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
