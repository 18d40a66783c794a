/*
 * fanout, in continuation-passing style (twin of
 * common/workloads/fanout.c): download M items from a slow server, at
 * most L at once.  Each item is its own task: acquire the semaphore,
 * connect, send one request line, read the reply, close, release.  The
 * ideal total time is ceil(M / L) * delay; the figures say how close the
 * runtime came.
 *
 * The delay protocol (the harness's external delay server speaks it too):
 * the client sends one line ("item <i>\n"), the server sends the same line
 * back after its delay, and keeps doing so on that connection until the
 * client closes.  Without --server an in-process delay server task plays
 * that part, so the workload stands alone.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cb_workloads.h"

/* ---- the in-process delay server's handler ---------------------------- */

/* The handler's frame. */
typedef struct delay_frame {
    tvc_cb_stream *s;
    int64_t delay;
    tvc_slice line;
} delay_frame;

static void delay_end(tvc_cb_task *t, delay_frame *d)
{
    free(d);
    tvc_cb_task_return(t, 0, NULL);
}

static void delay_got(tvc_cb_task *t, int rc, tvc_slice line);

static void delay_drained(tvc_cb_task *t, int rc)
{
    delay_frame *d = tvc_cb_task_arg(t);
    if (rc != 0) {
        delay_end(t, d);
        return;
    }
    tvc_cb_readline(t, d->s, delay_got);
}

static void delay_slept(tvc_cb_task *t, int rc)
{
    delay_frame *d = tvc_cb_task_arg(t);
    if (rc != 0 ||
        (rc = tvc_cb_stream_write(d->s, d->line.data, d->line.len)) != 0) {
        delay_end(t, d);
        return;
    }
    tvc_cb_drain(t, d->s, delay_drained);
}

static void delay_got(tvc_cb_task *t, int rc, tvc_slice line)
{
    delay_frame *d = tvc_cb_task_arg(t);
    if (rc != 0 || line.len == 0) {
        delay_end(t, d);
        return;
    }
    /* The slice lives until the next read: sleeping keeps it. */
    d->line = line;
    tvc_cb_sleep(t, d->delay, delay_slept);
}

static void delay_conn(tvc_cb_task *t, int status)
{
    tvc_cb_stream *s = tvc_cb_task_arg(t);
    delay_frame *d = malloc(sizeof *d);
    if (status != 0 || !d) {
        free(d);
        tvc_cb_task_return(t, 0, NULL);
        return;
    }
    *d = (delay_frame){s, *(const int64_t *)tvc_cb_stream_server_arg(s),
                       {NULL, 0}};
    tvc_cb_task_set_arg(t, d);
    tvc_cb_readline(t, s, delay_got);
}

/* ---- the downloads ------------------------------------------------------ */

/* Shared by the download tasks (one thread: plain counts). */
typedef struct fanout {
    const char *host;
    int port;
    tvc_cb_sem *sem;
    int in_flight, max_in_flight;
    long long received; /* replies that matched their request */
    long long errors;   /* downloads that failed */
} fanout;

/* One download, and its frame. */
typedef struct download {
    fanout *f;
    int64_t index;
    int64_t latency_ns; /* connect to reply, inside the semaphore */
    char req[40];
    int len;
    int64_t t0;
    tvc_cb_stream *s;
} download;

static void download_done(tvc_cb_task *t, int rc)
{
    download *d = tvc_cb_task_arg(t);
    fanout *f = d->f;
    f->in_flight--;
    tvc_cb_sem_release(f->sem);
    if (rc == 0)
        f->received++;
    else
        f->errors++;
    tvc_cb_task_return(t, rc, NULL);
}

/* The end of fetch: the stream goes, the download is done. */
static void fetch_end(tvc_cb_task *t, int rc)
{
    download *d = tvc_cb_task_arg(t);
    d->latency_ns = tvc_now() - d->t0;
    tvc_cb_stream_free(d->s);
    download_done(t, rc);
}

static void fetch_got(tvc_cb_task *t, int rc, tvc_slice reply)
{
    download *d = tvc_cb_task_arg(t);
    if (rc == 0 && (reply.len != (size_t)d->len ||
                    memcmp(reply.data, d->req, (size_t)d->len) != 0))
        rc = -EPROTO;
    fetch_end(t, rc);
}

static void fetch_drained(tvc_cb_task *t, int rc)
{
    download *d = tvc_cb_task_arg(t);
    if (rc != 0) {
        fetch_end(t, rc);
        return;
    }
    tvc_cb_readline(t, d->s, fetch_got);
}

static void fetch_connected(tvc_cb_task *t, int rc, void *stream)
{
    download *d = tvc_cb_task_arg(t);
    if (rc != 0) {
        download_done(t, rc);
        return;
    }
    d->s = stream;
    rc = tvc_cb_stream_write(d->s, d->req, (size_t)d->len);
    if (rc != 0) {
        fetch_end(t, rc);
        return;
    }
    tvc_cb_drain(t, d->s, fetch_drained);
}

static void download_acquired(tvc_cb_task *t, int rc)
{
    download *d = tvc_cb_task_arg(t);
    fanout *f = d->f;
    if (rc != 0) {
        tvc_cb_task_return(t, rc, NULL);
        return;
    }
    if (++f->in_flight > f->max_in_flight)
        f->max_in_flight = f->in_flight;
    /* fetch */
    d->len = snprintf(d->req, sizeof d->req, "item %lld\n",
                      (long long)d->index);
    d->t0 = tvc_now();
    tvc_cb_open_connection(t, f->host, f->port, 0, fetch_connected);
}

static void download_task(tvc_cb_task *t, int status)
{
    download *d = tvc_cb_task_arg(t);
    if (status != 0) {
        tvc_cb_task_return(t, status, NULL);
        return;
    }
    tvc_cb_sem_acquire(t, d->f->sem, download_acquired);
}

/* ---- the main task ------------------------------------------------------ */

/* The main task's frame. */
typedef struct fanout_main {
    tvc_wl *w;
    int64_t items, limit, delay;
    fanout f;
    char host[64];
    tvc_cb_server *srv;
    download *d;
    tvc_cb_task **handles;
    int64_t *lat; /* each download's latency, for the record */
    int rc, first_err;
    int64_t spawned, next, t0, total;
} fanout_main;

static void fanout_cleanup(tvc_cb_task *t, int status)
{
    fanout_main *m = tvc_cb_task_arg(t);
    if (m->f.sem)
        tvc_cb_sem_free(m->f.sem);
    free(m->d);
    free(m->handles);
    free(m->lat);
    tvc_cb_task_return(t, 0, NULL);
}

static void fanout_report(tvc_cb_task *t, fanout_main *m)
{
    for (int64_t i = 0; m->rc == 0 && i < m->items; i++)
        m->lat[i] = m->d[i].latency_ns;
    wl_fanout_tally tally = {.items = m->items,
                             .limit = m->limit,
                             .delay_ns = m->delay,
                             .total_ns = m->total,
                             .latency = m->lat,
                             .max_in_flight = m->f.max_in_flight,
                             .errors = m->f.errors,
                             .received = m->f.received,
                             .first_err = m->first_err};
    wl_fanout_report(m->w, m->rc, &tally);
    if (m->srv != NULL) {
        tvc_cb_server_close(t, m->srv, fanout_cleanup);
        return;
    }
    fanout_cleanup(t, 0);
}

static void fanout_joined(tvc_cb_task *t, int jrc, void *value)
{
    fanout_main *m = tvc_cb_task_arg(t);
    if (m->first_err == 0)
        m->first_err = jrc;
    tvc_cb_task_release(m->handles[m->next]);
    if (++m->next < m->spawned) {
        tvc_cb_join(t, m->handles[m->next], fanout_joined);
        return;
    }
    m->total = tvc_now() - m->t0;
    fanout_report(t, m);
}

static void fanout_main_task(tvc_cb_task *t, int status)
{
    fanout_main *m = tvc_cb_task_arg(t);
    tvc_wl *w = m->w;
    m->items = tvc_wl_int(w, "items");
    m->limit = tvc_wl_int(w, "limit");
    m->delay = tvc_wl_int(w, "delay_ns");
    m->rc = wl_fanout_server(w, m->host, sizeof m->host, &m->f.port);
    if (m->rc == 0) {
        m->rc = tvc_cb_start_server(tvc_cb_loop_current(), &m->srv, delay_conn,
                                    &m->delay, NULL);
        if (m->rc == 0)
            m->f.port = tvc_cb_server_port(m->srv);
    }
    m->rc = m->rc > 0 ? 0 : m->rc; /* 1: an external server, none to start */
    m->f.host = m->host;
    if (m->rc == 0)
        m->rc = wl_fanout_fds_fit(w, m->items, m->limit, m->srv != NULL);
    m->d = calloc((size_t)m->items, sizeof *m->d);
    m->handles = calloc((size_t)m->items, sizeof *m->handles);
    m->lat = calloc((size_t)m->items, sizeof *m->lat);
    if (m->rc == 0)
        m->rc = m->d && m->handles && m->lat
                    ? tvc_cb_sem_new(&m->f.sem, (int)m->limit, 1)
                    : -ENOMEM;

    m->t0 = tvc_now();
    while (m->rc == 0 && m->spawned < m->items) {
        m->d[m->spawned] = (download){.f = &m->f, .index = m->spawned};
        m->rc = tvc_cb_spawn(tvc_cb_loop_current(), &m->handles[m->spawned],
                             download_task, &m->d[m->spawned]);
        m->spawned += m->rc == 0;
    }
    if (m->spawned > 0) {
        tvc_cb_join(t, m->handles[0], fanout_joined);
        return;
    }
    m->total = tvc_now() - m->t0;
    fanout_report(t, m);
}

static int fanout_run(tvc_wl *w)
{
    fanout_main m;
    memset(&m, 0, sizeof m);
    m.w = w;
    return cbwl_run_main(fanout_main_task, &m);
}

const tvc_workload tvc_cbwl_fanout = {
    "fanout",
    wl_fanout_summary,
    wl_fanout_params,
    fanout_run,
};
