/*
 * cancel: the parameters and the one-line summary that tvc-threaded,
 * tvc-coroutine and tvc-callback all print and accept, and the sum and
 * the record both styles make of their rounds, written once.
 */
#include "wl_spec.h"

const tvc_param_spec wl_cancel_params[] = {
    {"tasks", "100", "tasks blocked, then cancelled (100k for mass cancel)",
     "1.."},
    {"kind", "sleep", "where the tasks are blocked",
     "sleep|await|stream|lock|queue|event|cpu"},
    {"mode", "api",
     "api: tvc_cancel; pthread_cancel: raw threads with "
     "cleanup handlers (threaded runtime only)",
     "api|pthread_cancel"},
    {"rounds", "1",
     "rounds measured, each a whole spawn, block, cancel, clean-up cycle "
     "(mode=api: after one unmeasured warm-up round); every task of "
     "every round is a latency sample, so --tasks=1 gets a p99",
     "1.."},
    {"settle_ns", "1000000",
     "pause in each round after all report ready, so threads are "
     "inside the blocking call",
     "0.."},
    {NULL, NULL, NULL, NULL},
};

const char wl_cancel_summary[] =
    "cancel N blocked tasks; cancel-to-cleanup latency, leaks";

void wl_cancel_args_read(tvc_wl *w, wl_cancel_args *a)
{
    a->tasks = tvc_wl_int(w, "tasks");
    a->rounds = tvc_wl_int(w, "rounds");
    a->settle = tvc_wl_int(w, "settle_ns");
    a->kind = tvc_wl_str(w, "kind");
}

int wl_cancel_add(wl_cancel_round *sum, const wl_cancel_round *r)
{
    sum->rounds++;
    sum->spawned += r->spawned;
    sum->cancelled += r->cancelled;
    sum->once += r->once;
    sum->leaked += r->leaked;
    sum->cancel_calls_ns += r->cancel_calls_ns;
    sum->all_done_ns += r->all_done_ns;
    if (sum->rc == 0)
        sum->rc = r->rc;
    if (sum->limit.what == NULL)
        sum->limit = r->limit;
    /* A limit met is a result, not a fault: the next round may meet it
     * too and cancels what it has.  A round that failed its checks ends
     * the run; the sums carry its counts into the record. */
    return r->rc == 0 && r->cancelled == r->spawned && r->once == r->spawned &&
           r->leaked == 0;
}

void wl_cancel_report(tvc_wl *w, const wl_cancel_round *first,
                      const wl_cancel_round *r, const wl_cancel_args *a)
{
    /* No measured round ran: the warm-up's failure is the record. */
    wl_cancel_round none = {0};
    if (r == NULL) {
        none.before = none.after = first->after;
        r = &none;
    }
    int rc = first->rc != 0 ? first->rc : r->rc;
    if (rc != 0)
        tvc_wl_fail(w, rc, "setting up %lld blocked tasks",
                    (long long)a->tasks);
    /* The measured rounds ask for as many tasks as the first set up, so
     * any round may be the one that met the limit. */
    wl_note_limit(w, first->limit.what ? &first->limit : &r->limit, a->tasks);
    if (r->spawned > 0) {
        tvc_wl_figure(w, "cancel_call_ns",
                      (double)r->cancel_calls_ns / r->spawned);
        tvc_wl_figure(w, "all_cancelled_ns",
                      (double)r->all_done_ns / r->rounds);
    }
    tvc_wl_figure(w, "heap_growth_first_round_bytes",
                  (double)wl_grew(first->before.heap_allocated_bytes,
                                  first->after.heap_allocated_bytes));
    tvc_wl_figure(w, "tasks_set_up",
                  r->rounds > 0 ? (double)r->spawned / r->rounds : 0.0);
    /* Every task of every round, the warm-up's too, is checked. */
    tvc_wl_check(w, "rounds_run", a->rounds, r->rounds);
    tvc_wl_check(w, "tasks_cancelled", first->spawned + r->spawned,
                 first->cancelled + r->cancelled);
    tvc_wl_check(w, "cleanup_exactly_once", first->spawned + r->spawned,
                 first->once + r->once);
    tvc_wl_check(w, "buffers_leaked", 0, first->leaked + r->leaked);
    tvc_wl_check(w, "fds_leaked", 0,
                 wl_grew(first->before.open_fds, r->after.open_fds));
    /* The heap is a figure, not a check: the samples are taken settled
     * (tvc_settle), but a thread that is still alive keeps its allocator
     * cache, which may move it a little.  The runtimes' own tests assert
     * no leaks. */
    int64_t heap =
        wl_grew(r->before.heap_allocated_bytes, r->after.heap_allocated_bytes);
    tvc_wl_figure(w, "heap_leaked_bytes", (double)heap);
    tvc_wl_figure(w, "heap_leaked_bytes_per_task",
                  r->spawned > 0 ? (double)heap / r->spawned : 0.0);
}
