/*
 * spawn: the parameters and the one-line summary that tvc-threaded,
 * tvc-coroutine and tvc-callback all print and accept, and the record
 * both styles make, written once.
 */
#include "wl_spec.h"

const tvc_param_spec wl_spawn_params[] = {
    {"tasks", "1000",
     "tasks per phase (sequential, then batched); 100k+ "
     "for stable figures",
     "1.."},
    {"batch", "100", "tasks alive at once in the batched phase", "1.."},
    {NULL, NULL, NULL, NULL},
};

const char wl_spawn_summary[] = "spawn and join short tasks; ns per spawn+join";

void wl_spawn_report(tvc_wl *w, int rc, const int64_t *samples, int64_t tasks,
                     int64_t seq_ns, int64_t batch_ns, int64_t joined,
                     int64_t sum)
{
    if (rc != 0) {
        tvc_wl_fail(w, rc, "spawn failed");
    } else {
        wl_record_samples(w, "spawn_join", samples, (size_t)tasks);
        tvc_wl_figure(w, "spawn_join_ns", (double)seq_ns / tasks);
        tvc_wl_figure(w, "spawn_join_batched_ns", (double)batch_ns / tasks);
        tvc_wl_figure(w, "spawns_per_s", tasks * 1e9 / (double)seq_ns);
    }
    /* Each phase adds 1..tasks once. */
    tvc_wl_check(w, "tasks_joined", 2 * tasks, joined);
    tvc_wl_check(w, "sum", tasks * (tasks + 1), sum);
}
