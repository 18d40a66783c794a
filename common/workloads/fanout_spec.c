/*
 * fanout: the parameters and the one-line summary that tvc-threaded,
 * tvc-coroutine and tvc-callback all print and accept, written once.
 */
#include "wl_spec.h"

const tvc_param_spec wl_fanout_params[] = {
    {"items", "20", "items to download (M)", NULL},
    {"limit", "5", "downloads in flight at once (L, a semaphore)", NULL},
    {"delay_ns", "2000000",
     "the server's delay per answer (with --server: the delay it was "
     "started with, for ideal_ns)",
     NULL},
    {"server", "",
     "HOST:PORT of an external delay server; empty: start one "
     "in this process",
     NULL},
    {NULL, NULL, NULL, NULL},
};

const char wl_fanout_summary[] =
    "download M items from a delaying server, at most L at once";
