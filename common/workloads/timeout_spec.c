/*
 * timeout: the parameters and the one-line summary that tvc-threaded,
 * tvc-coroutine and tvc-callback all print and accept, written once.
 */
#include "wl_spec.h"

const tvc_param_spec wl_timeout_params[] = {
    {"rounds", "10", "waits per case (before, equal, after)", NULL},
    {"work_ns", "8000000", "how long the inner task works (sleeps)", NULL},
    {"margin_ns", "4000000",
     "how far the early and late deadlines are "
     "from work_ns",
     NULL},
    {NULL, NULL, NULL, NULL},
};

const char wl_timeout_summary[] =
    "wait_for with deadlines before, at and after completion";
