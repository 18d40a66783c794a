/*
 * echo: a TCP echo server on streams.  Each connection is served by its
 * own task: read one message (a line, exactly size_bytes, or with
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
 * the server before the next (wl_open_accepted), then starts the
 * clients.  Each connection costs this process two fds: the first
 * connect, accept or spawn that fails is a limit, noted in the record,
 * and the run goes on with the clients it has.
 */
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "workloads.h"

/* The server's settings and what it served (handlers run concurrently). */
typedef struct echo_server {
    int framing; /* WL_ECHO_LINE, _EXACT or _RAW */
    size_t size; /* framing=exact: message size */
    atomic_llong conns, msgs, bytes;
    atomic_llong conn_errors; /* connections that ended on an error */
    wl_accept_slot accepted;  /* role=self: the connection being opened */
} echo_server;

/* Reads one message: 0 with the slice, 1 at a clean end, or an error. */
static int echo_read(tvc_stream *s, int framing, size_t size, tvc_slice *m)
{
    int rc = framing == WL_ECHO_LINE ? tvc_stream_readline(s, m)
             : framing == WL_ECHO_EXACT
                 ? tvc_stream_readexactly(s, size, m)
                 : tvc_stream_read(s, WL_ECHO_RAW_READ, m);
    if (rc == TVC_EINCOMPLETE && m->len == 0)
        return 1;
    if (rc == 0 && m->len == 0)
        return 1; /* readline or read at EOF */
    return rc;
}

static int echo_conn(tvc_stream *s, void *arg)
{
    echo_server *srv = arg;
    wl_accepted(&srv->accepted);
    atomic_fetch_add(&srv->conns, 1);
    for (;;) {
        tvc_slice m;
        int rc = echo_read(s, srv->framing, srv->size, &m);
        if (rc == 0)
            rc = tvc_stream_write(s, m.data, m.len);
        if (rc == 0)
            rc = tvc_stream_drain(s);
        if (rc != 0) {
            /* The end of this connection only; a stop cancels us. */
            if (rc != 1 && rc != -ECANCELED)
                atomic_fetch_add(&srv->conn_errors, 1);
            return 0;
        }
        atomic_fetch_add(&srv->msgs, 1);
        atomic_fetch_add(&srv->bytes, (long long)m.len);
    }
}

/* One client connection of role=self. */
typedef struct echo_client {
    tvc_stream *s; /* opened by the main task, freed by the client */
    int framing;   /* how it reads the echo (wl_echo_client_framing) */
    size_t size;
    int64_t msgs, index;
    int64_t *rtt;     /* msgs samples */
    int64_t received; /* replies that came back whole */
    uint64_t sent_hash, got_hash;
} echo_client;

static int echo_client_task(void *arg, void **result)
{
    echo_client *c = arg;
    tvc_stream *s = c->s;
    char *buf = malloc(c->size);
    int rc = buf ? 0 : -ENOMEM;
    for (int64_t m = 0; m < c->msgs && rc == 0; m++) {
        wl_echo_fill(buf, c->size, c->framing == WL_ECHO_LINE, c->index, m);
        c->sent_hash = wl_hash(c->sent_hash, buf, c->size);
        int64_t t0 = tvc_now();
        tvc_slice reply;
        rc = tvc_stream_write(s, buf, c->size);
        if (rc == 0)
            rc = tvc_stream_drain(s);
        if (rc == 0)
            rc = echo_read(s, c->framing, c->size, &reply);
        if (rc == 0) {
            c->rtt[m] = tvc_now() - t0;
            c->got_hash = wl_hash(c->got_hash, reply.data, reply.len);
            c->received++;
        }
    }
    free(buf);
    tvc_stream_close(s);
    tvc_stream_wait_closed(s);
    tvc_stream_free(s);
    return rc == 1 ? TVC_EINCOMPLETE : rc;
}

/* role=self: the clients run here; returns 0 or the first error. */
static int echo_self(tvc_wl *w, tvc_server *srv, echo_server *es)
{
    int64_t conns = tvc_wl_int(w, "conns"), msgs = tvc_wl_int(w, "msgs");
    echo_client *cl = calloc((size_t)conns, sizeof *cl);
    int64_t *rtt = calloc((size_t)(conns * msgs) + 1, sizeof *rtt);
    tvc_stream **streams = calloc((size_t)conns, sizeof *streams);
    int rc = cl && rtt && streams ? 0 : -ENOMEM;

    wl_limit limit = {0};
    int64_t opened =
        wl_open_accepted_n(streams, conns, tvc_wl_str(w, "host"),
                           tvc_server_port(srv), &es->accepted, &limit, &rc);
    for (int64_t i = 0; i < opened; i++)
        cl[i] = (echo_client){.s = streams[i],
                              .framing = wl_echo_client_framing(es->framing),
                              .size = es->size,
                              .msgs = msgs,
                              .index = i,
                              .rtt = rtt + i * msgs,
                              .sent_hash = WL_HASH_INIT,
                              .got_hash = WL_HASH_INIT};
    int64_t t0 = tvc_now();
    int64_t spawned = wl_run_clients(w, streams, opened, echo_client_task, cl,
                                     sizeof *cl, &limit, &rc);
    int64_t elapsed = tvc_now() - t0;

    wl_echo_tally tally = {spawned, msgs, es->size, rtt, 0, 0, 0, elapsed};
    for (int64_t i = 0; i < spawned; i++) {
        tally.received += cl[i].received;
        tally.sent_hash += cl[i].sent_hash;
        tally.got_hash += cl[i].got_hash;
    }
    wl_note_limit(w, &limit, conns);
    wl_echo_report(w, rc, &tally);
    free(cl);
    free(rtt);
    free(streams);
    return rc;
}

static int echo_run(tvc_wl *w)
{
    int64_t size = tvc_wl_int(w, "size_bytes");
    echo_server es = {.framing = wl_echo_framing(tvc_wl_str(w, "framing")),
                      .size = (size_t)size};
    /* The read limit must hold one whole line. */
    tvc_server_opts so = wl_server_opts(
        w, (size_t)size > TVC_STREAM_LIMIT_DEFAULT ? (size_t)size : 0);
    const char *host = so.host;
    tvc_server *srv;
    int rc = tvc_start_server(&srv, echo_conn, &es, &so);
    if (rc != 0) {
        tvc_wl_fail(w, rc, "cannot listen on %s:%d", host, so.port);
        return 0;
    }
    if (strcmp(tvc_wl_str(w, "role"), "self") == 0) {
        rc = echo_self(w, srv, &es);
        int crc = tvc_server_close(srv);
        if (rc == 0)
            rc = crc;
    } else {
        rc = wl_serve_until_stopped(w, srv, host, tvc_wl_int(w, "duration_ms"));
    }

    tvc_wl_figure(w, "server_connections", (double)atomic_load(&es.conns));
    tvc_wl_figure(w, "server_msgs", (double)atomic_load(&es.msgs));
    tvc_wl_figure(w, "server_bytes", (double)atomic_load(&es.bytes));
    tvc_wl_figure(w, "server_connection_errors",
                  (double)atomic_load(&es.conn_errors));
    return rc;
}

const tvc_workload tvc_wl_echo = {
    "echo",
    wl_echo_summary,
    wl_echo_params,
    echo_run,
};
