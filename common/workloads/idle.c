/*
 * idle: what a waiting task costs.  N tasks are spawned and all wait on
 * one event; with every one of them waiting, memory is sampled against a
 * baseline taken before the first spawn (process RSS, live heap, and the
 * system's kernel stacks, slab and page tables, which RSS does not show).
 * Then the event is set and every task joined.  When the runtime cannot
 * make another task (thread limits, memory), the workload stops there,
 * reports the N it reached and why, and measures over what it started.
 */
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
static int idle_run(tvc_wl *w)
{
    long tasks = (long)tvc_wl_int(w, "tasks");
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

    wl_idle_tally tally = {started,
                           spawn_err,
                           spawn_ns,
                           before,
                           with,
                           atomic_load(&c.waiting),
                           atomic_load(&c.finished),
                           joined};
    wl_idle_report(w, &tally);
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
