/*
 * cancel: the parameters and the one-line summary that tvc-threaded,
 * tvc-coroutine and tvc-callback all print and accept, and the record
 * both styles make of their two rounds, written once.
 */
#include "wl_spec.h"

const tvc_param_spec wl_cancel_params[] = {
    {"tasks", "100", "tasks blocked, then cancelled (100k for mass cancel)",
     NULL},
    {"kind", "sleep", "where the tasks are blocked",
     "sleep|await|stream|lock|queue|event|cpu"},
    {"mode", "api",
     "api: tvc_cancel; pthread_cancel: raw threads with "
     "cleanup handlers (threaded runtime only)",
     "api|pthread_cancel"},
    {"settle_ns", "1000000",
     "pause after all report ready, so threads are "
     "inside the blocking call",
     NULL},
    {NULL, NULL, NULL, NULL},
};

const char wl_cancel_summary[] =
    "cancel N blocked tasks; cancel-to-cleanup latency, leaks";

void wl_cancel_report(tvc_wl *w, tvc_hist *h, const wl_cancel_round *first,
                      const wl_cancel_round *r, int64_t tasks)
{
    if (r->rc != 0)
        tvc_wl_fail(w, r->rc, "setting up %lld blocked tasks",
                    (long long)tasks);
    /* The second round asks for as many tasks as the first set up, so
     * either round may be the one that met the limit. */
    wl_note_limit(w, first->limit.what ? &first->limit : &r->limit, tasks);
    if (r->spawned > 0) {
        tvc_wl_figure(w, "cancel_to_cleanup_ns_median",
                      (double)tvc_hist_percentile(h, 50));
        tvc_wl_figure(w, "cancel_to_cleanup_ns_p99",
                      (double)tvc_hist_percentile(h, 99));
        tvc_wl_figure(w, "cancel_call_ns",
                      (double)r->cancel_calls_ns / r->spawned);
        tvc_wl_figure(w, "all_cancelled_ns", (double)r->all_done_ns);
    }
    tvc_wl_figure(w, "heap_growth_first_round_bytes",
                  (double)wl_grew(first->before.heap_allocated_bytes,
                                  first->after.heap_allocated_bytes));
    tvc_wl_figure(w, "tasks_set_up", (double)r->spawned);
    tvc_wl_check(w, "tasks_cancelled", r->spawned, r->cancelled);
    tvc_wl_check(w, "cleanup_exactly_once", r->spawned, r->once);
    tvc_wl_check(w, "buffers_leaked", 0, first->leaked + r->leaked);
    tvc_wl_check(w, "fds_leaked", 0,
                 wl_grew(first->before.open_fds, r->after.open_fds));
    /* The heap is a figure, not a check: per-thread allocator caches
     * (jemalloc's tcache in threads the runtime still holds) move it by
     * tens of KiB either way.  The runtimes' own tests assert no leaks. */
    int64_t heap =
        wl_grew(r->before.heap_allocated_bytes, r->after.heap_allocated_bytes);
    tvc_wl_figure(w, "heap_leaked_bytes", (double)heap);
    tvc_wl_figure(w, "heap_leaked_bytes_per_task",
                  r->spawned > 0 ? (double)heap / r->spawned : 0.0);
}
