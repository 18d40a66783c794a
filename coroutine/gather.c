/*
 * Awaiting several futures: gather waits for each in turn through the
 * future clause of the one wait; wait registers one wake-up callback on
 * each and checks its condition again after every wake-up.
 */
#include <errno.h>

#include "internal.h"

/* Whether fs holds the calling task's own future, which cannot complete
 * while the task waits: -EDEADLK then, before any wait. */
static int holds_self(tvc_future *const *fs, size_t n, tvc_task *self)
{
    for (size_t i = 0; i < n; i++)
        if (fs[i] == tvc_task_future(self))
            return 1;
    return 0;
}

int tvc_gather(tvc_future *const *fs, size_t n)
{
    tvc_task *self = tvc_current();
    if (!self)
        return TVC_EINVALSTATE;
    if (holds_self(fs, n, self))
        return -EDEADLK;
    for (size_t i = 0; i < n; i++) {
        int r = tvc__wait_future(fs[i], TVC_FOREVER);
        if (r == -ECANCELED) {
            /* gather's caller was cancelled: so are the children. */
            for (size_t k = i; k < n; k++)
                tvc_future_cancel(fs[k]);
            for (size_t k = i; k < n; k++)
                tvc__wait_out(fs[k]);
            return -ECANCELED;
        }
        if (r < 0)
            return r;
    }
    for (size_t i = 0; i < n; i++) {
        int r = tvc_future_result(fs[i], NULL);
        if (r < 0)
            return r;
    }
    return 0;
}

static void on_any_done(tvc_future *f, void *arg)
{
    (void)f;
    tvc__wake(arg, 0);
}

/* Futures done, and whether `when` holds. */
static int wait_holds(tvc_future *const *fs, size_t n,
                      enum tvc_wait_when when, size_t *ndone)
{
    size_t done = 0;
    int failed = 0;
    for (size_t i = 0; i < n; i++) {
        if (!tvc_future_done(fs[i]))
            continue;
        done++;
        failed |= tvc_future_state_of(fs[i]) != TVC_FUTURE_DONE;
    }
    *ndone = done;
    if (done == n)
        return 1;
    if (when == TVC_FIRST_COMPLETED)
        return done > 0;
    if (when == TVC_FIRST_EXCEPTION)
        return failed;
    return 0;
}

int tvc_wait(tvc_future *const *fs, size_t n, enum tvc_wait_when when,
             int64_t timeout_ns)
{
    tvc_task *self = tvc_current();
    if (!self)
        return TVC_EINVALSTATE;
    if (tvc_timeout_check(timeout_ns) < 0 || (unsigned)when > TVC_ALL_COMPLETED)
        return -EINVAL;
    if (holds_self(fs, n, self))
        return -EDEADLK;
    size_t done;
    if (wait_holds(fs, n, when, &done))
        return (int)done;
    int64_t deadline = tvc_deadline(timeout_ns);
    size_t reg = 0;
    int r = 0;
    for (; reg < n && r == 0; reg++)
        if (!tvc_future_done(fs[reg]))
            r = tvc_future_add_done_callback(fs[reg], on_any_done, self);
    /* Each completion wakes us (if we are still waiting); the condition
     * is checked again before every wait, so none is missed. */
    while (r == 0 && !wait_holds(fs, n, when, &done)) {
        r = tvc__wait(deadline);
        if (r == -ETIMEDOUT) {
            wait_holds(fs, n, when, &done);
            r = 0;
            break;
        }
    }
    for (size_t i = 0; i < reg; i++)
        tvc_future_remove_done_callback(fs[i], on_any_done, self);
    return r < 0 ? r : (int)done;
}
