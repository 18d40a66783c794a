/*
 * cancel --mode=pthread_cancel: the same experiment with raw pthreads and
 * pthread_cancel, so the two can be read side by side.  Each thread holds
 * a heap buffer and (kind=stream) a socket, blocks in nanosleep, in
 * pthread_cond_wait under a mutex (kind=lock), in read (kind=stream) or in
 * a loop of pthread_testcancel (kind=cpu), and has one cleanup handler
 * that records the time and counts -- the same cleanup point as the api
 * mode.  The buffer and socket are released after the blocking call, as
 * in the api mode's task: pthread_cancel never returns there, so they
 * leak, and the record says how much.  The mutex has its own unlock
 * handler (without it the next cancelled waiter would deadlock); the
 * record checks whether it was left held.  Only the threaded runtime runs
 * this: a coroutine runtime's tasks are not threads.
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

int wl_cancel_pthread(tvc_wl *w)
{
    int64_t tasks = tvc_wl_int(w, "tasks");
    int64_t settle = tvc_wl_int(w, "settle_ns");
    const char *kind = tvc_wl_str(w, "kind");
    if (strcmp(tvc_runtime_name(), "threaded") != 0) {
        tvc_wl_fail(w, -ENOTSUP,
                    "mode=pthread_cancel applies to the "
                    "threaded runtime only: %s tasks are not threads",
                    tvc_runtime_name());
        return 0;
    }
    if (strcmp(kind, "sleep") != 0 && strcmp(kind, "lock") != 0 &&
        strcmp(kind, "stream") != 0 && strcmp(kind, "cpu") != 0) {
        tvc_wl_fail(w, -ENOTSUP,
                    "mode=pthread_cancel has kinds sleep, "
                    "lock, stream and cpu, not %s",
                    kind);
        return 0;
    }
    if (tasks < 1 || settle < 0) {
        tvc_wl_fail(w, -EINVAL, "--tasks must be >= 1, --settle_ns >= 0");
        return 0;
    }

    pt_ctx c;
    memset(&c, 0, sizeof c);
    c.kind = kind;
    pthread_mutex_init(&c.mu, NULL);
    pthread_cond_init(&c.never, NULL);
    pt_slot *slots = calloc((size_t)tasks, sizeof *slots);
    int rc = slots ? 0 : -ENOMEM;
    wl_limit limit = {0};
    int64_t started = 0;
    while (rc == 0 && limit.what == NULL && started < tasks) {
        pt_slot *s = &slots[started];
        s->c = &c;
        s->fd = s->peer = -1;
        const char *what = "socketpair";
        int err = 0, sv[2];
        if (strcmp(kind, "stream") == 0) {
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
    /* Raw threads have no event to signal readiness with: poll. */
    while (atomic_load(&c.ready) < started)
        tvc_sleep(TVC_US(100));
    if (settle > 0)
        tvc_sleep(settle);

    int64_t t0 = tvc_now();
    for (int64_t i = 0; i < started; i++) {
        slots[i].cancel_ns = tvc_now();
        pthread_cancel(slots[i].th);
    }
    int64_t cancelled = 0, once = 0, buffers = 0, fds = 0;
    for (int64_t i = 0; i < started; i++) {
        void *ret;
        pthread_join(slots[i].th, &ret);
        cancelled += ret == PTHREAD_CANCELED;
    }
    int64_t all_done_ns = tvc_now() - t0;
    int lock_held = pthread_mutex_trylock(&c.mu) != 0;
    if (!lock_held)
        pthread_mutex_unlock(&c.mu);

    tvc_hist *h = tvc_wl_hist(w, "cancel_to_cleanup");
    for (int64_t i = 0; i < started; i++) {
        pt_slot *s = &slots[i];
        once += atomic_load(&s->cleanups) == 1;
        tvc_hist_record(h, s->cleanup_ns - s->cancel_ns);
        /* What the cancelled thread never released, released here. */
        buffers += s->buffer != NULL;
        free(s->buffer);
        if (s->fd >= 0) {
            fds++;
            close(s->fd);
        }
        if (s->peer >= 0)
            close(s->peer);
    }
    if (rc != 0)
        tvc_wl_fail(w, rc, "starting %lld threads", (long long)tasks);
    if (started > 0) {
        tvc_wl_figure(w, "cancel_to_cleanup_ns_median",
                      (double)tvc_hist_percentile(h, 50));
        tvc_wl_figure(w, "cancel_to_cleanup_ns_p99",
                      (double)tvc_hist_percentile(h, 99));
        tvc_wl_figure(w, "all_cancelled_ns", (double)all_done_ns);
    }
    tvc_wl_figure(w, "buffers_leaked", (double)buffers);
    tvc_wl_figure(w, "heap_leaked_bytes", (double)buffers * 256);
    tvc_wl_figure(w, "fds_leaked", (double)fds);
    tvc_wl_figure(w, "lock_left_held", lock_held);
    tvc_wl_note(w, "pthread_cancel",
                "resources released after the blocking call leak under "
                "pthread_cancel unless each has its own cleanup handler; "
                "the workload freed them afterwards to measure the next "
                "run cleanly");
    wl_note_limit(w, &limit, tasks);
    tvc_wl_check(w, "tasks_cancelled", started, cancelled);
    tvc_wl_check(w, "cleanup_exactly_once", started, once);
    pthread_cond_destroy(&c.never);
    pthread_mutex_destroy(&c.mu);
    free(slots);
    return 0;
}
