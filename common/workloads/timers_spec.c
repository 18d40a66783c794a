/*
 * timers: the parameters and the one-line summary that tvc-threaded,
 * tvc-coroutine and tvc-callback all print and accept, written once.
 */
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
