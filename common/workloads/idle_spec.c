/*
 * idle: the parameters and the one-line summary that tvc-threaded,
 * tvc-coroutine and tvc-callback all print and accept, and the record
 * both styles make of the run, written once.
 */
#include <math.h>

#include "wl_spec.h"

const tvc_param_spec wl_idle_params[] = {
    {"tasks", "1000",
     "tasks waiting at once (1M for coroutines; threads stop near 32k)", "1.."},
    {NULL, NULL, NULL, NULL},
};

const char wl_idle_summary[] =
    "spawn N tasks that all wait on one event; bytes per task";

static double per_task(int64_t before, int64_t after, int64_t n)
{
    if (before < 0 || after < 0 || n == 0)
        return NAN;
    return (double)(after - before) / (double)n;
}

void wl_idle_report(tvc_wl *w, const wl_idle_tally *t)
{
    const tvc_mem *b = &t->before, *m = &t->with;
    int64_t n = t->started;
    if (t->spawn_err != 0)
        tvc_wl_note(w, "limit", "limit reached: spawn %lld failed with %s (%s)",
                    (long long)n + 1, tvc_err_name(t->spawn_err),
                    tvc_strerror(t->spawn_err));
    tvc_wl_figure(w, "tasks_reached", (double)n);
    double rss = per_task(b->rss_bytes, m->rss_bytes, n);
    double heap = per_task(b->heap_allocated_bytes, m->heap_allocated_bytes, n);
    double kstack = per_task(b->kernel_stack_bytes, m->kernel_stack_bytes, n);
    double slab = per_task(b->slab_bytes, m->slab_bytes, n);
    double ptab = per_task(b->page_tables_bytes, m->page_tables_bytes, n);
    double kernel = kstack + slab + ptab;
    tvc_wl_figure(w, "bytes_per_task_rss", rss);
    tvc_wl_figure(w, "bytes_per_task_heap", heap);
    tvc_wl_figure(w, "bytes_per_task_kernel_stack", kstack);
    tvc_wl_figure(w, "bytes_per_task_slab", slab);
    tvc_wl_figure(w, "bytes_per_task_page_tables", ptab);
    tvc_wl_figure(w, "bytes_per_task_kernel", kernel);
    tvc_wl_figure(w, "bytes_per_task_total", rss + kernel);
    if (n > 0) {
        tvc_wl_figure(w, "spawn_ns_per_task", (double)t->spawn_ns / n);
        tvc_wl_figure(w, "spawns_per_s", n * 1e9 / (double)t->spawn_ns);
    }

    tvc_wl_check(w, "tasks_waiting", n, t->waiting);
    tvc_wl_check(w, "tasks_finished", n, t->finished);
    tvc_wl_check(w, "tasks_joined", n, t->joined);
    if (n == 0)
        tvc_wl_fail(w, t->spawn_err, "not a single task could be spawned");
}
