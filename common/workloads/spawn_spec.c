/*
 * spawn: the parameters and the one-line summary that tvc-threaded,
 * tvc-coroutine and tvc-callback all print and accept, written once.
 */
#include "wl_spec.h"

const tvc_param_spec wl_spawn_params[] = {
    {"tasks", "1000",
     "tasks per phase (sequential, then batched); 100k+ "
     "for stable figures",
     NULL},
    {"batch", "100", "tasks alive at once in the batched phase", NULL},
    {NULL, NULL, NULL, NULL},
};

const char wl_spawn_summary[] = "spawn and join short tasks; ns per spawn+join";
