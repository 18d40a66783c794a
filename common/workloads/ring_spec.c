/*
 * ring: the parameters and the one-line summary that tvc-threaded,
 * tvc-coroutine and tvc-callback all print and accept, written once.
 */
#include "wl_spec.h"

const tvc_param_spec wl_ring_params[] = {
    {"tasks", "100", "tasks in the ring (503 is the classic size)", NULL},
    {"hops", "10000", "times the token is passed (10M for stable figures)",
     NULL},
    {"mode", "queue", "each task's inbox", "queue|event"},
    {NULL, NULL, NULL, NULL},
};

const char wl_ring_summary[] =
    "K tasks in a ring pass a token M times; ns per hop";
