/*
 * fanout: download M items from a slow server, at most L at once.  Each
 * item is its own task: acquire the semaphore, connect, send one request
 * line, read the reply, close, release.  The ideal total time is
 * ceil(M / L) * delay; the figures say how close the runtime came.
 *
 * The delay protocol (the harness's external delay server speaks it too):
 * the client sends one line ("item <i>\n"), the server sends the same line
 * back after its delay, and keeps doing so on that connection until the
 * client closes.  Without --server an in-process delay server task plays
 * that part, so the workload stands alone.
 */
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "workloads.h"

/* The in-process delay server's handler. */
static int delay_conn(tvc_stream *s, void *arg)
{
    int64_t delay = *(const int64_t *)arg;
    for (;;) {
        tvc_slice line;
        int rc = tvc_stream_readline(s, &line);
        if (rc != 0 || line.len == 0)
            return 0;
        /* The slice lives until the next read: sleeping keeps it. */
        if ((rc = tvc_sleep(delay)) != 0 ||
            (rc = tvc_stream_write(s, line.data, line.len)) != 0 ||
            (rc = tvc_stream_drain(s)) != 0)
            return 0;
    }
}

/* Shared by the download tasks. */
typedef struct fanout {
    const char *host;
    int port;
    tvc_sem *sem;
    atomic_int in_flight, max_in_flight;
    atomic_llong received; /* replies that matched their request */
    atomic_llong errors;   /* downloads that failed */
} fanout;

/* One download. */
typedef struct download {
    fanout *f;
    int64_t index;
    int64_t latency_ns; /* connect to reply, inside the semaphore */
} download;

static int fetch(download *d)
{
    fanout *f = d->f;
    char req[40];
    int len = snprintf(req, sizeof req, "item %lld\n", (long long)d->index);
    int64_t t0 = tvc_now();
    tvc_stream *s;
    int rc = tvc_open_connection(&s, f->host, f->port, 0);
    if (rc != 0)
        return rc;
    tvc_slice reply;
    rc = tvc_stream_write(s, req, (size_t)len);
    if (rc == 0)
        rc = tvc_stream_drain(s);
    if (rc == 0)
        rc = tvc_stream_readline(s, &reply);
    if (rc == 0 &&
        (reply.len != (size_t)len || memcmp(reply.data, req, (size_t)len) != 0))
        rc = -EPROTO;
    d->latency_ns = tvc_now() - t0;
    tvc_stream_free(s);
    return rc;
}

static int download_task(void *arg, void **result)
{
    download *d = arg;
    fanout *f = d->f;
    int rc = tvc_sem_acquire(f->sem);
    if (rc != 0)
        return rc;
    int now = atomic_fetch_add(&f->in_flight, 1) + 1;
    int max = atomic_load(&f->max_in_flight);
    while (now > max &&
           !atomic_compare_exchange_weak(&f->max_in_flight, &max, now))
        ;
    rc = fetch(d);
    atomic_fetch_sub(&f->in_flight, 1);
    tvc_sem_release(f->sem);
    atomic_fetch_add(rc == 0 ? &f->received : &f->errors, 1);
    return rc;
}

static int fanout_run(tvc_wl *w)
{
    int64_t items = tvc_wl_int(w, "items");
    int64_t limit = tvc_wl_int(w, "limit");
    int64_t delay = tvc_wl_int(w, "delay_ns");
    fanout f;
    memset(&f, 0, sizeof f);
    char host[64];
    tvc_server *srv = NULL;
    int rc = wl_fanout_server(w, host, sizeof host, &f.port);
    if (rc == 0) {
        rc = tvc_start_server(&srv, delay_conn, &delay, NULL);
        if (rc == 0)
            f.port = tvc_server_port(srv);
    }
    rc = rc > 0 ? 0 : rc; /* 1: an external server, nothing to start */
    f.host = host;
    if (rc == 0)
        rc = wl_fanout_fds_fit(w, items, limit, srv != NULL);
    download *d = calloc((size_t)items, sizeof *d);
    tvc_task **handles = calloc((size_t)items, sizeof *handles);
    int64_t *lat = calloc((size_t)items, sizeof *lat);
    if (rc == 0)
        rc = d && handles && lat ? tvc_sem_new(&f.sem, (int)limit, 1) : -ENOMEM;

    int64_t spawned = 0, t0 = tvc_now();
    while (rc == 0 && spawned < items) {
        d[spawned] = (download){&f, spawned, 0};
        rc = tvc_spawn(&handles[spawned], download_task, &d[spawned], NULL);
        spawned += rc == 0;
    }
    int first_err = 0;
    for (int64_t i = 0; i < spawned; i++) {
        int jrc = tvc_task_join(handles[i], NULL);
        if (first_err == 0)
            first_err = jrc;
        tvc_task_release(handles[i]);
    }
    int64_t total = tvc_now() - t0;

    for (int64_t i = 0; rc == 0 && i < items; i++)
        lat[i] = d[i].latency_ns;
    wl_fanout_tally tally = {.items = items,
                             .limit = limit,
                             .delay_ns = delay,
                             .total_ns = total,
                             .latency = lat,
                             .max_in_flight = atomic_load(&f.max_in_flight),
                             .errors = atomic_load(&f.errors),
                             .received = atomic_load(&f.received),
                             .first_err = first_err};
    wl_fanout_report(w, rc, &tally);
    free(lat);
    if (srv != NULL)
        tvc_server_close(srv);
    if (f.sem)
        tvc_sem_free(f.sem);
    free(d);
    free(handles);
    return 0;
}

const tvc_workload tvc_wl_fanout = {
    "fanout",
    wl_fanout_summary,
    wl_fanout_params,
    fanout_run,
};
