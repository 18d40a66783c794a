/*
 * tvc_run: the runtime's lifetime.  It sets up the wake-up signal, runs
 * main as the first task on its own thread (so main gets the same stack
 * size and cancellation as every other task), waits for it, then cancels
 * and joins every task still alive and stops the executor pool, so nothing
 * started inside a run outlives it.
 */
#include "internal.h"

#include <errno.h>
#include <sys/prctl.h>

/* Re-delivery period for the teardown cancel: a task that swallowed one
 * -ECANCELED and blocked again gets another. */
#define TEARDOWN_RECANCEL_NS TVC_MS(100)

enum { DEFAULT_EXECUTOR_THREADS = 4 };

tvc__runtime tvc__rt = {
    .mu = PTHREAD_MUTEX_INITIALIZER,
};

const char *tvc_runtime_name(void)
{
    return "threaded";
}

/* Cancels every live task until none is left, then joins them all. */
static void teardown(void)
{
    while (tvc__cancel_all() > 0) {
        struct timespec ts = tvc__timespec(tvc_now() + TEARDOWN_RECANCEL_NS);
        pthread_mutex_lock(&tvc__rt.mu);
        if (tvc__rt.nlive > 0)
            pthread_cond_timedwait(&tvc__rt.idle, &tvc__rt.mu, &ts);
        pthread_mutex_unlock(&tvc__rt.mu);
    }
    pthread_mutex_lock(&tvc__rt.mu);
    tvc__reap_locked(1);
    pthread_mutex_unlock(&tvc__rt.mu);
}

/* Returns main's status (*result set when 0), TVC_EINVALSTATE when a run
 * is already going on, -EINVAL for a stack_size over TVC_STACK_SIZE_MAX,
 * or tvc_spawn's error for main. */
int tvc_run(tvc_task_fn *main, void *arg, void **result,
            const tvc_run_opts *opts)
{
    if (tvc__rt.running)
        return TVC_EINVALSTATE;
    if (opts && opts->stack_size > TVC_STACK_SIZE_MAX)
        return -EINVAL;
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&tvc__rt.idle, &ca);
    pthread_cond_init(&tvc__rt.moved, NULL);
    pthread_condattr_destroy(&ca);
    tvc__rt.stack_size = opts ? opts->stack_size : 0;
    tvc__rt.executor_threads = opts && opts->executor_threads > 0
                                   ? opts->executor_threads
                                   : DEFAULT_EXECUTOR_THREADS;
    tvc__rt.seq = 0;
    tvc__rt.running = 1;
    /* The loop runtimes drop their thread's timer slack to 1 ns (see
     * common/src/reactor_epoll.c); threads inherit the slack of the
     * thread that creates them, so setting it here gives every task and
     * executor thread the same timer precision and keeps the timers
     * comparison fair. */
    prctl(PR_SET_TIMERSLACK, 1UL, 0, 0, 0);
    tvc__signal_setup();
    tvc__waiter self;
    tvc__waiter_init(&self, 0);
    tvc__waiter *prev = tvc__waiter_attach(&self);

    tvc_task *t;
    tvc_task_opts topts = {.name = "main"};
    int r = tvc_spawn(&t, main, arg, &topts);
    if (r == 0) {
        tvc__await_quiet(&t->fut);
        r = tvc_future_result(&t->fut, result);
        tvc_task_release(t);
    }
    teardown();
    tvc__executor_shutdown();

    tvc__waiter_attach(prev);
    tvc__waiter_destroy(&self);
    tvc__signal_restore();
    tvc__rt.running = 0;
    pthread_cond_destroy(&tvc__rt.idle);
    pthread_cond_destroy(&tvc__rt.moved);
    return r;
}
