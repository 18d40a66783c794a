/*
 * pingpong: the parameters and the one-line summary that tvc-threaded,
 * tvc-coroutine and tvc-callback all print and accept, written once.
 */
#include "wl_spec.h"

const tvc_param_spec wl_pingpong_params[] = {
    {"rounds", "1000", "round trips (100k+ for stable percentiles)", NULL},
    {"mode", "future", "how the token travels", "future|queue"},
    {NULL, NULL, NULL, NULL},
};

const char wl_pingpong_summary[] =
    "two tasks pass a token (futures or a queue); round trip ns";
