/*
 * spinner: the supervisor/spinner example.  A spinner task turns a
 * spinner ("|/-\") while the supervisor makes a slow call (a sleep); when
 * the call returns, the supervisor cancels the spinner and joins it.  The
 * spinner counts its turns and checkpoints between them (or sleeps
 * interval_ns, as a real spinner would), so cancellation can reach it.
 * Figures: how fast the spinner stopped, and the CPU the process used
 * while it spun.
 */
#include <stdio.h>

#include "workloads.h"

/* The spinner's settings and what it did. */
typedef struct spinner {
    int64_t interval_ns;
    int print;
    int64_t spins;
    int64_t stopped_ns; /* when its cleanup ran */
} spinner;

static int spin(void *arg, void **result)
{
    spinner *s = arg;
    static const char frames[] = "|/-\\";
    int rc;
    do {
        if (s->print) {
            fprintf(stderr, "\r%c thinking", frames[s->spins % 4]);
            fflush(stderr);
        }
        s->spins++;
        rc = s->interval_ns > 0 ? tvc_sleep(s->interval_ns) : tvc_checkpoint();
    } while (rc == 0);
    s->stopped_ns = tvc_now();
    if (s->print)
        fprintf(stderr, "\r           \r");
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
    spinner s = {tvc_wl_int(w, "interval_ns"), tvc_wl_int(w, "print") != 0, 0,
                 0};
    if (slow < 0 || s.interval_ns < 0) {
        tvc_wl_fail(w, -EINVAL, "--slow_ns and --interval_ns must be >= 0");
        return 0;
    }

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

    tvc_wl_figure(w, "stop_latency_ns", (double)(s.stopped_ns - cancel_ns));
    tvc_wl_figure(w, "spins", (double)s.spins);
    tvc_wl_figure(w, "spins_per_s", s.spins * 1e9 / (double)wall);
    tvc_wl_figure(w, "cpu_ns", (double)cpu);
    tvc_wl_figure(w, "cpu_per_wall", (double)cpu / (double)wall);
    tvc_wl_check(w, "spinner_cancelled", -ECANCELED, jrc);
    tvc_wl_check(w, "slow_answer", 42, answer);
    tvc_wl_check(w, "spinner_stopped", 1, s.stopped_ns != 0);
    tvc_wl_check(w, "spinner_spun", 1, s.spins > 0);
    return rc;
}

const tvc_workload tvc_wl_spinner = {
    "spinner",
    wl_spinner_summary,
    wl_spinner_params,
    spinner_run,
};
