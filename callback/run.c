/*
 * Running the loop: run_forever, run and run_until_complete are the same
 * iteration with different exits; run_once is one turn of it, and stop
 * ends the iteration at the end of the current turn.
 */
#include <errno.h>

#include "internal.h"

/* While work keeps coming, the reactor is polled on one iteration in this
 * many; the others only run the ready work.  A poll is a syscall, and a
 * chain of continuations would otherwise pay one per hop.  The coroutine
 * runtime polls every 64 resumes, and sooner when a batch ends with a
 * timer due (tvc_reactor_timer_due, as below): the same policy, so the
 * two differ only in how work resumes. */
#define POLL_EVERY 64

/* Something could still happen: work, timers, fds or executor jobs. */
static int loop_alive(const tvc_cb_loop *loop)
{
    return tvc_reactor_alive(loop->rx) || loop->ex_pending > 0;
}

/* Iterates until stop, or (until_idle) until nothing is pending. */
static int loop_iterate(tvc_cb_loop *loop, int until_idle)
{
    if (loop->running)
        return -EBUSY;
    tvc_cb_loop *saved = tvc__cb_loop_enter(loop);
    int err = 0;
    while (!loop->stopping && (!until_idle || loop_alive(loop))) {
        int n = tvc_reactor_run_once(loop->rx, 1);
        if (n < 0) {
            err = n;
            break;
        }
        /* A due timer ends the run: it would otherwise wait behind up
         * to POLL_EVERY steps of a chain of continuations. */
        for (int k = 1; k < POLL_EVERY && !loop->stopping; k++)
            if (tvc_reactor_timer_due(loop->rx) ||
                tvc_reactor_run_ready(loop->rx) == 0)
                break;
    }
    loop->stopping = 0;
    tvc__cb_loop_leave(loop, saved);
    return err;
}

int tvc_cb_run_once(tvc_cb_loop *loop, int block)
{
    if (loop->running)
        return -EBUSY;
    tvc_cb_loop *saved = tvc__cb_loop_enter(loop);
    int n = tvc_reactor_run_once(loop->rx, block);
    tvc__cb_loop_leave(loop, saved);
    return n;
}

int tvc_cb_run_forever(tvc_cb_loop *loop)
{
    return loop_iterate(loop, 0);
}

int tvc_cb_run(tvc_cb_loop *loop)
{
    return loop_iterate(loop, 1);
}

void tvc_cb_stop(tvc_cb_loop *loop)
{
    loop->stopping = 1;
}

static void stop_when_done(tvc_future *f, void *arg)
{
    tvc_cb_stop(arg);
}

int tvc_cb_run_until_complete(tvc_cb_loop *loop, tvc_future *f, void **out)
{
    tvc_future_ref(f);
    int err = tvc_future_add_done_callback(f, stop_when_done, loop);
    if (err == 0)
        err = tvc_cb_run_forever(loop);
    if (err == 0)
        err = tvc_future_result(f, out);
    /* Stopped early: our callback must not stop a later run. */
    tvc_future_remove_done_callback(f, stop_when_done, loop);
    tvc_future_unref(f);
    return err;
}
