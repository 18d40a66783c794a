/*
 * executor: the parameters and the one-line summary that tvc-threaded,
 * tvc-coroutine and tvc-callback all print and accept, the blocking
 * call both styles make and check, the ticker's bookkeeping and the
 * record, written once.
 */
#include <stdlib.h>
#include <time.h>

#include "wl_spec.h"

const tvc_param_spec wl_executor_params[] = {
    {"calls", "20", "blocking calls made one after another", "1.."},
    {"work", "sleep",
     "what a call does: nanosleep(block_ns) or hash "
     "hash_bytes",
     "sleep|hash"},
    {"block_ns", "1000000", "work=sleep: how long each call blocks", "0.."},
    {"hash_bytes", "1000000", "work=hash: bytes hashed per call", "0.."},
    {"offload", "1", "1: tvc_run_in_executor; 0: call inline", "0|1"},
    {"tick_ns", "100000", "the ticker's period", "1000.."},
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

int wl_ticker_init(wl_ticker *tk, int64_t tick_ns, int64_t blocking_ns)
{
    size_t cap = (size_t)(blocking_ns / tick_ns * 2 + 100000);
    *tk = (wl_ticker){tick_ns, malloc(cap * sizeof *tk->late), 0, cap, 0, 0};
    return tk->late ? 0 : -ENOMEM;
}

void wl_ticker_woke(wl_ticker *tk)
{
    int64_t now = tvc_now();
    if (tk->n < tk->cap)
        tk->late[tk->n++] = now - tk->due;
    else
        tk->dropped++;
    /* After a stall, tick from now rather than firing a burst. */
    if (now - tk->due > tk->tick_ns)
        tk->due = now;
    tk->due += tk->tick_ns;
}

void wl_executor_report(tvc_wl *w, int rc, const wl_ticker *tk,
                        const wl_call *cs, int64_t calls, int sleep_work,
                        int64_t hash_bytes, int64_t elapsed_ns)
{
    int64_t correct = 0;
    for (int64_t i = 0; i < calls && cs; i++)
        correct +=
            cs[i].result == wl_call_expected(sleep_work, (size_t)hash_bytes, i);
    if (rc == 0) {
        wl_record_samples(w, "tick_lateness", tk->late, tk->n);
        tvc_wl_figure(w, "ticks", (double)(tk->n + tk->dropped));
        tvc_wl_figure(w, "calls_per_s", calls * 1e9 / elapsed_ns);
    } else {
        tvc_wl_fail(w, rc, "making the calls");
    }
    tvc_wl_check(w, "results_correct", calls, correct);
}
