/*
 * ring: the parameters and the one-line summary that tvc-threaded,
 * tvc-coroutine and tvc-callback all print and accept, and the record
 * both styles make, written once.
 */
#include "wl_spec.h"

const tvc_param_spec wl_ring_params[] = {
    {"tasks", "100", "tasks in the ring (503 is the classic size)", "1..1M"},
    {"hops", "10000", "times the token is passed (10M for stable figures)",
     "0.."},
    {"mode", "queue", "each task's inbox", "queue|event"},
    {NULL, NULL, NULL, NULL},
};

const char wl_ring_summary[] =
    "K tasks in a ring pass a token M times; ns per hop";

void wl_ring_report(tvc_wl *w, int rc, int64_t hops, int64_t received,
                    int64_t elapsed_ns)
{
    if (rc == 0 && hops > 0) {
        tvc_wl_figure(w, "hop_ns", (double)elapsed_ns / hops);
        tvc_wl_figure(w, "hops_per_s", hops * 1e9 / elapsed_ns);
    }
    tvc_wl_check(w, "tokens_received", hops + 1, received);
}
