/*
 * pipeline: the parameters and the one-line summary that tvc-threaded,
 * tvc-coroutine and tvc-callback all print and accept, written once.
 */
#include "wl_spec.h"

const tvc_param_spec wl_pipeline_params[] = {
    {"items", "10000", "items produced (1M+ for stable figures)", NULL},
    {"queue_size", "16", "capacity of each of the three queues", NULL},
    {NULL, NULL, NULL, NULL},
};

const char wl_pipeline_summary[] =
    "producer -> filter -> map -> sink through bounded queues";
