/*
 * fanout: the parameters and the one-line summary that tvc-threaded,
 * tvc-coroutine and tvc-callback all print and accept, and the record
 * both styles make, written once.
 */
#include "wl_spec.h"

const tvc_param_spec wl_fanout_params[] = {
    {"items", "20", "items to download (M)", NULL},
    {"limit", "5", "downloads in flight at once (L, a semaphore)", NULL},
    {"delay_ns", "2000000",
     "the server's delay per answer (with --server: the delay it was "
     "started with, for ideal_ns)",
     NULL},
    {"server", "",
     "HOST:PORT of an external delay server; empty: start one "
     "in this process",
     NULL},
    {NULL, NULL, NULL, NULL},
};

const char wl_fanout_summary[] =
    "download M items from a delaying server, at most L at once";

void wl_fanout_report(tvc_wl *w, int rc, const wl_fanout_tally *t)
{
    if (rc == 0) {
        if (t->latency)
            wl_record_samples(w, "download", t->latency, (size_t)t->items);
        int64_t waves = (t->items + t->limit - 1) / t->limit;
        tvc_wl_figure(w, "total_ns", (double)t->total_ns);
        tvc_wl_figure(w, "ideal_ns", (double)(waves * t->delay_ns));
        if (t->delay_ns > 0)
            tvc_wl_figure(w, "total_over_ideal",
                          (double)t->total_ns / (double)(waves * t->delay_ns));
        tvc_wl_figure(w, "items_per_s", t->items * 1e9 / t->total_ns);
        tvc_wl_figure(w, "max_in_flight", (double)t->max_in_flight);
    } else {
        tvc_wl_fail(w, rc, "setting up the downloads");
    }
    tvc_wl_figure(w, "errors", (double)t->errors);
    if (t->first_err != 0)
        tvc_wl_note(w, "first_error", "%s", tvc_strerror(t->first_err));
    tvc_wl_check(w, "items_received", t->items, t->received);
    tvc_wl_check(w, "over_limit", 0, t->max_in_flight > t->limit);
}
