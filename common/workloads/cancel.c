/*
 * cancel: what cancelling a blocked task costs and whether it cleans up.
 * N tasks block in one kind of wait (sleep, await of a future that never
 * completes, a stream read from a silent peer, a held lock, an empty
 * queue, an unset event, or a CPU loop calling tvc_checkpoint).  Once all
 * are waiting, each is cancelled; the time from tvc_cancel to the task's
 * cleanup code is the latency.  Checks: every task ended cancelled, its
 * cleanup ran exactly once, and no buffer or fd outlived it; the heap
 * bytes the measured rounds left behind (one-time set-up costs are paid
 * in a first, warm-up round) are reported.
 *
 * A round is the whole cycle: set up what the kind waits on, spawn the
 * tasks, wait until all are blocked, cancel, join, tally, tear down.
 * --rounds=R repeats it R times after the warm-up and every task of
 * every round is one sample, so a single task (--tasks=1) gets a p99
 * from one process.  Each round checks its own tasks and a round that
 * fails its checks ends the run; fds and heap are sampled around all the
 * measured rounds, so a leak in any one of them shows.
 *
 * Limits are results: each kind=stream task holds two fds (its end and
 * the server's), so at high N the process runs out.  The main task opens
 * each connection itself and waits until the server has accepted it
 * before spawning the task that will read from it; the first connect,
 * accept or spawn that fails ends the set-up, the record notes "limit
 * reached at N", and the round cancels the N it has.
 *
 * --mode=pthread_cancel shows raw pthread_cancel beside it (threaded
 * runtime only): see cancel_pthread.c.
 */
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "tvc/mem.h"
#include "workloads.h"

/* Bytes each task holds while blocked, to show whether cleanup ran. */
#define CANCEL_BUFFER_BYTES 256

/* What the blocked tasks wait on and report to. */
typedef struct cancel_ctx {
    const char *kind;
    tvc_future *never;       /* await: never completed */
    tvc_lock *lock;          /* lock: held by the main task throughout */
    tvc_queue *queue;        /* queue: always empty */
    tvc_event *never_set;    /* event: never set */
    int port;                /* stream: a server that never answers */
    wl_accept_slot accepted; /* stream: the connection being opened */
    tvc_event *all_ready;
    atomic_long ready, target;
} cancel_ctx;

/* One blocked task. */
typedef struct cancel_slot {
    cancel_ctx *c;
    void *buffer;        /* freed by the task's cleanup */
    tvc_stream *s;       /* stream: opened by main, freed by the cleanup */
    int64_t cancel_ns;   /* when tvc_cancel was called */
    int64_t cleanup_ns;  /* when the cleanup code began */
    atomic_int cleanups; /* times the cleanup ran */
} cancel_slot;

/* The server side of kind=stream: says it accepted, then reads until EOF
 * or cancel and says nothing. */
static int silent_conn(tvc_stream *s, void *arg)
{
    cancel_ctx *c = arg;
    wl_accepted(&c->accepted);
    tvc_slice line;
    while (tvc_stream_readline(s, &line) == 0 && line.len > 0)
        ;
    return 0;
}

/* Blocks in the context's kind of wait; returns what the wait returned. */
static int block(cancel_ctx *c, tvc_stream *s)
{
    const char *k = c->kind;
    if (strcmp(k, "sleep") == 0)
        return tvc_sleep(TVC_SEC(3600));
    if (strcmp(k, "await") == 0)
        return tvc_await(c->never, NULL);
    if (strcmp(k, "stream") == 0) {
        tvc_slice line;
        return tvc_stream_readline(s, &line);
    }
    if (strcmp(k, "lock") == 0) {
        int rc = tvc_lock_acquire(c->lock);
        if (rc == 0)
            tvc_lock_release(c->lock); /* cannot happen: main holds it */
        return rc;
    }
    if (strcmp(k, "queue") == 0) {
        void *v;
        return tvc_queue_get(c->queue, &v);
    }
    if (strcmp(k, "event") == 0)
        return tvc_event_wait(c->never_set);
    /* cpu: a loop that only a checkpoint can interrupt. */
    volatile uint64_t x = 0;
    for (;;) {
        for (int i = 0; i < 1000; i++)
            x += (uint64_t)i;
        int rc = tvc_checkpoint();
        if (rc != 0)
            return rc;
    }
}

static int blocked_task(void *arg, void **result)
{
    cancel_slot *slot = arg;
    cancel_ctx *c = slot->c;
    slot->buffer = malloc(CANCEL_BUFFER_BYTES);
    int rc = slot->buffer ? 0 : -ENOMEM;
    if (atomic_fetch_add(&c->ready, 1) + 1 == atomic_load(&c->target))
        tvc_event_set(c->all_ready);
    if (rc == 0)
        rc = block(c, slot->s);

    /* The cleanup code: what a cancelled task must still do. */
    slot->cleanup_ns = tvc_now();
    atomic_fetch_add(&slot->cleanups, 1);
    if (slot->s != NULL)
        tvc_stream_free(slot->s);
    slot->s = NULL;
    free(slot->buffer);
    slot->buffer = NULL;
    return rc;
}

/* Creates what the kind waits on; 0 or an error. */
static int setup(cancel_ctx *c, tvc_server **srv)
{
    int rc = tvc_event_new(&c->all_ready);
    if (rc != 0)
        return rc;
    if (strcmp(c->kind, "await") == 0)
        return (c->never = tvc_future_create()) ? 0 : -ENOMEM;
    if (strcmp(c->kind, "lock") == 0) {
        if ((rc = tvc_lock_new(&c->lock)) != 0)
            return rc;
        return tvc_lock_acquire(c->lock);
    }
    if (strcmp(c->kind, "queue") == 0)
        return tvc_queue_new(&c->queue, 1);
    if (strcmp(c->kind, "event") == 0)
        return tvc_event_new(&c->never_set);
    if (strcmp(c->kind, "stream") == 0) {
        rc = tvc_start_server(srv, silent_conn, c, NULL);
        if (rc == 0)
            c->port = tvc_server_port(*srv);
        return rc;
    }
    return 0;
}

static void teardown(cancel_ctx *c, tvc_server *srv)
{
    if (srv)
        tvc_server_close(srv);
    if (c->never)
        tvc_future_unref(c->never);
    if (c->lock) {
        if (tvc_lock_locked(c->lock))
            tvc_lock_release(c->lock);
        tvc_lock_free(c->lock);
    }
    if (c->queue)
        tvc_queue_free(c->queue);
    if (c->never_set)
        tvc_event_free(c->never_set);
    if (c->all_ready)
        tvc_event_free(c->all_ready);
}

/* One round: blocks `tasks` tasks in c->kind, cancels them, joins them
 * and records each cancel-to-cleanup latency in h (if not NULL). */
static void cancel_round(const char *kind, int64_t tasks, int64_t settle,
                         tvc_hist *h, wl_cancel_round *r)
{
    memset(r, 0, sizeof *r);
    cancel_ctx c;
    memset(&c, 0, sizeof c);
    c.kind = kind;
    tvc_server *srv = NULL;
    cancel_slot *slots = calloc((size_t)tasks, sizeof *slots);
    tvc_task **handles = calloc((size_t)tasks, sizeof *handles);
    r->rc = slots && handles ? setup(&c, &srv) : -ENOMEM;

    int stream = strcmp(kind, "stream") == 0;
    while (r->rc == 0 && r->limit.what == NULL && r->spawned < tasks) {
        cancel_slot *slot = &slots[r->spawned];
        slot->c = &c;
        const char *what = "spawn";
        int err = stream ? wl_open_accepted(&slot->s, "127.0.0.1", c.port,
                                            &c.accepted, &what)
                         : 0;
        if (err == 0)
            err = tvc_spawn(&handles[r->spawned], blocked_task, slot, NULL);
        if (err != 0 && slot->s != NULL) {
            tvc_stream_free(slot->s);
            slot->s = NULL;
        }
        r->spawned += err == 0;
        r->rc = wl_limit_hit(&r->limit, err, what, r->spawned);
    }
    atomic_store(&c.target, r->spawned);
    if (r->spawned > 0 && atomic_load(&c.ready) < r->spawned)
        tvc_event_wait(c.all_ready);
    if (settle > 0)
        tvc_sleep(settle);

    int64_t t0 = tvc_now();
    for (int64_t i = 0; i < r->spawned; i++) {
        slots[i].cancel_ns = tvc_now();
        tvc_cancel(handles[i]);
    }
    r->cancel_calls_ns = tvc_now() - t0;
    for (int64_t i = 0; i < r->spawned; i++) {
        r->cancelled += tvc_task_join(handles[i], NULL) == -ECANCELED;
        tvc_task_release(handles[i]);
    }
    r->all_done_ns = tvc_now() - t0;
    for (int64_t i = 0; i < r->spawned; i++) {
        r->once += atomic_load(&slots[i].cleanups) == 1;
        r->leaked += slots[i].buffer != NULL;
        if (h != NULL)
            tvc_hist_record(h, slots[i].cleanup_ns - slots[i].cancel_ns);
    }
    teardown(&c, srv);
    free(slots);
    free(handles);
}

/* `rounds` rounds of `tasks` tasks, summed in sum, with memory sampled
 * before the first and after the last; latencies go to h (if not NULL).
 * Returns 1 if every round checked out, else 0 (the last one did not). */
static int cancel_rounds(const wl_cancel_args *a, int64_t tasks, int64_t rounds,
                         tvc_hist *h, wl_cancel_round *sum)
{
    memset(sum, 0, sizeof *sum);
    /* The threaded runtime joins a finished task's thread lazily; until
     * then the thread's task struct and allocator cache count as heap
     * (up to 5 MiB for 1000 threads here).  Settling before each sample
     * makes the difference what the rounds really left behind. */
    tvc_settle();
    tvc_mem_sample(&sum->before);
    wl_cancel_round r;
    int good;
    do
        cancel_round(a->kind, tasks, a->settle, h, &r);
    while ((good = wl_cancel_add(sum, &r)) && sum->rounds < rounds);
    tvc_settle();
    tvc_mem_sample(&sum->after);
    return good;
}

static int cancel_run(tvc_wl *w)
{
    if (strcmp(tvc_wl_str(w, "mode"), "pthread_cancel") == 0)
        return wl_cancel_pthread(w);
    wl_cancel_args a;
    wl_cancel_args_read(w, &a);

    /* A warm-up round, then the measured ones.  The first also pays for
     * what a runtime and allocator set up once (pools, caches, lazily
     * grown tables); the measured rounds should then leave the heap
     * where they found it. */
    tvc_hist *h = tvc_wl_hist(w, "cancel_to_cleanup");
    wl_cancel_round first, r;
    int warm = cancel_rounds(&a, a.tasks, 1, NULL, &first);
    if (warm)
        cancel_rounds(&a, first.spawned, a.rounds, h, &r);
    wl_cancel_report(w, &first, warm ? &r : NULL, &a);
    return 0;
}

const tvc_workload tvc_wl_cancel = {
    "cancel",
    wl_cancel_summary,
    wl_cancel_params,
    cancel_run,
};
