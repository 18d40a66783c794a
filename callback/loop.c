/*
 * The loop: one per thread, a reactor plus the runtime's bookkeeping
 * (live tasks, pending call handles, the executor).  run_forever, run and
 * run_until_complete are the same iteration with different exits; close
 * reports what was still pending instead of leaking it quietly.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "internal.h"

static __thread tvc_cb_loop *current_loop;

/* Executor threads when the caller gives 0. */
#define DEFAULT_EXECUTOR_THREADS 4
/* While work keeps coming, the reactor is polled on one iteration in this
 * many; the others only run the ready work.  A poll is a syscall, and a
 * chain of continuations would otherwise pay one per hop.  The coroutine
 * runtime polls every 64 resumes, and sooner when a batch ends with a
 * timer due (tvc_reactor_timer_due, as below): the same policy, so the
 * two differ only in how work resumes. */
#define POLL_EVERY 64

tvc_cb_loop *tvc__cb_loop(void)
{
    return current_loop;
}

tvc_cb_loop *tvc_cb_loop_current(void)
{
    return current_loop;
}

int tvc_cb_loop_new(tvc_cb_loop **out, int executor_threads)
{
    tvc_cb_loop *loop = calloc(1, sizeof *loop);
    if (!loop)
        return -ENOMEM;
    int err = tvc_reactor_new(&loop->rx);
    if (err < 0) {
        free(loop);
        return err;
    }
    tvc__cb_list_init(&loop->handles);
    loop->ex_threads =
        executor_threads > 0 ? executor_threads : DEFAULT_EXECUTOR_THREADS;
    if (!current_loop)
        current_loop = loop;
    *out = loop;
    return 0;
}

uint64_t tvc_cb_loop_task_count(const tvc_cb_loop *loop)
{
    return loop->ntasks;
}

/* Frees the pending call handles; returns how many there were. */
uint64_t tvc__cb_handles_drop(tvc_cb_loop *loop);
/* Frees the spare future-callback nodes. */
void tvc__cb_fcb_trim(tvc_cb_loop *loop, size_t keep);

static void report(const char *what, uint64_t n)
{
    if (n)
        fprintf(stderr, "tvc callback loop closed with %llu %s pending\n",
                (unsigned long long)n, what);
}

int tvc_cb_loop_close(tvc_cb_loop *loop)
{
    if (loop->running)
        return -EBUSY;
    uint64_t jobs = tvc__cb_executor_shutdown(loop);
    uint64_t handles = tvc__cb_handles_drop(loop);
    /* Tasks own user state the loop cannot free: they are reported (and
     * their timers and fds with them), never freed behind the user. */
    uint64_t tasks = loop->ntasks;
    uint64_t timers = tvc_reactor_timer_count(loop->rx);
    uint64_t fds = tvc_reactor_io_count(loop->rx);
    report("executor jobs", jobs);
    report("call handles", handles);
    report("tasks", tasks);
    report("timers", timers);
    report("watched fds", fds);
    tvc__cb_fcb_trim(loop, 0);
    tvc_reactor_free(loop->rx);
    if (current_loop == loop)
        current_loop = NULL;
    free(loop);
    uint64_t n = jobs + handles + tasks + timers + fds;
    return n > INT32_MAX ? INT32_MAX : (int)n;
}

/* Something could still happen: work, timers, fds or executor jobs. */
static int loop_alive(const tvc_cb_loop *loop)
{
    return tvc_reactor_alive(loop->rx) || loop->ex_pending > 0;
}

/* Makes loop the running one; returns the loop that was current, to
 * give back to leave. */
static tvc_cb_loop *enter(tvc_cb_loop *loop)
{
    tvc_cb_loop *saved = current_loop;
    current_loop = loop;
    loop->running = 1;
    return saved;
}

static void leave(tvc_cb_loop *loop, tvc_cb_loop *saved)
{
    loop->running = 0;
    current_loop = saved ? saved : loop;
}

/* Iterates until stop, or (until_idle) until nothing is pending. */
static int loop_iterate(tvc_cb_loop *loop, int until_idle)
{
    if (loop->running)
        return -EBUSY;
    tvc_cb_loop *saved = enter(loop);
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
    leave(loop, saved);
    return err;
}

int tvc_cb_run_once(tvc_cb_loop *loop, int block)
{
    if (loop->running)
        return -EBUSY;
    tvc_cb_loop *saved = enter(loop);
    int n = tvc_reactor_run_once(loop->rx, block);
    leave(loop, saved);
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
