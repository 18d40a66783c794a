/*
 * executor, in continuation-passing style (twin of
 * common/workloads/executor.c): blocking calls and the tasks around them.
 * A ticker task wakes every tick_ns and records how late it woke;
 * meanwhile the main task makes `calls` blocking calls (a nanosleep, or a
 * CPU hash), either offloaded with tvc_cb_run_in_executor (--offload=1)
 * or made inline (--offload=0).  On the loop an inline call stalls every
 * task.  Each call's result is checked.
 *
 * The ticker: tick -> tick_woke -> tick_woke ... (until cancelled).  The
 * main task: executor_main -> call_next -> call_done ... ->
 * executor_ticker_joined (report).
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cb_workloads.h"

static const tvc_param_spec executor_params[] = {
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

/* One blocking call's input and output. */
typedef struct call {
    int sleep; /* work=sleep, else hash */
    int64_t block_ns;
    size_t hash_bytes;
    uint64_t seed;
    uint64_t result; /* sleep: seed + 1; hash: the hash */
} call;

/* Hashes hash_bytes of a seeded pattern: CPU work with a known answer. */
static uint64_t hash_work(uint64_t seed, size_t n)
{
    uint64_t h = WL_HASH_INIT, x = seed;
    for (size_t done = 0; done < n; done += sizeof x) {
        x = x * 6364136223846793005ULL + 1442695040888963407ULL;
        h = wl_hash(h, &x, sizeof x);
    }
    return h;
}

static void *blocking_call(void *arg)
{
    call *c = arg;
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

/* The ticker's period and its lateness samples; its frame. */
typedef struct ticker {
    int64_t tick_ns;
    int64_t *late; /* up to cap samples */
    size_t n, cap;
    size_t dropped; /* ticks beyond cap */
    int64_t due;    /* the next tick */
} ticker;

static void tick_woke(tvc_cb_task *t, int rc)
{
    ticker *tk = tvc_cb_task_arg(t);
    if (rc != 0) {
        tvc_cb_task_return(t, rc, NULL); /* cancelled: the run is over */
        return;
    }
    int64_t now = tvc_now();
    if (tk->n < tk->cap)
        tk->late[tk->n++] = now - tk->due;
    else
        tk->dropped++;
    /* After a stall, tick from now rather than firing a burst. */
    if (now - tk->due > tk->tick_ns)
        tk->due = now;
    tk->due += tk->tick_ns;
    tvc_cb_sleep_until(t, tk->due, tick_woke);
}

static void tick(tvc_cb_task *t, int status)
{
    ticker *tk = tvc_cb_task_arg(t);
    if (status != 0) {
        tvc_cb_task_return(t, status, NULL);
        return;
    }
    tk->due = tvc_now() + tk->tick_ns;
    tvc_cb_sleep_until(t, tk->due, tick_woke);
}

/* The main task's frame. */
typedef struct executor_frame {
    tvc_wl *w;
    int64_t calls, block, hash_bytes;
    int sleep_work, offload;
    ticker tk;
    call *cs;
    tvc_cb_task *tt;
    tvc_future *f; /* the offloaded call being awaited */
    int rc;
    int64_t i, t0, elapsed;
} executor_frame;

static void executor_ticker_joined(tvc_cb_task *t, int jrc, void *value)
{
    executor_frame *f = tvc_cb_task_arg(t);
    tvc_wl *w = f->w;
    if (f->tt != NULL)
        tvc_cb_task_release(f->tt);

    int64_t correct = 0;
    for (int64_t i = 0; i < f->calls && f->cs; i++) {
        uint64_t want = f->sleep_work
                            ? (uint64_t)i + 2
                            : hash_work((uint64_t)i + 1, (size_t)f->hash_bytes);
        correct += f->cs[i].result == want;
    }
    if (f->rc == 0) {
        wl_record_samples(w, "tick_lateness", f->tk.late, f->tk.n);
        tvc_hist *h = tvc_wl_hist(w, "tick_lateness");
        tvc_wl_figure(w, "max_stall_ns", (double)tvc_hist_percentile(h, 100));
        tvc_wl_figure(w, "tick_lateness_ns_p99",
                      (double)tvc_hist_percentile(h, 99));
        tvc_wl_figure(w, "ticks", (double)(f->tk.n + f->tk.dropped));
        tvc_wl_figure(w, "calls_per_s", f->calls * 1e9 / f->elapsed);
    } else {
        tvc_wl_fail(w, f->rc, "making the calls");
    }
    tvc_wl_check(w, "results_correct", f->calls, correct);
    free(f->tk.late);
    free(f->cs);
    tvc_cb_task_return(t, 0, NULL);
}

static void call_next(tvc_cb_task *t, executor_frame *f);

/* After an offloaded call's future, or the inline call's yield. */
static void call_done(tvc_cb_task *t, int rc)
{
    executor_frame *f = tvc_cb_task_arg(t);
    f->rc = rc;
    f->i++;
    call_next(t, f);
}

static void call_awaited(tvc_cb_task *t, int rc, void *value)
{
    executor_frame *f = tvc_cb_task_arg(t);
    tvc_future_unref(f->f);
    f->f = NULL;
    call_done(t, rc);
}

/* The head of the call loop: make call i, or stop the ticker. */
static void call_next(tvc_cb_task *t, executor_frame *f)
{
    if (f->i < f->calls && f->rc == 0) {
        call *c = &f->cs[f->i];
        *c = (call){f->sleep_work, f->block, (size_t)f->hash_bytes,
                    (uint64_t)f->i + 1, 0};
        if (f->offload) {
            int rc = tvc_cb_run_in_executor(tvc_cb_loop_current(), &f->f,
                                            blocking_call, c);
            if (rc != 0) {
                f->rc = rc;
                call_next(t, f);
                return;
            }
            tvc_cb_await(t, f->f, call_awaited);
        } else {
            blocking_call(c);
            /* Give the ticker its turn, as an await would. */
            tvc_cb_sleep(t, 0, call_done);
        }
        return;
    }
    f->elapsed = tvc_now() - f->t0;
    if (f->tt != NULL) {
        tvc_cb_task_cancel(f->tt);
        tvc_cb_join(t, f->tt, executor_ticker_joined);
        return;
    }
    executor_ticker_joined(t, 0, NULL);
}

static void executor_main(tvc_cb_task *t, int status)
{
    executor_frame *f = tvc_cb_task_arg(t);
    tvc_wl *w = f->w;
    f->calls = tvc_wl_int(w, "calls");
    f->sleep_work = strcmp(tvc_wl_str(w, "work"), "sleep") == 0;
    f->block = tvc_wl_int(w, "block_ns");
    f->hash_bytes = tvc_wl_int(w, "hash_bytes");
    f->offload = tvc_wl_int(w, "offload") != 0;
    int64_t tick_ns = tvc_wl_int(w, "tick_ns");
    if (f->calls < 1 || f->block < 0 || f->hash_bytes < 0 || tick_ns < 1000) {
        tvc_wl_fail(w, -EINVAL, "need --calls >= 1, --tick_ns >= 1000");
        tvc_cb_task_return(t, 0, NULL);
        return;
    }

    /* Room for the ticks of the sleeps plus slack for hashing. */
    int64_t expect_ticks = f->sleep_work ? f->calls * f->block / tick_ns : 0;
    f->tk =
        (ticker){tick_ns, NULL, 0, (size_t)(expect_ticks * 2 + 100000), 0, 0};
    f->tk.late = malloc(f->tk.cap * sizeof *f->tk.late);
    f->cs = calloc((size_t)f->calls, sizeof *f->cs);
    f->rc = f->tk.late && f->cs ? status : -ENOMEM;
    if (f->rc == 0)
        f->rc = tvc_cb_spawn(tvc_cb_loop_current(), &f->tt, tick, &f->tk);

    f->t0 = tvc_now();
    f->i = 0;
    call_next(t, f);
}

static int executor_run(tvc_wl *w)
{
    executor_frame f;
    memset(&f, 0, sizeof f);
    f.w = w;
    return cbwl_run_main(executor_main, &f);
}

const tvc_workload tvc_cbwl_executor = {
    "executor",
    "blocking calls offloaded to a thread pool or inline; "
    "loop stall",
    executor_params,
    executor_run,
};
