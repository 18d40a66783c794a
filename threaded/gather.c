/*
 * Waiting on several futures: gather and wait, both one tvc__wait_many
 * over all of them.  A cancelled gather cancels its futures and waits
 * for them to finish.
 */
#include "internal.h"

#include <errno.h>

int tvc_gather(tvc_future *const *fs, size_t n)
{
    if (!tvc__in_run())
        return TVC_EINVALSTATE;
    int r = tvc__wait_many(fs, n, TVC__WANT_ALL, -1, 0);
    if (r == -ECANCELED) {
        tvc__cancel_take(tvc__waiter_self());
        tvc__cancel_and_wait(fs, n);
        return -ECANCELED;
    }
    if (r < 0)
        return r;
    for (size_t i = 0; i < n; i++) {
        int e = tvc_future_result(fs[i], NULL);
        if (e < 0)
            return e;
    }
    return 0;
}

int tvc_wait(tvc_future *const *fs, size_t n, enum tvc_wait_when when,
             int64_t timeout_ns)
{
    if (!tvc__in_run())
        return TVC_EINVALSTATE;
    if (tvc_timeout_check(timeout_ns) < 0 || (unsigned)when > TVC_ALL_COMPLETED)
        return -EINVAL;
    enum tvc__want want = when == TVC_FIRST_COMPLETED   ? TVC__WANT_ANY
                          : when == TVC_FIRST_EXCEPTION ? TVC__WANT_FIRST_ERROR
                                                        : TVC__WANT_ALL;
    int r = tvc__wait_many(fs, n, want, tvc_deadline(timeout_ns), 0);
    if (r == -ECANCELED)
        tvc__cancel_take(tvc__waiter_self());
    if (r < 0 && r != -ETIMEDOUT)
        return r;
    int done = 0;
    for (size_t i = 0; i < n; i++)
        done += tvc_future_done(fs[i]);
    return done;
}
