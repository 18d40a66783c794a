/*
 * pingpong: the parameters and the one-line summary that tvc-threaded,
 * tvc-coroutine and tvc-callback all print and accept, and the record
 * both styles make, written once.
 */
#include "wl_spec.h"

const tvc_param_spec wl_pingpong_params[] = {
    {"rounds", "1000", "round trips (100k+ for stable percentiles)", "1.."},
    {"mode", "future", "how the token travels", "future|queue"},
    {NULL, NULL, NULL, NULL},
};

const char wl_pingpong_summary[] =
    "two tasks pass a token (futures or a queue); round trip ns";

void wl_pingpong_report(tvc_wl *w, int rc, const int64_t *samples,
                        int64_t rounds, int64_t good, int64_t elapsed_ns)
{
    if (rc == 0) {
        wl_record_samples(w, "round_trip", samples, (size_t)rounds);
        /* Whole-run time over rounds; the histogram's mean counts only
         * the sampled stretch of each round. */
        tvc_wl_figure(w, "ns_per_round_trip", (double)elapsed_ns / rounds);
        tvc_wl_figure(w, "round_trips_per_s", rounds * 1e9 / elapsed_ns);
    }
    tvc_wl_check(w, "replies_correct", rounds, good);
}
