/*
 * The loop: one per thread, a reactor plus the runtime's bookkeeping
 * (live tasks, pending call handles, the executor), and which loop is the
 * thread's current one.  close reports what was still pending instead of
 * leaking it quietly.  Running it is run.c's.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "internal.h"

static __thread tvc_cb_loop *current_loop;

/* Executor threads when the caller gives 0. */
#define DEFAULT_EXECUTOR_THREADS 4

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

tvc_cb_loop *tvc__cb_loop_enter(tvc_cb_loop *loop)
{
    tvc_cb_loop *saved = current_loop;
    current_loop = loop;
    loop->running = 1;
    return saved;
}

void tvc__cb_loop_leave(tvc_cb_loop *loop, tvc_cb_loop *saved)
{
    loop->running = 0;
    current_loop = saved ? saved : loop;
}
