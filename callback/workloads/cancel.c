/*
 * cancel, in continuation-passing style (twin of
 * common/workloads/cancel.c): what cancelling a blocked task costs and
 * whether it cleans up.  N tasks block in one kind of wait (sleep, await
 * of a future that never completes, a stream read from a silent peer, a
 * held lock, an empty queue, an unset event, or a CPU loop calling
 * tvc_cb_checkpoint).  Once all are waiting, each is cancelled; the time
 * from tvc_cb_task_cancel to the task's cleanup code is the latency.
 * Checks: every task ended cancelled, its cleanup ran exactly once, and
 * no buffer or fd outlived it; the heap bytes the measured rounds left
 * behind (one-time set-up costs are paid in a first, warm-up round) are
 * reported.
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
 * --mode=pthread_cancel (raw threads) does not apply here: a callback
 * task is not a thread.  The record says so, as the coroutine runtime's.
 *
 * A blocked task: blocked_task -> block -> blocked_woke (its cleanup).
 * The main task runs the warm-up round, then the measured ones:
 * rounds_start -> round_start -> round_set_up -> round_spawn_next
 * (kind=stream: -> cbwl_open_accepted -> stream_opened ->
 * round_spawn_next ...) -> round_all_ready -> round_settled ->
 * round_joined ... -> round_server_closed -> round_end (-> round_start
 * for the next round) -> rounds_noop_joined -> rounds_end, which starts
 * the measured rounds after the warm-up or makes the record.
 */
#include <stdlib.h>
#include <string.h>

#include "cb_workloads.h"
#include "tvc/mem.h"

/* Bytes each task holds while blocked, to show whether cleanup ran. */
#define CANCEL_BUFFER_BYTES 256

/* What the blocked tasks wait on and report to. */
typedef struct cancel_ctx {
    const char *kind;
    tvc_future *never;       /* await: never completed */
    tvc_cb_lock *lock;       /* lock: held by the main task throughout */
    tvc_cb_queue *queue;     /* queue: always empty */
    tvc_cb_event *never_set; /* event: never set */
    int port;                /* stream: a server that never answers */
    wl_accept_slot accepted; /* stream: the connection being opened */
    tvc_cb_event *all_ready;
    long ready, target;
} cancel_ctx;

/* One blocked task, and its frame. */
typedef struct cancel_slot {
    cancel_ctx *c;
    void *buffer;       /* freed by the task's cleanup */
    tvc_cb_stream *s;   /* stream: opened by main, freed by the cleanup */
    int64_t cancel_ns;  /* when tvc_cb_task_cancel was called */
    int64_t cleanup_ns; /* when the cleanup code began */
    int cleanups;       /* times the cleanup ran */
} cancel_slot;

/* The server side of kind=stream: says it accepted, then reads until EOF
 * or cancel and says nothing. */
static void silent_conn_got(tvc_cb_task *t, int rc, tvc_slice line)
{
    if (rc != 0 || line.len == 0) {
        tvc_cb_task_return(t, 0, NULL);
        return;
    }
    tvc_cb_readline(t, tvc_cb_task_arg(t), silent_conn_got);
}

static void silent_conn(tvc_cb_task *t, int status)
{
    cancel_ctx *c = tvc_cb_stream_server_arg(tvc_cb_task_arg(t));
    wl_accepted(&c->accepted);
    if (status != 0) {
        tvc_cb_task_return(t, 0, NULL);
        return;
    }
    tvc_cb_readline(t, tvc_cb_task_arg(t), silent_conn_got);
}

/* ---- a blocked task ------------------------------------------------------ */

/* The cleanup code: what a cancelled task must still do. */
static void blocked_woke(tvc_cb_task *t, int rc)
{
    cancel_slot *slot = tvc_cb_task_arg(t);
    slot->cleanup_ns = tvc_now();
    slot->cleanups++;
    if (slot->s != NULL)
        tvc_cb_stream_free(slot->s);
    slot->s = NULL;
    free(slot->buffer);
    slot->buffer = NULL;
    tvc_cb_task_return(t, rc, NULL);
}

static void blocked_woke_value(tvc_cb_task *t, int rc, void *value)
{
    blocked_woke(t, rc);
}

static void blocked_woke_data(tvc_cb_task *t, int rc, tvc_slice data)
{
    blocked_woke(t, rc);
}

static void blocked_locked(tvc_cb_task *t, int rc)
{
    cancel_slot *slot = tvc_cb_task_arg(t);
    if (rc == 0)
        tvc_cb_lock_release(slot->c->lock); /* cannot happen: main holds it */
    blocked_woke(t, rc);
}

static void blocked_spin(tvc_cb_task *t, int rc);

/* kind=cpu: a loop that only a checkpoint can interrupt. */
static void blocked_spin_once(tvc_cb_task *t)
{
    volatile uint64_t x = 0;
    for (int i = 0; i < 1000; i++)
        x += (uint64_t)i;
    tvc_cb_checkpoint(t, blocked_spin);
}

static void blocked_spin(tvc_cb_task *t, int rc)
{
    if (rc != 0) {
        blocked_woke(t, rc);
        return;
    }
    blocked_spin_once(t);
}

/* Blocks in the context's kind of wait; blocked_woke gets what the wait
 * returned. */
static void block(tvc_cb_task *t, cancel_slot *slot)
{
    cancel_ctx *c = slot->c;
    const char *k = c->kind;
    if (strcmp(k, "sleep") == 0)
        tvc_cb_sleep(t, TVC_SEC(3600), blocked_woke);
    else if (strcmp(k, "await") == 0)
        tvc_cb_await(t, c->never, blocked_woke_value);
    else if (strcmp(k, "stream") == 0)
        tvc_cb_readline(t, slot->s, blocked_woke_data);
    else if (strcmp(k, "lock") == 0)
        tvc_cb_lock_acquire(t, c->lock, blocked_locked);
    else if (strcmp(k, "queue") == 0)
        tvc_cb_queue_get(t, c->queue, blocked_woke_value);
    else if (strcmp(k, "event") == 0)
        tvc_cb_event_wait(t, c->never_set, blocked_woke);
    else
        blocked_spin_once(t);
}

static void blocked_task(tvc_cb_task *t, int status)
{
    cancel_slot *slot = tvc_cb_task_arg(t);
    cancel_ctx *c = slot->c;
    slot->buffer = malloc(CANCEL_BUFFER_BYTES);
    int rc = slot->buffer ? status : -ENOMEM;
    if (++c->ready == c->target)
        tvc_cb_event_set(c->all_ready);
    if (rc == 0)
        block(t, slot);
    else
        blocked_woke(t, rc);
}

/* ---- the main task ------------------------------------------------------- */

static void noop_task(tvc_cb_task *t, int status)
{
    tvc_cb_task_return(t, status, NULL);
}

/* The main task's frame: the run's parameters and the rounds under way. */
typedef struct cancel_frame {
    tvc_wl *w;
    wl_cancel_args a;
    tvc_hist *h; /* the measured rounds' latencies */
    wl_cancel_round first, r;
    wl_cancel_round *sum; /* the rounds under way: first, then r */
    tvc_hist *hr;         /* where they record latencies (NULL in the first) */
    int64_t rounds;       /* how many they are */
    int64_t n;            /* tasks each: a.tasks, then as many as the first
                           * set up */
    int good;             /* every round so far checked out */
    /* the round under way and its locals */
    wl_cancel_round one;
    cancel_ctx c;
    tvc_cb_server *srv;
    cancel_slot *slots;
    tvc_cb_task **handles;
    tvc_cb_task *noop;
    int64_t i, t0;
    int stream;     /* kind=stream */
    cbwl_open open; /* stream: the connection being opened */
} cancel_frame;

static void rounds_start(tvc_cb_task *t, cancel_frame *f, wl_cancel_round *sum,
                         int64_t rounds, tvc_hist *h);
static void round_start(tvc_cb_task *t, cancel_frame *f);

/* The end of the warm-up round (the measured ones follow if it checked
 * out) or of the measured ones (the record). */
static void rounds_end(tvc_cb_task *t, cancel_frame *f)
{
    if (f->sum == &f->first && f->good) {
        f->n = f->first.spawned;
        rounds_start(t, f, &f->r, f->a.rounds, f->h);
        return;
    }
    wl_cancel_report(f->w, &f->first, f->sum == &f->r ? &f->r : NULL, &f->a);
    tvc_cb_task_return(t, 0, NULL);
}

static void rounds_noop_joined(tvc_cb_task *t, int rc, void *value)
{
    cancel_frame *f = tvc_cb_task_arg(t);
    tvc_cb_task_release(f->noop);
    tvc_mem_sample(&f->sum->after);
    rounds_end(t, f);
}

/* The end of a round: the next, or the memory sample after the last. */
static void round_end(tvc_cb_task *t, cancel_frame *f)
{
    f->good = wl_cancel_add(f->sum, &f->one);
    if (f->good && f->sum->rounds < f->rounds) {
        round_start(t, f);
        return;
    }
    /* One more task, as in the direct-style twin, so both sample after
     * the same work; here nothing is reclaimed lazily. */
    if (tvc_cb_spawn(tvc_cb_loop_current(), &f->noop, noop_task, NULL) == 0) {
        tvc_cb_join(t, f->noop, rounds_noop_joined);
        return;
    }
    tvc_mem_sample(&f->sum->after);
    rounds_end(t, f);
}

static void round_server_closed(tvc_cb_task *t, int rc)
{
    cancel_frame *f = tvc_cb_task_arg(t);
    cancel_ctx *c = &f->c;
    if (c->never)
        tvc_future_unref(c->never);
    if (c->lock) {
        if (tvc_cb_lock_locked(c->lock))
            tvc_cb_lock_release(c->lock);
        tvc_cb_lock_free(c->lock);
    }
    if (c->queue)
        tvc_cb_queue_free(c->queue);
    if (c->never_set)
        tvc_cb_event_free(c->never_set);
    if (c->all_ready)
        tvc_cb_event_free(c->all_ready);
    free(f->slots);
    free(f->handles);
    round_end(t, f);
}

/* Tallies the round, then tears down what the kind waited on. */
static void round_all_joined(tvc_cb_task *t, cancel_frame *f)
{
    wl_cancel_round *r = &f->one;
    r->all_done_ns = tvc_now() - f->t0;
    for (int64_t i = 0; i < r->spawned; i++) {
        cancel_slot *slot = &f->slots[i];
        r->once += slot->cleanups == 1;
        r->leaked += slot->buffer != NULL;
        if (f->hr != NULL)
            tvc_hist_record(f->hr, slot->cleanup_ns - slot->cancel_ns);
    }
    if (f->srv) {
        tvc_cb_server_close(t, f->srv, round_server_closed);
        return;
    }
    round_server_closed(t, 0);
}

static void round_joined(tvc_cb_task *t, int jrc, void *value)
{
    cancel_frame *f = tvc_cb_task_arg(t);
    f->one.cancelled += jrc == -ECANCELED;
    tvc_cb_task_release(f->handles[f->i]);
    if (++f->i < f->one.spawned) {
        tvc_cb_join(t, f->handles[f->i], round_joined);
        return;
    }
    round_all_joined(t, f);
}

static void round_settled(tvc_cb_task *t, int status)
{
    cancel_frame *f = tvc_cb_task_arg(t);
    wl_cancel_round *r = &f->one;
    f->t0 = tvc_now();
    for (int64_t i = 0; i < r->spawned; i++) {
        f->slots[i].cancel_ns = tvc_now();
        tvc_cb_task_cancel(f->handles[i]);
    }
    r->cancel_calls_ns = tvc_now() - f->t0;
    f->i = 0;
    if (r->spawned > 0) {
        tvc_cb_join(t, f->handles[0], round_joined);
        return;
    }
    round_all_joined(t, f);
}

static void round_all_ready(tvc_cb_task *t, int status)
{
    cancel_frame *f = tvc_cb_task_arg(t);
    if (f->a.settle > 0) {
        tvc_cb_sleep(t, f->a.settle, round_settled);
        return;
    }
    round_settled(t, 0);
}

static void round_spawn_next(tvc_cb_task *t, cancel_frame *f);

/* stream: the next task's connection is open (0) or not. */
static void stream_opened(tvc_cb_task *t, int rc)
{
    cancel_frame *f = tvc_cb_task_arg(t);
    f->slots[f->one.spawned].s = f->open.s;
    f->one.rc = wl_limit_hit(&f->one.limit, rc, f->open.what, f->one.spawned);
    round_spawn_next(t, f);
}

/* Spawns the blocked tasks (kind=stream: each once its connection is
 * open), then waits until all are ready. */
static void round_spawn_next(tvc_cb_task *t, cancel_frame *f)
{
    wl_cancel_round *r = &f->one;
    while (r->rc == 0 && r->limit.what == NULL && r->spawned < f->n) {
        cancel_slot *slot = &f->slots[r->spawned];
        slot->c = &f->c;
        if (f->stream && slot->s == NULL) {
            f->open.slot = &f->c.accepted;
            cbwl_open_accepted(t, &f->open, "127.0.0.1", f->c.port,
                               stream_opened);
            return;
        }
        int err = tvc_cb_spawn(tvc_cb_loop_current(), &f->handles[r->spawned],
                               blocked_task, slot);
        if (err != 0 && slot->s != NULL) {
            tvc_cb_stream_free(slot->s);
            slot->s = NULL;
        }
        r->spawned += err == 0;
        r->rc = wl_limit_hit(&r->limit, err, "spawn", r->spawned);
    }
    f->c.target = (long)r->spawned;
    if (r->spawned > 0 && f->c.ready < r->spawned) {
        tvc_cb_event_wait(t, f->c.all_ready, round_all_ready);
        return;
    }
    round_all_ready(t, 0);
}

/* The kind's set-up is done (0) or failed. */
static void round_set_up(tvc_cb_task *t, int rc)
{
    cancel_frame *f = tvc_cb_task_arg(t);
    f->one.rc = rc;
    round_spawn_next(t, f);
}

/* Creates what the kind waits on, then round_set_up(t, 0 or an error).
 * Only the lock makes the main task wait (to take it). */
static void setup(tvc_cb_task *t, cancel_ctx *c, tvc_cb_server **srv)
{
    int rc = tvc_cb_event_new(&c->all_ready);
    if (rc == 0 && strcmp(c->kind, "await") == 0) {
        c->never = tvc_cb_future_new(tvc_cb_loop_current());
        rc = c->never ? 0 : -ENOMEM;
    } else if (rc == 0 && strcmp(c->kind, "lock") == 0) {
        if ((rc = tvc_cb_lock_new(&c->lock)) == 0) {
            tvc_cb_lock_acquire(t, c->lock, round_set_up);
            return;
        }
    } else if (rc == 0 && strcmp(c->kind, "queue") == 0) {
        rc = tvc_cb_queue_new(&c->queue, 1);
    } else if (rc == 0 && strcmp(c->kind, "event") == 0) {
        rc = tvc_cb_event_new(&c->never_set);
    } else if (rc == 0 && strcmp(c->kind, "stream") == 0) {
        rc = tvc_cb_start_server(tvc_cb_loop_current(), srv, silent_conn, c,
                                 NULL);
        if (rc == 0)
            c->port = tvc_cb_server_port(*srv);
    }
    round_set_up(t, rc);
}

/* One round: blocks f->n tasks in the kind, cancels them, joins them and
 * records each cancel-to-cleanup latency in f->hr (if not NULL);
 * round_end follows. */
static void round_start(tvc_cb_task *t, cancel_frame *f)
{
    memset(&f->one, 0, sizeof f->one);
    memset(&f->c, 0, sizeof f->c);
    f->c.kind = f->a.kind;
    f->srv = NULL;
    f->stream = strcmp(f->a.kind, "stream") == 0;
    f->slots = calloc((size_t)f->n, sizeof *f->slots);
    f->handles = calloc((size_t)f->n, sizeof *f->handles);
    if (f->slots && f->handles)
        setup(t, &f->c, &f->srv);
    else
        round_set_up(t, -ENOMEM);
}

/* `rounds` rounds of f->n tasks, summed in sum, with memory sampled
 * before the first and after the last; latencies go to h (if not NULL);
 * rounds_end follows. */
static void rounds_start(tvc_cb_task *t, cancel_frame *f, wl_cancel_round *sum,
                         int64_t rounds, tvc_hist *h)
{
    memset(sum, 0, sizeof *sum);
    f->sum = sum;
    f->rounds = rounds;
    f->hr = h;
    tvc_mem_sample(&sum->before);
    round_start(t, f);
}

static void cancel_main(tvc_cb_task *t, int status)
{
    cancel_frame *f = tvc_cb_task_arg(t);
    tvc_wl *w = f->w;
    if (strcmp(tvc_wl_str(w, "mode"), "pthread_cancel") == 0) {
        tvc_wl_fail(w, -ENOTSUP,
                    "mode=pthread_cancel applies to the "
                    "threaded runtime only: callback tasks are not threads");
        tvc_cb_task_return(t, 0, NULL);
        return;
    }
    wl_cancel_args_read(w, &f->a);

    /* A warm-up round, then the measured ones.  The first also pays for
     * what a runtime and allocator set up once (pools, caches, lazily
     * grown tables); the measured rounds should then leave the heap
     * where they found it. */
    f->h = tvc_wl_hist(w, "cancel_to_cleanup");
    f->n = f->a.tasks;
    rounds_start(t, f, &f->first, 1, NULL);
}

static int cancel_run(tvc_wl *w)
{
    cancel_frame f;
    memset(&f, 0, sizeof f);
    f.w = w;
    return cbwl_run_main(cancel_main, &f);
}

const tvc_workload tvc_cbwl_cancel = {
    "cancel",
    wl_cancel_summary,
    wl_cancel_params,
    cancel_run,
};
