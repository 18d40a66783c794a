/*
 * spinner: the parameters and the one-line summary that tvc-threaded,
 * tvc-coroutine and tvc-callback all print and accept, the spinner's
 * turn and cleanup, and the record, written once.
 */
#include <stdio.h>

#include "wl_spec.h"

const tvc_param_spec wl_spinner_params[] = {
    {"slow_ns", "50000000", "how long the slow call takes", "0.."},
    {"interval_ns", "0",
     "pause between turns (0: checkpoint only, "
     "spinning flat out)",
     "0.."},
    {"print", "0", "1: draw the spinner on stderr", NULL},
    {NULL, NULL, NULL, NULL},
};

const char wl_spinner_summary[] =
    "spin while a slow call runs, then cancel; stop latency, CPU";

void wl_spinner_turn(wl_spinner *s)
{
    static const char frames[] = "|/-\\";
    if (s->print) {
        fprintf(stderr, "\r%c thinking", frames[s->spins % 4]);
        fflush(stderr);
    }
    s->spins++;
}

void wl_spinner_stopped(wl_spinner *s)
{
    s->stopped_ns = tvc_now();
    if (s->print)
        fprintf(stderr, "\r           \r");
}

void wl_spinner_report(tvc_wl *w, const wl_spinner *s, int64_t cancel_ns,
                       int jrc, int answer, int64_t wall, int64_t cpu)
{
    tvc_wl_figure(w, "stop_latency_ns", (double)(s->stopped_ns - cancel_ns));
    tvc_wl_figure(w, "spins", (double)s->spins);
    tvc_wl_figure(w, "spins_per_s", s->spins * 1e9 / (double)wall);
    tvc_wl_figure(w, "cpu_ns", (double)cpu);
    tvc_wl_figure(w, "cpu_per_wall", (double)cpu / (double)wall);
    tvc_wl_check(w, "spinner_cancelled", -ECANCELED, jrc);
    tvc_wl_check(w, "slow_answer", 42, answer);
    tvc_wl_check(w, "spinner_stopped", 1, s->stopped_ns != 0);
    tvc_wl_check(w, "spinner_spun", 1, s->spins > 0);
}
