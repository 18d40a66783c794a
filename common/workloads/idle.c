/*
 * idle: what a waiting task costs.  N tasks are spawned and all wait on
 * one event; with every one of them waiting, memory is sampled against a
 * baseline taken before the first spawn (process RSS, live heap, and the
 * system's kernel stacks, slab and page tables, which RSS does not show).
 * Then the event is set and every task joined.  When the runtime cannot
 * make another task (thread limits, memory), the workload stops there,
 * reports the N it reached and why, and measures over what it started.
 */
#include <math.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "tvc/mem.h"
#include "workloads.h"

/* Shared by the main task and every idle task. */
typedef struct idle_ctx {
    tvc_event *release;     /* set once: every task may finish */
    tvc_event *all_waiting; /* set by the task that completes the count */
    atomic_long waiting;    /* tasks that reached their wait */
    atomic_long target;     /* tasks started; 0 until spawning is over */
    atomic_long finished;   /* tasks whose wait returned 0 */
} idle_ctx;

static int idle_task(void *arg, void **result)
{
    idle_ctx *c = arg;
    long n = atomic_fetch_add(&c->waiting, 1) + 1;
    if (n == atomic_load(&c->target))
        tvc_event_set(c->all_waiting);
    int rc = tvc_event_wait(c->release);
    if (rc != 0)
        return rc;
    atomic_fetch_add(&c->finished, 1);
    return 0;
}

/* Per-task share of a system or process counter's growth.  NaN when a
 * probe could not read it (the record shows null); a system-wide counter
 * can shrink under other processes, so a negative share is a real one. */
static double per_task(int64_t before, int64_t after, long n)
{
    if (before < 0 || after < 0 || n == 0)
        return NAN;
    return (double)(after - before) / (double)n;
}

static int idle_run(tvc_wl *w)
{
    long tasks = (long)tvc_wl_int(w, "tasks");
    if (tasks < 1) {
        tvc_wl_fail(w, -EINVAL, "--tasks must be at least 1");
        return 0;
    }

    idle_ctx c;
    memset(&c, 0, sizeof c);
    tvc_task **handles = malloc((size_t)tasks * sizeof *handles);
    if (handles == NULL || tvc_event_new(&c.release) != 0 ||
        tvc_event_new(&c.all_waiting) != 0) {
        tvc_wl_fail(w, -ENOMEM, "no memory for %ld task handles", tasks);
        free(handles);
        return 0;
    }
    /* Touch the handle array now, so its pages are not counted per task. */
    memset(handles, 0, (size_t)tasks * sizeof *handles);

    tvc_mem before, with;
    tvc_mem_sample(&before);
    int64_t t0 = tvc_now();
    long started = 0;
    int spawn_err = 0;
    for (; started < tasks; started++) {
        spawn_err = tvc_spawn(&handles[started], idle_task, &c, NULL);
        if (spawn_err != 0)
            break;
    }
    int64_t spawn_ns = tvc_now() - t0;
    if (spawn_err != 0) {
        tvc_wl_note(w, "limit", "limit reached: spawn %ld failed with %s (%s)",
                    started + 1, tvc_err_name(spawn_err),
                    tvc_strerror(spawn_err));
    }

    /* Whoever sees the count complete signals it: the last task if the
     * target is already known, else the main task itself. */
    atomic_store(&c.target, started);
    int rc = 0;
    if (started > 0 && atomic_load(&c.waiting) < started)
        rc = tvc_event_wait(c.all_waiting);
    tvc_mem_sample(&with);

    tvc_event_set(c.release);
    long joined = 0;
    for (long i = 0; i < started; i++) {
        if (tvc_task_join(handles[i], NULL) == 0)
            joined++;
        tvc_task_release(handles[i]);
    }

    tvc_wl_figure(w, "tasks_reached", (double)started);
    double rss = per_task(before.rss_bytes, with.rss_bytes, started);
    double heap = per_task(before.heap_allocated_bytes,
                           with.heap_allocated_bytes, started);
    double kstack =
        per_task(before.kernel_stack_bytes, with.kernel_stack_bytes, started);
    double slab = per_task(before.slab_bytes, with.slab_bytes, started);
    double ptab =
        per_task(before.page_tables_bytes, with.page_tables_bytes, started);
    double kernel = kstack + slab + ptab;
    tvc_wl_figure(w, "bytes_per_task_rss", rss);
    tvc_wl_figure(w, "bytes_per_task_heap", heap);
    tvc_wl_figure(w, "bytes_per_task_kernel_stack", kstack);
    tvc_wl_figure(w, "bytes_per_task_slab", slab);
    tvc_wl_figure(w, "bytes_per_task_page_tables", ptab);
    tvc_wl_figure(w, "bytes_per_task_kernel", kernel);
    tvc_wl_figure(w, "bytes_per_task_total", rss + kernel);
    if (started > 0) {
        tvc_wl_figure(w, "spawn_ns_per_task", (double)spawn_ns / started);
        tvc_wl_figure(w, "spawns_per_s", started * 1e9 / (double)spawn_ns);
    }

    tvc_wl_check(w, "tasks_waiting", started, atomic_load(&c.waiting));
    tvc_wl_check(w, "tasks_finished", started, atomic_load(&c.finished));
    tvc_wl_check(w, "tasks_joined", started, joined);
    if (started == 0)
        tvc_wl_fail(w, spawn_err, "not a single task could be spawned");
    tvc_event_free(c.release);
    tvc_event_free(c.all_waiting);
    free(handles);
    return rc;
}

const tvc_workload tvc_wl_idle = {
    "idle",
    wl_idle_summary,
    wl_idle_params,
    idle_run,
};
