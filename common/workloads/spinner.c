/*
 * spinner: the supervisor/spinner example.  A spinner task turns a
 * spinner ("|/-\") while the supervisor makes a slow call (a sleep); when
 * the call returns, the supervisor cancels the spinner and joins it.  The
 * spinner counts its turns and checkpoints between them (or sleeps
 * interval_ns, as a real spinner would), so cancellation can reach it.
 * Figures: how fast the spinner stopped, and the CPU the process used
 * while it spun.
 */
#include "workloads.h"

static int spin(void *arg, void **result)
{
    wl_spinner *s = arg;
    int rc;
    do {
        wl_spinner_turn(s);
        rc = s->interval_ns > 0 ? tvc_sleep(s->interval_ns) : tvc_checkpoint();
    } while (rc == 0);
    wl_spinner_stopped(s);
    return rc;
}

/* The slow call the supervisor makes: an answer after slow_ns. */
static int slow_function(int64_t slow_ns, int *answer)
{
    int rc = tvc_sleep(slow_ns);
    *answer = 42;
    return rc;
}

static int spinner_run(tvc_wl *w)
{
    int64_t slow = tvc_wl_int(w, "slow_ns");
    wl_spinner s = {tvc_wl_int(w, "interval_ns"), tvc_wl_int(w, "print") != 0,
                    0, 0};
    int64_t cpu0 = wl_cpu_ns(), t0 = tvc_now();
    tvc_task *t;
    int rc = tvc_spawn(&t, spin, &s, &(tvc_task_opts){"spinner", 0});
    if (rc != 0)
        return rc;
    int answer = 0;
    rc = slow_function(slow, &answer);
    int64_t cancel_ns = tvc_now();
    tvc_cancel(t);
    int jrc = tvc_task_join(t, NULL);
    tvc_task_release(t);
    int64_t wall = tvc_now() - t0, cpu = wl_cpu_ns() - cpu0;

    wl_spinner_report(w, &s, cancel_ns, jrc, answer, wall, cpu);
    return rc;
}

const tvc_workload tvc_wl_spinner = {
    "spinner",
    wl_spinner_summary,
    wl_spinner_params,
    spinner_run,
};
