/*
 * timers: the parameters and the one-line summary that tvc-threaded,
 * tvc-coroutine and tvc-callback all print and accept, the sleepers'
 * draws and the record, written once.
 */
#include <stdlib.h>

#include "wl_spec.h"

const tvc_param_spec wl_timers_params[] = {
    {"tasks", "100", "sleeping tasks (10k+ to load the timer heap)", NULL},
    {"max_sleep_ns", "2000000", "sleeps are uniform in [0, max_sleep_ns)",
     NULL},
    {"seed", "1", "seed of the sleep durations", NULL},
    {NULL, NULL, NULL, NULL},
};

const char wl_timers_summary[] =
    "N tasks sleep random durations; timer lateness";

wl_sleeper *wl_sleepers_new(int64_t n, int64_t max_sleep_ns, int64_t seed)
{
    wl_sleeper *s = calloc((size_t)n, sizeof *s);
    uint64_t rng = wl_seed((uint64_t)seed, 0);
    for (int64_t i = 0; i < n && s; i++)
        s[i].sleep_ns = (int64_t)(wl_rand(&rng) % (uint64_t)max_sleep_ns);
    return s;
}

void wl_timers_report(tvc_wl *w, int rc, const wl_sleeper *s, int64_t n,
                      int64_t spawned, int64_t woke, int64_t early)
{
    if (rc == 0) {
        int64_t *late = malloc((size_t)n * sizeof *late);
        for (int64_t i = 0; late && i < n; i++)
            late[i] = s[i].late_ns;
        if (late) {
            wl_record_samples(w, "lateness", late, (size_t)n);
            tvc_hist *h = tvc_wl_hist(w, "lateness");
            tvc_wl_figure(w, "lateness_ns_median",
                          (double)tvc_hist_percentile(h, 50));
            tvc_wl_figure(w, "lateness_ns_p99",
                          (double)tvc_hist_percentile(h, 99));
        }
        free(late);
    } else {
        tvc_wl_fail(w, rc, "spawning sleeper %lld", (long long)spawned + 1);
    }
    tvc_wl_check(w, "tasks_woke", n, woke);
    tvc_wl_check(w, "early_wakeups", 0, early);
}
