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
static double per_task(int64_t before, int64_t after, long n)
{
    if (before < 0 || after < 0 || n == 0)
        return -1;
    return (double)(after - before) / (double)n;
}

static void idle_report(tvc_cb_task *t, idle_ctx *c)
{
    tvc_wl *w = c->w;
    long started = c->started;
    tvc_wl_figure(w, "tasks_reached", (double)started);
    double rss = per_task(c->before.rss_bytes, c->with.rss_bytes, started);
    double heap = per_task(c->before.heap_allocated_bytes,
                           c->with.heap_allocated_bytes, started);
    double kstack = per_task(c->before.kernel_stack_bytes,
                             c->with.kernel_stack_bytes, started);
    double slab = per_task(c->before.slab_bytes, c->with.slab_bytes, started);
    double ptab = per_task(c->before.page_tables_bytes,
                           c->with.page_tables_bytes, started);
    double kernel = kstack < 0 || slab < 0 ? -1 : kstack + slab;
    if (kernel >= 0 && ptab >= 0)
        kernel += ptab;
    tvc_wl_figure(w, "bytes_per_task_rss", rss);
    tvc_wl_figure(w, "bytes_per_task_heap", heap);
    tvc_wl_figure(w, "bytes_per_task_kernel_stack", kstack);
    tvc_wl_figure(w, "bytes_per_task_slab", slab);
    tvc_wl_figure(w, "bytes_per_task_page_tables", ptab);
    tvc_wl_figure(w, "bytes_per_task_kernel", kernel);
    tvc_wl_figure(w, "bytes_per_task_total",
                  rss < 0 || kernel < 0 ? -1 : rss + kernel);
    if (started > 0) {
        tvc_wl_figure(w, "spawn_ns_per_task", (double)c->spawn_ns / started);
        tvc_wl_figure(w, "spawns_per_s", started * 1e9 / (double)c->spawn_ns);
    }

    tvc_wl_check(w, "tasks_waiting", started, c->waiting);
    tvc_wl_check(w, "tasks_finished", started, c->finished);
    tvc_wl_check(w, "tasks_joined", started, c->joined);
    if (started == 0)
        tvc_wl_fail(w, c->spawn_err, "not a single task could be spawned");
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
    if (c->tasks < 1) {
        tvc_wl_fail(w, -EINVAL, "--tasks must be at least 1");
        tvc_cb_task_return(t, 0, NULL);
        return;
    }

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
    if (c->spawn_err != 0) {
        tvc_wl_note(w, "limit", "limit reached: spawn %ld failed with %s (%s)",
                    c->started + 1, tvc_err_name(c->spawn_err),
                    tvc_strerror(c->spawn_err));
    }

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
