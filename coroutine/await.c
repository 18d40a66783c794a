/*
 * Awaiting one future: await, wait_for and shield, built from the future
 * clause of the one wait (tvc__wait_future).
 */
#include <errno.h>
#include <stdlib.h>

#include "internal.h"

int tvc_await(tvc_future *f, void **out)
{
    int r = tvc__wait_future(f, TVC_FOREVER);
    if (r < 0)
        return r;
    return tvc_future_result(f, out);
}

/* Waits for f to finish without being interrupted: the cancel that made
 * us stop waiting was delivered already, and cancel is idempotent, so
 * only a wait error other than a cancel can end this early. */
void tvc__wait_out(tvc_future *f)
{
    while (!tvc_future_done(f))
        if (tvc__wait_future(f, TVC_FOREVER) == -ENOMEM)
            tvc_sleep(TVC_MS(1)); /* try again once memory frees up */
}

int tvc_wait_for(tvc_future *f, int64_t timeout_ns, void **out)
{
    if (!tvc_current())
        return TVC_EINVALSTATE;
    int r = tvc_timeout_check(timeout_ns);
    if (r == 0)
        r = tvc__wait_future(f, tvc_deadline(timeout_ns));
    if (r == -ETIMEDOUT || r == -ECANCELED) {
        /* Timed out, or we were cancelled: the inner work is cancelled
         * and finishes (runs its cleanup) before we return. */
        tvc_future_cancel(f);
        tvc__wait_out(f);
        return r;
    }
    if (r < 0)
        return r;
    return tvc_future_result(f, out);
}

static void copy_outcome(tvc_future *inner, void *arg)
{
    tvc_future *outer = arg;
    void *v;
    int r = tvc_future_result(inner, &v);
    /* The outer future may have been cancelled already: then this is a
     * no-op that says so, as wanted. */
    if (r == 0)
        tvc_future_set_result(outer, v);
    else
        tvc_future_set_error(outer, r);
    tvc_future_unref(outer);
    tvc_future_unref(inner);
}

tvc_future *tvc_shield(tvc_future *f)
{
    tvc_future *outer = tvc_future_create();
    if (!outer)
        return NULL;
    /* The callback owns a reference to each until it runs. */
    tvc_future_ref(outer);
    tvc_future_ref(f);
    if (tvc_future_add_done_callback(f, copy_outcome, outer) < 0) {
        tvc_future_unref(f);
        tvc_future_unref(outer);
        tvc_future_unref(outer);
        return NULL;
    }
    return outer;
}
