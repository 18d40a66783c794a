/*
 * executor: the parameters and the one-line summary that tvc-threaded,
 * tvc-coroutine and tvc-callback all print and accept, and the blocking
 * call both styles make and check, written once.
 */
#include <time.h>

#include "wl_spec.h"

const tvc_param_spec wl_executor_params[] = {
    {"calls", "20", "blocking calls made one after another", NULL},
    {"work", "sleep",
     "what a call does: nanosleep(block_ns) or hash "
     "hash_bytes",
     "sleep|hash"},
    {"block_ns", "1000000", "work=sleep: how long each call blocks", NULL},
    {"hash_bytes", "1000000", "work=hash: bytes hashed per call", NULL},
    {"offload", "1", "1: tvc_run_in_executor; 0: call inline", "0|1"},
    {"tick_ns", "100000", "the ticker's period", NULL},
    {NULL, NULL, NULL, NULL},
};

const char wl_executor_summary[] =
    "blocking calls offloaded to a thread pool or inline; "
    "loop stall";

/* Hashes n bytes of a seeded pattern: CPU work with a known answer. */
static uint64_t hash_work(uint64_t seed, size_t n)
{
    uint64_t h = WL_HASH_INIT, x = seed;
    for (size_t done = 0; done < n; done += sizeof x) {
        x = x * 6364136223846793005ULL + 1442695040888963407ULL;
        h = wl_hash(h, &x, sizeof x);
    }
    return h;
}

void *wl_blocking_call(void *arg)
{
    wl_call *c = arg;
    if (c->sleep) {
        struct timespec ts = {c->block_ns / TVC_SEC(1),
                              c->block_ns % TVC_SEC(1)};
        while (nanosleep(&ts, &ts) != 0)
            ;
        c->result = c->seed + 1;
    } else {
        c->result = hash_work(c->seed, c->hash_bytes);
    }
    return c;
}

uint64_t wl_call_expected(int sleep, size_t hash_bytes, int64_t i)
{
    return sleep ? (uint64_t)i + 2 : hash_work((uint64_t)i + 1, hash_bytes);
}
