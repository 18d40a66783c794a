/*
 * echo, in continuation-passing style (twin of common/workloads/echo.c):
 * a TCP echo server on streams.  Each connection is served by its own
 * task: read one message (a line, exactly size_bytes, or with
 * framing=raw whatever came), write it back, drain, repeat until the peer
 * closes.
 *
 *   --role=self    the server plus `conns` client tasks in this process;
 *                  each client sends `msgs` messages, times each round
 *                  trip and checksums what came back against what it sent.
 *   --role=server  serves any client (the harness's load generator, nc)
 *                  until SIGINT/SIGTERM or duration_ms, then reports what
 *                  it served.  Prints "listening on HOST:PORT" on stderr.
 *
 * role=self opens the client connections one at a time, each accepted by
 * the server before the next (cbwl_open_accepted), then starts the
 * clients.  Each connection costs this process two fds: the first
 * connect, accept or spawn that fails is a limit, noted in the record,
 * and the run goes on with the clients it has.
 *
 * Where the direct-style source has a loop, this one has a ring of
 * continuations; where it has locals, this one has a frame struct.
 */
#include <stdlib.h>
#include <string.h>

#include "cb_workloads.h"

/* The server's settings and what it served (one thread: plain counts). */
typedef struct echo_server {
    int framing; /* WL_ECHO_LINE, _EXACT or _RAW */
    size_t size; /* framing=exact: message size */
    long long conns, msgs, bytes;
    long long conn_errors;   /* connections that ended on an error */
    wl_accept_slot accepted; /* role=self: the connection being opened */
} echo_server;

/* Reads one message; k gets 0 with the slice, or an error. */
static void echo_read(tvc_cb_task *t, tvc_cb_stream *s, int framing,
                      size_t size, tvc_cb_data_fn *k)
{
    if (framing == WL_ECHO_LINE)
        tvc_cb_readline(t, s, k);
    else if (framing == WL_ECHO_EXACT)
        tvc_cb_readexactly(t, s, size, k);
    else
        tvc_cb_read(t, s, WL_ECHO_RAW_READ, k);
}

/* A read's status: 1 at a clean end, else as it came. */
static int echo_read_status(int rc, tvc_slice m)
{
    if (rc == TVC_EINCOMPLETE && m.len == 0)
        return 1;
    if (rc == 0 && m.len == 0)
        return 1; /* readline or read at EOF */
    return rc;
}

/* ---- one server connection -------------------------------------------- */

/* The handler's frame. */
typedef struct echo_conn_frame {
    tvc_cb_stream *s;
    echo_server *srv;
    size_t len; /* of the message being echoed */
} echo_conn_frame;

static void echo_conn_got(tvc_cb_task *t, int rc, tvc_slice m);

static void echo_conn_end(tvc_cb_task *t, echo_conn_frame *f, int rc)
{
    /* The end of this connection only; a stop cancels us. */
    if (rc != 1 && rc != -ECANCELED)
        f->srv->conn_errors++;
    free(f);
    tvc_cb_task_return(t, 0, NULL);
}

static void echo_conn_drained(tvc_cb_task *t, int rc)
{
    echo_conn_frame *f = tvc_cb_task_arg(t);
    if (rc != 0) {
        echo_conn_end(t, f, rc);
        return;
    }
    f->srv->msgs++;
    f->srv->bytes += (long long)f->len;
    echo_read(t, f->s, f->srv->framing, f->srv->size, echo_conn_got);
}

static void echo_conn_got(tvc_cb_task *t, int rc, tvc_slice m)
{
    echo_conn_frame *f = tvc_cb_task_arg(t);
    rc = echo_read_status(rc, m);
    if (rc == 0)
        rc = tvc_cb_stream_write(f->s, m.data, m.len);
    if (rc != 0) {
        echo_conn_end(t, f, rc);
        return;
    }
    f->len = m.len;
    tvc_cb_drain(t, f->s, echo_conn_drained);
}

static void echo_conn(tvc_cb_task *t, int status)
{
    tvc_cb_stream *s = tvc_cb_task_arg(t);
    echo_server *srv = tvc_cb_stream_server_arg(s);
    wl_accepted(&srv->accepted);
    echo_conn_frame *f = malloc(sizeof *f);
    if (status != 0 || !f) {
        free(f);
        tvc_cb_task_return(t, 0, NULL);
        return;
    }
    *f = (echo_conn_frame){s, srv, 0};
    tvc_cb_task_set_arg(t, f);
    srv->conns++;
    echo_read(t, s, srv->framing, srv->size, echo_conn_got);
}

/* ---- one client connection of role=self ------------------------------- */

typedef struct echo_client {
    tvc_cb_stream *s; /* opened by the main task, freed by the client */
    int framing;      /* how it reads the echo (wl_echo_client_framing) */
    size_t size;
    int64_t msgs, index;
    int64_t *rtt;     /* msgs samples */
    int64_t received; /* replies that came back whole */
    uint64_t sent_hash, got_hash;
    /* the task's frame across continuations */
    char *buf;
    int64_t m, t0;
    int rc;
} echo_client;

static void client_send(tvc_cb_task *t);

static void client_closed(tvc_cb_task *t, int status)
{
    echo_client *c = tvc_cb_task_arg(t);
    tvc_cb_stream_free(c->s);
    tvc_cb_task_return(t, c->rc == 1 ? TVC_EINCOMPLETE : c->rc, NULL);
}

static void client_got(tvc_cb_task *t, int rc, tvc_slice reply)
{
    echo_client *c = tvc_cb_task_arg(t);
    c->rc = echo_read_status(rc, reply);
    if (c->rc == 0) {
        c->rtt[c->m] = tvc_now() - c->t0;
        c->got_hash = wl_hash(c->got_hash, reply.data, reply.len);
        c->received++;
    }
    c->m++;
    client_send(t);
}

static void client_drained(tvc_cb_task *t, int rc)
{
    echo_client *c = tvc_cb_task_arg(t);
    c->rc = rc;
    if (rc != 0) {
        client_send(t);
        return;
    }
    echo_read(t, c->s, c->framing, c->size, client_got);
}

/* The head of the message loop: send message m, or finish. */
static void client_send(tvc_cb_task *t)
{
    echo_client *c = tvc_cb_task_arg(t);
    if (c->m < c->msgs && c->rc == 0) {
        wl_echo_fill(c->buf, c->size, c->framing == WL_ECHO_LINE, c->index,
                     c->m);
        c->sent_hash = wl_hash(c->sent_hash, c->buf, c->size);
        c->t0 = tvc_now();
        c->rc = tvc_cb_stream_write(c->s, c->buf, c->size);
        if (c->rc == 0) {
            tvc_cb_drain(t, c->s, client_drained);
            return;
        }
    }
    free(c->buf);
    tvc_cb_stream_close(c->s);
    tvc_cb_wait_closed(t, c->s, client_closed);
}

static void echo_client_task(tvc_cb_task *t, int status)
{
    echo_client *c = tvc_cb_task_arg(t);
    c->buf = malloc(c->size);
    c->rc = c->buf ? status : -ENOMEM;
    c->m = 0;
    client_send(t);
}

/* ---- the main task ------------------------------------------------------ */

/* The main task's frame. */
typedef struct echo_main {
    tvc_wl *w;
    echo_server es;
    tvc_cb_server *srv;
    const char *host;
    int rc;
    cbwl_serve serve; /* role=server */
    /* role=self */
    int64_t conns, msgs;
    echo_client *cl;
    int64_t *rtt;
    tvc_cb_task **handles;
    int64_t opened, spawned, next, t0, elapsed;
    wl_limit limit; /* where opening or spawning stopped early */
    cbwl_open open; /* the connection being opened */
} echo_main;

static void echo_report(tvc_cb_task *t, echo_main *e)
{
    tvc_wl *w = e->w;
    tvc_wl_figure(w, "server_connections", (double)e->es.conns);
    tvc_wl_figure(w, "server_msgs", (double)e->es.msgs);
    tvc_wl_figure(w, "server_bytes", (double)e->es.bytes);
    tvc_wl_figure(w, "server_connection_errors", (double)e->es.conn_errors);
    tvc_cb_task_return(t, e->rc, NULL);
}

static void echo_server_closed(tvc_cb_task *t, int crc)
{
    echo_main *e = tvc_cb_task_arg(t);
    if (e->rc == 0)
        e->rc = crc;
    echo_report(t, e);
}

/* role=self, after every client was joined. */
static void echo_self_report(tvc_cb_task *t, echo_main *e)
{
    wl_echo_tally tally = {e->spawned, e->msgs, e->es.size, e->rtt,
                           0,          0,       0,          e->elapsed};
    for (int64_t i = 0; i < e->spawned; i++) {
        tally.received += e->cl[i].received;
        tally.sent_hash += e->cl[i].sent_hash;
        tally.got_hash += e->cl[i].got_hash;
    }
    wl_note_limit(e->w, &e->limit, e->conns);
    wl_echo_report(e->w, e->rc, &tally);
    free(e->cl);
    free(e->rtt);
    free(e->handles);
    tvc_cb_server_close(t, e->srv, echo_server_closed);
}

static void echo_self_joined(tvc_cb_task *t, int jrc, void *value)
{
    echo_main *e = tvc_cb_task_arg(t);
    if (jrc != 0 && e->rc == 0) {
        tvc_wl_fail(e->w, jrc, "client %lld", (long long)e->next);
        e->rc = jrc;
    }
    tvc_cb_task_release(e->handles[e->next]);
    if (++e->next < e->spawned) {
        tvc_cb_join(t, e->handles[e->next], echo_self_joined);
        return;
    }
    e->elapsed = tvc_now() - e->t0;
    echo_self_report(t, e);
}

/* role=self, once the connections are open: the clients run here. */
static void echo_self_opened(tvc_cb_task *t, echo_main *e)
{
    e->spawned = 0;
    e->t0 = tvc_now();
    while (e->rc == 0 && e->spawned < e->opened) {
        echo_client *c = &e->cl[e->spawned];
        *c = (echo_client){.s = c->s,
                           .framing = wl_echo_client_framing(e->es.framing),
                           .size = e->es.size,
                           .msgs = e->msgs,
                           .index = e->spawned,
                           .rtt = e->rtt + e->spawned * e->msgs,
                           .sent_hash = WL_HASH_INIT,
                           .got_hash = WL_HASH_INIT};
        int err = tvc_cb_spawn(tvc_cb_loop_current(), &e->handles[e->spawned],
                               echo_client_task, c);
        if (err != 0) {
            e->rc = wl_limit_hit(&e->limit, err, "spawn", e->spawned);
            break;
        }
        e->spawned++;
    }
    for (int64_t i = e->spawned; i < e->opened; i++)
        tvc_cb_stream_free(e->cl[i].s); /* no client for it */
    e->next = 0;
    if (e->spawned > 0) {
        tvc_cb_join(t, e->handles[0], echo_self_joined);
        return;
    }
    e->elapsed = tvc_now() - e->t0;
    echo_self_report(t, e);
}

static void echo_open_next(tvc_cb_task *t, int rc);

/* The loop head: open the next connection, or start the clients. */
static void echo_open(tvc_cb_task *t, echo_main *e)
{
    if (e->rc == 0 && e->limit.what == NULL && e->opened < e->conns) {
        e->open.slot = &e->es.accepted;
        cbwl_open_accepted(t, &e->open, e->host, tvc_cb_server_port(e->srv),
                           echo_open_next);
        return;
    }
    echo_self_opened(t, e);
}

static void echo_open_next(tvc_cb_task *t, int rc)
{
    echo_main *e = tvc_cb_task_arg(t);
    e->cl[e->opened].s = e->open.s;
    e->opened += rc == 0;
    e->rc = wl_limit_hit(&e->limit, rc, e->open.what, e->opened);
    echo_open(t, e);
}

/* role=self: open the connections, then run the clients. */
static void echo_self(tvc_cb_task *t, echo_main *e)
{
    tvc_wl *w = e->w;
    e->conns = tvc_wl_int(w, "conns");
    e->msgs = tvc_wl_int(w, "msgs");
    e->cl = calloc((size_t)e->conns, sizeof *e->cl);
    e->rtt = calloc((size_t)(e->conns * e->msgs) + 1, sizeof *e->rtt);
    e->handles = calloc((size_t)e->conns, sizeof *e->handles);
    e->rc = e->cl && e->rtt && e->handles ? 0 : -ENOMEM;
    e->opened = 0;
    echo_open(t, e);
}

static void echo_main_task(tvc_cb_task *t, int status)
{
    echo_main *e = tvc_cb_task_arg(t);
    tvc_wl *w = e->w;
    int64_t size = tvc_wl_int(w, "size_bytes");
    e->es = (echo_server){.framing = wl_echo_framing(tvc_wl_str(w, "framing")),
                          .size = (size_t)size};
    /* The read limit must hold one whole line. */
    tvc_server_opts so = wl_server_opts(
        w, (size_t)size > TVC_STREAM_LIMIT_DEFAULT ? (size_t)size : 0);
    e->host = so.host;
    int rc = tvc_cb_start_server(tvc_cb_loop_current(), &e->srv, echo_conn,
                                 &e->es, &so);
    if (rc != 0) {
        tvc_wl_fail(w, rc, "cannot listen on %s:%d", e->host, so.port);
        tvc_cb_task_return(t, 0, NULL);
        return;
    }
    if (strcmp(tvc_wl_str(w, "role"), "self") == 0) {
        echo_self(t, e);
    } else {
        e->serve = (cbwl_serve){.w = w, .srv = e->srv};
        cbwl_serve_until_stopped(t, &e->serve, e->host,
                                 tvc_wl_int(w, "duration_ms"),
                                 echo_server_closed);
    }
}

static int echo_run(tvc_wl *w)
{
    echo_main e;
    memset(&e, 0, sizeof e);
    e.w = w;
    return cbwl_run_main(echo_main_task, &e);
}

const tvc_workload tvc_cbwl_echo = {
    "echo",
    wl_echo_summary,
    wl_echo_params,
    echo_run,
};
