/*
 * spinner, in continuation-passing style (twin of
 * common/workloads/spinner.c): the supervisor/spinner example.  A spinner
 * task turns a spinner ("|/-\") while the supervisor makes a slow call (a
 * sleep); when the call returns, the supervisor cancels the spinner and
 * joins it.  The spinner counts its turns and checkpoints between them
 * (or sleeps interval_ns, as a real spinner would), so cancellation can
 * reach it.  Figures: how fast the spinner stopped, and the CPU the
 * process used while it spun.
 *
 * The spinner: spin -> spin_turned -> spin_turned ... (until cancelled).
 * The supervisor: spinner_main -> slow_function -> slow_function_returned
 * (cancel) -> spinner_joined (report).
 */
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>

#include "cb_workloads.h"

static const tvc_param_spec spinner_params[] = {
    {"slow_ns", "50000000", "how long the slow call takes", NULL},
    {"interval_ns", "0",
     "pause between turns (0: checkpoint only, "
     "spinning flat out)",
     NULL},
    {"print", "0", "1: draw the spinner on stderr", NULL},
    {NULL, NULL, NULL, NULL},
};

/* The spinner's settings and what it did. */
typedef struct spinner {
    int64_t interval_ns;
    int print;
    int64_t spins;
    int64_t stopped_ns; /* when its cleanup ran */
} spinner;

static void spin_turned(tvc_cb_task *t, int rc);

/* One turn: draw, count, then pause or checkpoint. */
static void spin_turn(tvc_cb_task *t, spinner *s)
{
    static const char frames[] = "|/-\\";
    if (s->print) {
        fprintf(stderr, "\r%c thinking", frames[s->spins % 4]);
        fflush(stderr);
    }
    s->spins++;
    if (s->interval_ns > 0)
        tvc_cb_sleep(t, s->interval_ns, spin_turned);
    else
        tvc_cb_checkpoint(t, spin_turned);
}

static void spin_turned(tvc_cb_task *t, int rc)
{
    spinner *s = tvc_cb_task_arg(t);
    if (rc == 0) {
        spin_turn(t, s);
        return;
    }
    s->stopped_ns = tvc_now();
    if (s->print)
        fprintf(stderr, "\r           \r");
    tvc_cb_task_return(t, rc, NULL);
}

static void spin(tvc_cb_task *t, int status)
{
    if (status != 0) {
        spin_turned(t, status);
        return;
    }
    spin_turn(t, tvc_cb_task_arg(t));
}

static int64_t cpu_ns(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return (ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * TVC_SEC(1) +
           (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) * TVC_US(1);
}

/* The supervisor's frame. */
typedef struct spinner_frame {
    tvc_wl *w;
    int64_t slow;
    spinner s;
    tvc_cb_task *spinner_task;
    int answer, rc;
    int64_t cpu0, t0, cancel_ns;
} spinner_frame;

static void spinner_joined(tvc_cb_task *t, int jrc, void *value)
{
    spinner_frame *f = tvc_cb_task_arg(t);
    tvc_wl *w = f->w;
    spinner *s = &f->s;
    tvc_cb_task_release(f->spinner_task);
    int64_t wall = tvc_now() - f->t0, cpu = cpu_ns() - f->cpu0;

    tvc_wl_figure(w, "stop_latency_ns", (double)(s->stopped_ns - f->cancel_ns));
    tvc_wl_figure(w, "spins", (double)s->spins);
    tvc_wl_figure(w, "spins_per_s", s->spins * 1e9 / (double)wall);
    tvc_wl_figure(w, "cpu_ns", (double)cpu);
    tvc_wl_figure(w, "cpu_per_wall", (double)cpu / (double)wall);
    tvc_wl_check(w, "spinner_cancelled", -ECANCELED, jrc);
    tvc_wl_check(w, "slow_answer", 42, f->answer);
    tvc_wl_check(w, "spinner_stopped", 1, s->stopped_ns != 0);
    tvc_wl_check(w, "spinner_spun", 1, s->spins > 0);
    tvc_cb_task_return(t, f->rc, NULL);
}

/* The slow call's end: its answer, then the spinner is stopped. */
static void slow_function_returned(tvc_cb_task *t, int rc)
{
    spinner_frame *f = tvc_cb_task_arg(t);
    f->answer = 42;
    f->rc = rc;
    f->cancel_ns = tvc_now();
    tvc_cb_task_cancel(f->spinner_task);
    tvc_cb_join(t, f->spinner_task, spinner_joined);
}

/* The slow call the supervisor makes: an answer after slow_ns. */
static void slow_function(tvc_cb_task *t, int64_t slow_ns)
{
    tvc_cb_sleep(t, slow_ns, slow_function_returned);
}

static void spinner_main(tvc_cb_task *t, int status)
{
    spinner_frame *f = tvc_cb_task_arg(t);
    tvc_wl *w = f->w;
    f->slow = tvc_wl_int(w, "slow_ns");
    f->s = (spinner){tvc_wl_int(w, "interval_ns"), tvc_wl_int(w, "print") != 0,
                     0, 0};
    if (f->slow < 0 || f->s.interval_ns < 0) {
        tvc_wl_fail(w, -EINVAL, "--slow_ns and --interval_ns must be >= 0");
        tvc_cb_task_return(t, 0, NULL);
        return;
    }

    f->cpu0 = cpu_ns();
    f->t0 = tvc_now();
    int rc = status;
    if (rc == 0)
        rc = tvc_cb_spawn(tvc_cb_loop_current(), &f->spinner_task, spin, &f->s);
    if (rc != 0) {
        tvc_cb_task_return(t, rc, NULL);
        return;
    }
    slow_function(t, f->slow);
}

static int spinner_run(tvc_wl *w)
{
    spinner_frame f;
    memset(&f, 0, sizeof f);
    f.w = w;
    return cbwl_run_main(spinner_main, &f);
}

const tvc_workload tvc_cbwl_spinner = {
    "spinner",
    "spin while a slow call runs, then cancel; stop latency, CPU",
    spinner_params,
    spinner_run,
};
