/*
 * Waiting on futures: await, wait_for and shield, and the wait on several
 * futures that gather and wait use too (tvc__wait_many): it registers a
 * done callback on each future that counts completions under the caller's
 * waiter mutex and fires the waiter when the condition holds, parks, then
 * unregisters.  A callback that could not be removed has run or is
 * running in the completing thread; tvc__wait_many waits for it to finish
 * touching the stack-allocated state before returning, so no callback
 * outlives it.
 */
#include "internal.h"

#include <errno.h>

/* One wait on several futures; lives on the waiting thread's stack. */
typedef struct multi {
    tvc__waiter *w;    /* whom the callbacks wake */
    _Atomic int fired; /* the condition held */
    enum tvc__want want;
    size_t n;      /* callbacks registered */
    size_t ran;    /* callbacks that ran; under w->mu */
    size_t errors; /* of those, futures that failed or were cancelled */
} multi;

static int multi_met(const multi *m)
{
    switch (m->want) {
    case TVC__WANT_ANY:
        return m->ran > 0;
    case TVC__WANT_FIRST_ERROR:
        return m->errors > 0 || m->ran == m->n;
    case TVC__WANT_ALL:
        return m->ran == m->n;
    }
    return 1;
}

static void multi_cb(tvc_future *f, void *arg)
{
    multi *m = arg;
    pthread_mutex_lock(&m->w->mu);
    m->ran++;
    if (tvc_future_state_of(f) != TVC_FUTURE_DONE)
        m->errors++;
    if (multi_met(m))
        atomic_store(&m->fired, 1);
    /* Also wakes the unregistering wait below. */
    pthread_cond_signal(&m->w->cv);
    pthread_mutex_unlock(&m->w->mu);
}

int tvc__wait_many(tvc_future *const *fs, size_t n, enum tvc__want want,
                   int64_t deadline, int flags)
{
    tvc_task *self = tvc_current();
    for (size_t i = 0; self && i < n; i++)
        if (fs[i] == &self->fut)
            return -EDEADLK; /* it completes when we return */
    if (n == 0)
        return 0;
    multi m = {.w = tvc__waiter_self(), .want = want, .n = n};
    atomic_init(&m.fired, 0);
    int r = 0;
    size_t reg;
    for (reg = 0; reg < n; reg++) {
        r = tvc_future_add_done_callback(fs[reg], multi_cb, &m);
        if (r < 0)
            break;
    }
    if (r == 0)
        r = tvc__park(m.w, &m.fired, deadline, flags);

    size_t removed = 0;
    for (size_t i = 0; i < reg; i++)
        removed += (size_t)tvc_future_remove_done_callback(fs[i], multi_cb, &m);
    pthread_mutex_lock(&m.w->mu);
    while (m.ran < reg - removed)
        pthread_cond_wait(&m.w->cv, &m.w->mu);
    pthread_mutex_unlock(&m.w->mu);
    return r;
}

void tvc__await_quiet(tvc_future *f)
{
    while (!tvc_future_done(f))
        tvc__wait_many(&f, 1, TVC__WANT_ANY, -1, TVC__PARK_UNINTERRUPTIBLE);
}

tvc_future *tvc_future_create(void)
{
    return tvc_future_new(&tvc__future_rt);
}

int tvc_await(tvc_future *f, void **out)
{
    if (!tvc__in_run())
        return TVC_EINVALSTATE;
    if (!tvc_future_done(f)) {
        int r = tvc__wait_many(&f, 1, TVC__WANT_ANY, -1, 0);
        if (r == -ECANCELED)
            tvc__cancel_take(tvc__waiter_self());
        if (r < 0)
            return r;
    }
    return tvc_future_result(f, out);
}

void tvc__cancel_and_wait(tvc_future *const *fs, size_t n)
{
    for (size_t i = 0; i < n; i++)
        tvc_future_cancel(fs[i]);
    for (size_t i = 0; i < n; i++)
        tvc__await_quiet(fs[i]);
}

int tvc_wait_for(tvc_future *f, int64_t timeout_ns, void **out)
{
    if (!tvc__in_run())
        return TVC_EINVALSTATE;
    if (tvc_timeout_check(timeout_ns) < 0)
        return -EINVAL;
    int r = tvc__wait_many(&f, 1, TVC__WANT_ANY, tvc_deadline(timeout_ns), 0);
    if (r == 0)
        return tvc_future_result(f, out);
    if (r == -ECANCELED)
        tvc__cancel_take(tvc__waiter_self());
    if (r == -ENOMEM || r == -EDEADLK)
        return r;
    /* Timed out or cancelled: the inner work goes too, and is finished
     * when we return. */
    tvc__cancel_and_wait(&f, 1);
    return r;
}

/* Copies the inner future's outcome to the shield, then drops the
 * reference the registration held. */
static void shield_cb(tvc_future *inner, void *arg)
{
    tvc_future *outer = arg;
    void *res = NULL;
    int r = tvc_future_result(inner, &res);
    if (r == 0)
        tvc_future_set_result(outer, res);
    else
        tvc_future_set_error(outer, r);
    tvc_future_unref(outer);
}

tvc_future *tvc_shield(tvc_future *f)
{
    tvc_future *outer = tvc_future_new(&tvc__future_rt);
    if (!outer)
        return NULL;
    tvc_future_ref(outer);
    if (tvc_future_add_done_callback(f, shield_cb, outer) < 0) {
        tvc_future_unref(outer);
        tvc_future_unref(outer);
        return NULL;
    }
    return outer;
}
