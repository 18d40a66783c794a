/*
 * idle: the parameters and the one-line summary that tvc-threaded,
 * tvc-coroutine and tvc-callback all print and accept, written once.
 */
#include "wl_spec.h"

const tvc_param_spec wl_idle_params[] = {
    {"tasks", "1000",
     "tasks waiting at once (1M for coroutines; threads stop near 32k)", NULL},
    {NULL, NULL, NULL, NULL},
};

const char wl_idle_summary[] =
    "spawn N tasks that all wait on one event; bytes per task";
