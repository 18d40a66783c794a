/*
 * idle, in continuation-passing style (twin of common/workloads/idle.c):
 * N tasks are spawned and all wait on one event; with every one of them
 * waiting, memory is sampled against a baseline taken before the first
 * spawn.  Then the event is set and every task joined.  A waiting task
 * here is its 128-byte struct with the event's wait node inside: no
 * stack, no closure.
 *
 * The main task's steps, each a continuation:
 *   idle_main        parameters, spawn N, wait until all are waiting
 *   idle_all_waiting sample memory, release, join the first
 *   idle_joined      count, join the next ... then report
 */
#include <stdlib.h>
#include <string.h>

#include "cb_workloads.h"
#include "tvc/mem.h"

/* Shared by the main task and every idle task (one thread: no atomics). */
typedef struct idle_ctx {
    tvc_wl *w;
    tvc_cb_event *release;     /* set once: every task may finish */
    tvc_cb_event *all_waiting; /* set by the task that completes the count */
    long waiting;              /* tasks that reached their wait */
    long target;               /* tasks started; 0 until spawning is over */
    long finished;             /* tasks whose wait returned 0 */
    /* the main task's frame, kept across its continuations */
    tvc_cb_task **handles;
    long tasks, started, joined, next;
    int spawn_err;
    int64_t spawn_ns;
    tvc_mem before, with;
} idle_ctx;

static void idle_woke(tvc_cb_task *t, int status)
{
    idle_ctx *c = tvc_cb_task_arg(t);
    if (status != 0) {
        tvc_cb_task_return(t, status, NULL);
        return;
    }
    c->finished++;
    tvc_cb_task_return(t, 0, NULL);
}

static void idle_task(tvc_cb_task *t, int status)
{
    idle_ctx *c = tvc_cb_task_arg(t);
    if (status != 0) {
        tvc_cb_task_return(t, status, NULL);
        return;
    }
    if (++c->waiting == c->target)
        tvc_cb_event_set(c->all_waiting);
    tvc_cb_event_wait(t, c->release, idle_woke);
}

/* Per-task share of a system or process counter's growth (-1 unknown). */
static void idle_report(tvc_cb_task *t, idle_ctx *c)
{
    wl_idle_tally tally = {c->started, c->spawn_err, c->spawn_ns, c->before,
                           c->with,    c->waiting,   c->finished, c->joined};
    wl_idle_report(c->w, &tally);
    tvc_cb_event_free(c->release);
    tvc_cb_event_free(c->all_waiting);
    free(c->handles);
    tvc_cb_task_return(t, 0, NULL);
}

static void idle_joined(tvc_cb_task *t, int status, void *value)
{
    idle_ctx *c = tvc_cb_task_arg(t);
    if (status == 0)
        c->joined++;
    tvc_cb_task_release(c->handles[c->next]);
    if (++c->next < c->started) {
        tvc_cb_join(t, c->handles[c->next], idle_joined);
        return;
    }
    idle_report(t, c);
}

static void idle_all_waiting(tvc_cb_task *t, int status)
{
    idle_ctx *c = tvc_cb_task_arg(t);
    tvc_mem_sample(&c->with);

    tvc_cb_event_set(c->release);
    c->next = 0;
    if (c->started > 0) {
        tvc_cb_join(t, c->handles[0], idle_joined);
        return;
    }
    idle_report(t, c);
}

static void idle_main(tvc_cb_task *t, int status)
{
    idle_ctx *c = tvc_cb_task_arg(t);
    tvc_wl *w = c->w;
    c->tasks = (long)tvc_wl_int(w, "tasks");
    c->handles = malloc((size_t)c->tasks * sizeof *c->handles);
    if (c->handles == NULL || tvc_cb_event_new(&c->release) != 0 ||
        tvc_cb_event_new(&c->all_waiting) != 0) {
        tvc_wl_fail(w, -ENOMEM, "no memory for %ld task handles", c->tasks);
        free(c->handles);
        tvc_cb_task_return(t, 0, NULL);
        return;
    }
    /* Touch the handle array now, so its pages are not counted per task. */
    memset(c->handles, 0, (size_t)c->tasks * sizeof *c->handles);

    tvc_mem_sample(&c->before);
    int64_t t0 = tvc_now();
    tvc_cb_loop *loop = tvc_cb_loop_current();
    for (; c->started < c->tasks; c->started++) {
        c->spawn_err =
            tvc_cb_spawn(loop, &c->handles[c->started], idle_task, c);
        if (c->spawn_err != 0)
            break;
    }
    c->spawn_ns = tvc_now() - t0;

    /* Whoever sees the count complete signals it: the last task if the
     * target is already known, else the main task itself. */
    c->target = c->started;
    if (c->started > 0 && c->waiting < c->started) {
        tvc_cb_event_wait(t, c->all_waiting, idle_all_waiting);
        return;
    }
    idle_all_waiting(t, 0);
}

static int idle_run(tvc_wl *w)
{
    idle_ctx c;
    memset(&c, 0, sizeof c);
    c.w = w;
    return cbwl_run_main(idle_main, &c);
}

const tvc_workload tvc_cbwl_idle = {
    "idle",
    wl_idle_summary,
    wl_idle_params,
    idle_run,
};
