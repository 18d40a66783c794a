/*
 * spinner: the parameters and the one-line summary that tvc-threaded,
 * tvc-coroutine and tvc-callback all print and accept, written once.
 */
#include "wl_spec.h"

const tvc_param_spec wl_spinner_params[] = {
    {"slow_ns", "50000000", "how long the slow call takes", NULL},
    {"interval_ns", "0",
     "pause between turns (0: checkpoint only, "
     "spinning flat out)",
     NULL},
    {"print", "0", "1: draw the spinner on stderr", NULL},
    {NULL, NULL, NULL, NULL},
};

const char wl_spinner_summary[] =
    "spin while a slow call runs, then cancel; stop latency, CPU";
