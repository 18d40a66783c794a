/*
 * cancel --mode=pthread_cancel: the same experiment with raw pthreads and
 * pthread_cancel, so the two can be read side by side.  Only the threaded
 * runtime runs this: a coroutine runtime's tasks are not threads.
 *
 * Each thread holds a heap buffer and (kind=stream) a socket, and blocks
 * in nanosleep, in pthread_cond_wait under a mutex (kind=lock), in read
 * (kind=stream) or in a loop of pthread_testcancel (kind=cpu).  It has one
 * cleanup handler that records the time and counts: the same cleanup
 * point as the api mode.
 *
 * What it shows.  The buffer and socket are released after the blocking
 * call, as in the api mode's task: pthread_cancel never returns there, so
 * they leak, and the record says how much.  The mutex has its own unlock
 * handler (without it the next cancelled waiter would deadlock); the
 * record checks whether it was left held.
 *
 * --rounds=R repeats the whole cycle (start, cancel, join, release) R
 * times, every thread a latency sample; a round that fails its checks
 * ends the run.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "workloads.h"

/* What every raw thread shares. */
typedef struct pt_ctx {
    const char *kind;
    pthread_mutex_t mu;   /* kind=lock: waited for under a condvar */
    pthread_cond_t never; /* kind=lock: never signalled */
    atomic_long ready;
} pt_ctx;

/* One raw thread. */
typedef struct pt_slot {
    pt_ctx *c;
    pthread_t th;
    void *buffer; /* freed after the blocking call */
    int fd;       /* kind=stream: the end the thread reads */
    int peer;     /* kind=stream: the silent end, main's */
    int64_t cancel_ns, cleanup_ns;
    atomic_int cleanups; /* times the cleanup handler ran */
} pt_slot;

static void on_cancel(void *arg)
{
    pt_slot *s = arg;
    s->cleanup_ns = tvc_now();
    atomic_fetch_add(&s->cleanups, 1);
}

static void unlock_mutex(void *arg)
{
    pthread_mutex_unlock(arg);
}

static void *pt_thread(void *arg)
{
    pt_slot *s = arg;
    pt_ctx *c = s->c;
    s->buffer = malloc(256);
    pthread_cleanup_push(on_cancel, s);
    atomic_fetch_add(&c->ready, 1);
    if (strcmp(c->kind, "sleep") == 0) {
        struct timespec ts = {3600, 0};
        nanosleep(&ts, NULL);
    } else if (strcmp(c->kind, "lock") == 0) {
        pthread_mutex_lock(&c->mu);
        pthread_cleanup_push(unlock_mutex, &c->mu);
        for (;;)
            pthread_cond_wait(&c->never, &c->mu);
        pthread_cleanup_pop(1);
    } else if (strcmp(c->kind, "stream") == 0) {
        char b[64];
        while (read(s->fd, b, sizeof b) > 0)
            ;
    } else {
        for (;;)
            pthread_testcancel();
    }
    pthread_cleanup_pop(1);
    /* The normal path's cleanup: never reached by a cancelled thread. */
    if (s->fd >= 0)
        close(s->fd);
    s->fd = -1;
    free(s->buffer);
    s->buffer = NULL;
    return NULL;
}

/* What the rounds found, summed. */
typedef struct pt_sum {
    int rc;         /* a start failure (no thread started), or 0 */
    wl_limit limit; /* where a round's start stopped early */
    int64_t rounds, started, cancelled, once;
    int64_t buffers, fds; /* left behind by cancelled threads */
    int64_t lock_held;    /* rounds that ended with the mutex held */
    int64_t all_done_ns;  /* first cancel to last join, summed */
} pt_sum;

/* One round: starts `tasks` threads blocked in c->kind, cancels and joins
 * them, records their latencies in h and adds what it found to sum.
 * Returns 1 if another round may follow (the round checked out). */
static int pt_round(pt_ctx *c, pt_slot *slots, int64_t tasks, int64_t settle,
                    tvc_hist *h, pt_sum *sum)
{
    memset(slots, 0, (size_t)tasks * sizeof *slots);
    atomic_store(&c->ready, 0);
    int rc = 0;
    wl_limit limit = {0};
    int64_t started = 0;
    while (rc == 0 && limit.what == NULL && started < tasks) {
        pt_slot *s = &slots[started];
        s->c = c;
        s->fd = s->peer = -1;
        const char *what = "socketpair";
        int err = 0, sv[2];
        if (strcmp(c->kind, "stream") == 0) {
            err = socketpair(AF_UNIX, SOCK_STREAM, 0, sv) != 0 ? -errno : 0;
            s->fd = err == 0 ? sv[0] : -1;
            s->peer = err == 0 ? sv[1] : -1;
        }
        if (err == 0) {
            what = "pthread_create";
            err = -pthread_create(&s->th, NULL, pt_thread, s);
        }
        if (err != 0 && s->fd >= 0) {
            close(s->fd);
            close(s->peer);
            s->fd = s->peer = -1;
        }
        started += err == 0;
        rc = wl_limit_hit(&limit, err, what, started);
    }
    /* Raw threads have no event to signal readiness with: poll, briefly,
     * since single-task rounds pay this wait every round. */
    while (atomic_load(&c->ready) < started)
        tvc_sleep(TVC_US(10));
    if (settle > 0)
        tvc_sleep(settle);

    int64_t t0 = tvc_now();
    for (int64_t i = 0; i < started; i++) {
        slots[i].cancel_ns = tvc_now();
        pthread_cancel(slots[i].th);
    }
    int64_t cancelled = 0, once = 0;
    for (int64_t i = 0; i < started; i++) {
        void *ret;
        pthread_join(slots[i].th, &ret);
        cancelled += ret == PTHREAD_CANCELED;
    }
    sum->all_done_ns += tvc_now() - t0;
    int lock_held = pthread_mutex_trylock(&c->mu) != 0;
    if (!lock_held)
        pthread_mutex_unlock(&c->mu);

    for (int64_t i = 0; i < started; i++) {
        pt_slot *s = &slots[i];
        once += atomic_load(&s->cleanups) == 1;
        tvc_hist_record(h, s->cleanup_ns - s->cancel_ns);
        /* What the cancelled thread never released, released here. */
        sum->buffers += s->buffer != NULL;
        free(s->buffer);
        if (s->fd >= 0) {
            sum->fds++;
            close(s->fd);
        }
        if (s->peer >= 0)
            close(s->peer);
    }
    sum->rounds++;
    sum->started += started;
    sum->cancelled += cancelled;
    sum->once += once;
    sum->lock_held += lock_held;
    if (sum->rc == 0)
        sum->rc = rc;
    if (sum->limit.what == NULL)
        sum->limit = limit;
    /* A held mutex would block the next round's threads for good. */
    return rc == 0 && cancelled == started && once == started && !lock_held;
}

int wl_cancel_pthread(tvc_wl *w)
{
    wl_cancel_args a;
    if (strcmp(tvc_runtime_name(), "threaded") != 0) {
        tvc_wl_fail(w, -ENOTSUP,
                    "mode=pthread_cancel applies to the "
                    "threaded runtime only: %s tasks are not threads",
                    tvc_runtime_name());
        return 0;
    }
    wl_cancel_args_read(w, &a);
    const char *kind = a.kind;
    if (strcmp(kind, "sleep") != 0 && strcmp(kind, "lock") != 0 &&
        strcmp(kind, "stream") != 0 && strcmp(kind, "cpu") != 0) {
        tvc_wl_fail(w, -ENOTSUP,
                    "mode=pthread_cancel has kinds sleep, "
                    "lock, stream and cpu, not %s",
                    kind);
        return 0;
    }

    pt_ctx c;
    memset(&c, 0, sizeof c);
    c.kind = kind;
    pthread_mutex_init(&c.mu, NULL);
    pthread_cond_init(&c.never, NULL);
    pt_slot *slots = calloc((size_t)a.tasks, sizeof *slots);
    tvc_hist *h = tvc_wl_hist(w, "cancel_to_cleanup");
    pt_sum sum;
    memset(&sum, 0, sizeof sum);
    if (slots == NULL)
        sum.rc = -ENOMEM;
    else
        while (pt_round(&c, slots, a.tasks, a.settle, h, &sum) &&
               sum.rounds < a.rounds)
            ;

    if (sum.rc != 0)
        tvc_wl_fail(w, sum.rc, "starting %lld threads", (long long)a.tasks);
    if (sum.rounds > 0)
        tvc_wl_figure(w, "all_cancelled_ns",
                      (double)sum.all_done_ns / sum.rounds);
    tvc_wl_figure(w, "buffers_leaked", (double)sum.buffers);
    tvc_wl_figure(w, "heap_leaked_bytes", (double)sum.buffers * 256);
    tvc_wl_figure(w, "fds_leaked", (double)sum.fds);
    tvc_wl_figure(w, "lock_left_held", (double)sum.lock_held);
    tvc_wl_note(w, "pthread_cancel",
                "resources released after the blocking call leak under "
                "pthread_cancel unless each has its own cleanup handler; "
                "the workload freed them afterwards to measure the next "
                "run cleanly");
    wl_note_limit(w, &sum.limit, a.tasks);
    tvc_wl_check(w, "rounds_run", a.rounds, sum.rounds);
    tvc_wl_check(w, "tasks_cancelled", sum.started, sum.cancelled);
    tvc_wl_check(w, "cleanup_exactly_once", sum.started, sum.once);
    pthread_cond_destroy(&c.never);
    pthread_mutex_destroy(&c.mu);
    free(slots);
    return 0;
}
