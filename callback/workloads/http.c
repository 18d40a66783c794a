/*
 * http, in continuation-passing style (twin of common/workloads/http.c):
 * a minimal HTTP/1.1 server on streams, keep-alive by default.  Each
 * connection's task reads a request head (readuntil CRLFCRLF, so the
 * stream's read limit bounds the headers), reads and drops the request's
 * body as RFC 9112 frames it (Content-Length or chunked), then answers
 * GET / with a small body and Content-Length, HEAD with that head alone,
 * 404 for other paths, 405 for other methods; and honours "Connection:
 * close" and HTTP/1.0.  A head it refuses (400, 431, 501, 505) or a body
 * it will not read (413) is answered with "Connection: close" and the
 * connection closed with the body unread: what follows a refused head
 * is never taken for the next request (wl_http_route in http_spec.c).
 *
 *   --role=self    the server plus `conns` client tasks issuing `requests`
 *                  keep-alive GETs each (status and body checked), and one
 *                  garbage and one over-long request that must get 400/431.
 *   --role=server  serves wrk, curl or a browser until SIGINT/SIGTERM or
 *                  duration_ms.  Prints "listening on HOST:PORT" on stderr.
 *
 * A connection: http_conn -> serve_request -> http_got_head -> skip_body
 * (-> http_body_got -> skip_body ...) -> respond -> http_responded ->
 * serve_request ...  read_response is a sub-routine
 * (head, then body) that borrows the task, as serve.c does; a client
 * and a probe call it.  The main task: http_main -> http_self (spawn the
 * clients) -> http_self_joined ... -> the two probes -> the server's
 * close -> http_report.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cb_workloads.h"

/* What the server served (one thread: plain counts): requests counts
 * the answers below 400, errors_4xx the others. */
typedef struct http_server {
    long long conns, requests, errors_4xx;
    wl_accept_slot accepted; /* role=self: the connection being opened */
} http_server;

/* ---- one server connection ----------------------------------------------- */

/* The handler's frame. */
typedef struct http_conn_frame {
    tvc_cb_stream *s;
    http_server *srv;
    wl_http_reply reply;  /* to the request being served */
    wl_http_framing body; /* its body, being read */
} http_conn_frame;

static void http_responded(tvc_cb_task *t, int rc);

/* The end of the connection: errors end this connection only. */
static void http_conn_end(tvc_cb_task *t, http_conn_frame *f)
{
    tvc_cb_stream_close(f->s);
    free(f);
    tvc_cb_task_return(t, 0, NULL);
}

/* Sends f->reply (a HEAD's without its body) and counts it, then
 * http_responded (which keeps the connection or closes it, as the reply
 * says). */
static void respond(tvc_cb_task *t, http_conn_frame *f)
{
    const wl_http_reply *r = &f->reply;
    ++*(r->status < 400 ? &f->srv->requests : &f->srv->errors_4xx);
    char head[256];
    size_t n = wl_http_reply_head(head, sizeof head, r);
    struct iovec iov[2] = {{head, n}, {(void *)r->body, strlen(r->body)}};
    int rc = tvc_cb_stream_writelines(f->s, iov, r->head_only ? 1 : 2);
    if (rc != 0) {
        http_conn_end(t, f);
        return;
    }
    tvc_cb_drain(t, f->s, http_responded);
}

static void http_body_got(tvc_cb_task *t, int rc, tvc_slice got);

/* Reads the request's body as f->body frames it, dropping it, so that
 * the next request starts where it ends; then responds. */
static void skip_body(tvc_cb_task *t, http_conn_frame *f)
{
    size_t n;
    int next = wl_http_body_next(&f->body, &n);
    if (next == WL_HTTP_BODY_LINE)
        tvc_cb_readline(t, f->s, http_body_got);
    else if (next == WL_HTTP_BODY_DATA)
        tvc_cb_read(t, f->s, n, http_body_got);
    else
        respond(t, f);
}

static void http_body_got(tvc_cb_task *t, int rc, tvc_slice got)
{
    http_conn_frame *f = tvc_cb_task_arg(t);
    if (rc == 0)
        rc = wl_http_body_feed(&f->body, got);
    if (rc == 0)
        skip_body(t, f);
    else if (wl_http_body_refused(rc, &f->reply))
        respond(t, f);
    else
        http_conn_end(t, f);
}

/* Serves the request whose head was read. */
static void http_got_head(tvc_cb_task *t, int rc, tvc_slice head)
{
    http_conn_frame *f = tvc_cb_task_arg(t);
    if (rc == TVC_ELIMIT) {
        wl_http_reply_set(&f->reply, 431, 0);
        respond(t, f);
        return;
    }
    if (rc != 0) {
        /* TVC_EINCOMPLETE: the peer closed between requests. */
        http_conn_end(t, f);
        return;
    }
    wl_http_route(head, &f->reply, &f->body);
    skip_body(t, f);
}

/* The head of the connection's loop: read the next request. */
static void serve_request(tvc_cb_task *t, http_conn_frame *f)
{
    tvc_cb_readuntil(t, f->s, "\r\n\r\n", 4, http_got_head);
}

static void http_responded(tvc_cb_task *t, int rc)
{
    http_conn_frame *f = tvc_cb_task_arg(t);
    if (rc != 0 || !f->reply.keep_alive) {
        http_conn_end(t, f);
        return;
    }
    serve_request(t, f);
}

static void http_conn(tvc_cb_task *t, int status)
{
    tvc_cb_stream *s = tvc_cb_task_arg(t);
    http_server *srv = tvc_cb_stream_server_arg(s);
    wl_accepted(&srv->accepted);
    http_conn_frame *f = malloc(sizeof *f);
    if (status != 0 || f == NULL) {
        free(f);
        tvc_cb_task_return(t, 0, NULL);
        return;
    }
    *f = (http_conn_frame){.s = s, .srv = srv};
    tvc_cb_task_set_arg(t, f);
    srv->conns++;
    serve_request(t, f);
}

/* ---- reading a response (client side) ------------------------------------ */

/* read_response's frame, kept by its caller. */
typedef struct http_response {
    tvc_cb_stream *s;
    const char *want; /* the body expected, or NULL */
    int status;       /* out: the response's status */
    int body_ok;      /* out: the body matched want */
    tvc_cb_fn *k;     /* the caller's continuation */
    void *caller_arg; /* the task's argument, restored before k */
} http_response;

/* Gives the task back to the caller: k(t, rc). */
static void response_end(tvc_cb_task *t, http_response *r, int rc)
{
    tvc_cb_task_set_arg(t, r->caller_arg);
    r->k(t, rc);
}

static void response_body(tvc_cb_task *t, int rc, tvc_slice body)
{
    http_response *r = tvc_cb_task_arg(t);
    if (rc == 0)
        r->body_ok = wl_http_body_is(body, r->want);
    response_end(t, r, rc);
}

static void response_head(tvc_cb_task *t, int rc, tvc_slice head)
{
    http_response *r = tvc_cb_task_arg(t);
    if (rc != 0) {
        response_end(t, r, rc);
        return;
    }
    size_t clen;
    rc = wl_http_response_head(head, &r->status, &clen);
    if (rc != 0) {
        response_end(t, r, rc);
        return;
    }
    tvc_cb_readexactly(t, r->s, clen, response_body);
}

/* Reads one response on s: its status and whether the body matched want
 * land in *r, then k(t, 0 or an error). */
static void read_response(tvc_cb_task *t, http_response *r, tvc_cb_stream *s,
                          const char *want, tvc_cb_fn *k)
{
    *r = (http_response){s, want, 0, 0, k, tvc_cb_task_arg(t)};
    tvc_cb_task_set_arg(t, r);
    tvc_cb_readuntil(t, s, "\r\n\r\n", 4, response_head);
}

/* ---- one client connection of role=self ---------------------------------- */

/* One client, and its frame. */
typedef struct http_client {
    tvc_cb_stream *s; /* opened by the main task, freed by the client */
    int64_t requests;
    int64_t *latency; /* requests samples */
    int64_t good;     /* 200 with the expected body */
    http_response resp;
    int64_t i, t0; /* the request under way, and when it was sent */
} http_client;

static void client_send(tvc_cb_task *t, http_client *c, int rc);

static void client_got(tvc_cb_task *t, int rc)
{
    http_client *c = tvc_cb_task_arg(t);
    if (rc == 0) {
        c->latency[c->i] = tvc_now() - c->t0;
        c->good += c->resp.status == 200 && c->resp.body_ok;
    }
    c->i++;
    client_send(t, c, rc);
}

static void client_drained(tvc_cb_task *t, int rc)
{
    http_client *c = tvc_cb_task_arg(t);
    if (rc != 0) {
        client_send(t, c, rc);
        return;
    }
    read_response(t, &c->resp, c->s, wl_http_body, client_got);
}

/* The head of the request loop: send request i, or finish with rc. */
static void client_send(tvc_cb_task *t, http_client *c, int rc)
{
    if (c->i < c->requests && rc == 0) {
        int final = c->i == c->requests - 1;
        c->t0 = tvc_now();
        const char *req = final ? wl_http_request_last : wl_http_request;
        rc = tvc_cb_stream_write(c->s, req, strlen(req));
        if (rc == 0) {
            tvc_cb_drain(t, c->s, client_drained);
            return;
        }
    }
    tvc_cb_stream_free(c->s);
    tvc_cb_task_return(t, rc, NULL);
}

static void http_client_task(tvc_cb_task *t, int status)
{
    http_client *c = tvc_cb_task_arg(t);
    c->i = 0;
    client_send(t, c, status);
}

/* ---- a probe: one request on a new connection ---------------------------- */

/* probe_status's frame, kept by its caller. */
typedef struct http_probe {
    const char *req;
    size_t len;
    tvc_cb_stream *s;
    http_response resp;
    /* out: the response status, or an error */
    int result;
    tvc_cb_fn *k;
    void *caller_arg;
} http_probe;

static void probe_end(tvc_cb_task *t, http_probe *p, int rc)
{
    if (p->s != NULL)
        tvc_cb_stream_free(p->s);
    p->s = NULL;
    p->result = rc != 0 ? rc : p->resp.status;
    tvc_cb_task_set_arg(t, p->caller_arg);
    p->k(t, 0);
}

static void probe_got(tvc_cb_task *t, int rc)
{
    probe_end(t, tvc_cb_task_arg(t), rc);
}

static void probe_drained(tvc_cb_task *t, int rc)
{
    http_probe *p = tvc_cb_task_arg(t);
    if (rc != 0) {
        probe_end(t, p, rc);
        return;
    }
    read_response(t, &p->resp, p->s, NULL, probe_got);
}

static void probe_connected(tvc_cb_task *t, int rc, void *stream)
{
    http_probe *p = tvc_cb_task_arg(t);
    if (rc == 0) {
        p->s = stream;
        rc = tvc_cb_stream_write(p->s, p->req, p->len);
    }
    if (rc != 0) {
        probe_end(t, p, rc);
        return;
    }
    tvc_cb_drain(t, p->s, probe_drained);
}

/* Sends `req` on a new connection; p->result gets the response status,
 * or an error; then k(t, 0). */
static void probe_status(tvc_cb_task *t, http_probe *p, const char *host,
                         int port, const char *request, size_t len,
                         tvc_cb_fn *k)
{
    *p = (http_probe){
        .req = request, .len = len, .k = k, .caller_arg = tvc_cb_task_arg(t)};
    tvc_cb_task_set_arg(t, p);
    tvc_cb_open_connection(t, host, port, 0, probe_connected);
}

/* ---- the main task ------------------------------------------------------- */

/* The main task's frame. */
typedef struct http_main {
    tvc_wl *w;
    http_server hs;
    tvc_cb_server *srv;
    const char *host;
    size_t limit;
    int rc;
    cbwl_serve serve; /* role=server */
    /* role=self */
    int64_t conns, requests;
    int port;
    http_client *cl;
    int64_t *lat;
    tvc_cb_task **handles;
    int64_t opened, spawned, i, t0, good;
    wl_limit fd_limit; /* where opening or spawning stopped early */
    cbwl_open open;    /* the connection being opened */
    http_probe probe;
    char *big;
} http_main;

static void http_report(tvc_cb_task *t, int crc)
{
    http_main *m = tvc_cb_task_arg(t);
    tvc_wl *w = m->w;
    if (m->rc == 0)
        m->rc = crc;
    tvc_wl_figure(w, "server_connections", (double)m->hs.conns);
    tvc_wl_figure(w, "server_requests", (double)m->hs.requests);
    tvc_wl_figure(w, "server_errors_4xx", (double)m->hs.errors_4xx);
    tvc_cb_task_return(t, m->rc, NULL);
}

/* The end of role=self: free, close the server. */
static void http_self_end(tvc_cb_task *t, http_main *m)
{
    free(m->big);
    free(m->cl);
    free(m->lat);
    free(m->handles);
    tvc_cb_server_close(t, m->srv, http_report);
}

static void http_probed_long(tvc_cb_task *t, int status)
{
    http_main *m = tvc_cb_task_arg(t);
    tvc_wl_check(m->w, "long_head_status", 431, m->probe.result);
    http_self_end(t, m);
}

static void http_probed_garbage(tvc_cb_task *t, int status)
{
    http_main *m = tvc_cb_task_arg(t);
    tvc_wl_check(m->w, "garbage_status", 400, m->probe.result);
    size_t limit = m->limit;
    m->big = malloc(limit + 64);
    if (m->big != NULL) {
        int n = snprintf(m->big, limit + 64, "GET / HTTP/1.1\r\nX-Fill: ");
        memset(m->big + n, 'x', limit + 32 - (size_t)n);
        memcpy(m->big + limit + 32, "\r\n\r\n", 4);
        probe_status(t, &m->probe, m->host, m->port, m->big, limit + 36,
                     http_probed_long);
        return;
    }
    http_self_end(t, m);
}

/* After every client was joined: figures, then the error paths. */
static void http_self_report(tvc_cb_task *t, http_main *m)
{
    tvc_wl *w = m->w;
    int64_t elapsed = tvc_now() - m->t0;
    if (m->rc == 0) {
        wl_record_samples(w, "request", m->lat,
                          (size_t)(m->spawned * m->requests));
        tvc_wl_figure(w, "requests_per_s", m->good * 1e9 / elapsed);
    }
    tvc_wl_check(w, "responses_ok", m->spawned * m->requests, m->good);

    /* The error paths: garbage, then a head past the limit. */
    static const char garbage[] = "NONSENSE\r\n\r\n";
    probe_status(t, &m->probe, m->host, m->port, garbage, sizeof garbage - 1,
                 http_probed_garbage);
}

static void http_self_joined(tvc_cb_task *t, int jrc, void *value)
{
    http_main *m = tvc_cb_task_arg(t);
    if (jrc != 0 && m->rc == 0) {
        tvc_wl_fail(m->w, jrc, "client %lld", (long long)m->i);
        m->rc = jrc;
    }
    tvc_cb_task_release(m->handles[m->i]);
    m->good += m->cl[m->i].good;
    if (++m->i < m->spawned) {
        tvc_cb_join(t, m->handles[m->i], http_self_joined);
        return;
    }
    http_self_report(t, m);
}

/* role=self, once the connections are open: the clients run here. */
static void http_self_opened(tvc_cb_task *t, http_main *m)
{
    m->spawned = 0;
    m->t0 = tvc_now();
    while (m->rc == 0 && m->spawned < m->opened) {
        m->cl[m->spawned] =
            (http_client){.s = m->cl[m->spawned].s,
                          .requests = m->requests,
                          .latency = m->lat + m->spawned * m->requests};
        int err = tvc_cb_spawn(tvc_cb_loop_current(), &m->handles[m->spawned],
                               http_client_task, &m->cl[m->spawned]);
        if (err != 0) {
            m->rc = wl_limit_hit(&m->fd_limit, err, "spawn", m->spawned);
            break;
        }
        m->spawned++;
    }
    for (int64_t i = m->spawned; i < m->opened; i++)
        tvc_cb_stream_free(m->cl[i].s); /* no client for it */
    wl_note_limit(m->w, &m->fd_limit, m->conns);
    m->good = 0;
    m->i = 0;
    if (m->spawned > 0) {
        tvc_cb_join(t, m->handles[0], http_self_joined);
        return;
    }
    http_self_report(t, m);
}

static void http_open_next(tvc_cb_task *t, int rc);

/* One connection at a time, each accepted (wl_spec.h): past the fd limit
 * the run goes on with the clients it could connect. */
static void http_open(tvc_cb_task *t, http_main *m)
{
    if (m->rc == 0 && m->fd_limit.what == NULL && m->opened < m->conns) {
        m->open.slot = &m->hs.accepted;
        cbwl_open_accepted(t, &m->open, m->host, m->port, http_open_next);
        return;
    }
    http_self_opened(t, m);
}

static void http_open_next(tvc_cb_task *t, int rc)
{
    http_main *m = tvc_cb_task_arg(t);
    m->cl[m->opened].s = m->open.s;
    m->opened += rc == 0;
    m->rc = wl_limit_hit(&m->fd_limit, rc, m->open.what, m->opened);
    http_open(t, m);
}

/* role=self: open the connections, then run the clients. */
static void http_self(tvc_cb_task *t, http_main *m)
{
    tvc_wl *w = m->w;
    m->conns = tvc_wl_int(w, "conns");
    m->requests = tvc_wl_int(w, "requests");
    m->port = tvc_cb_server_port(m->srv);
    m->cl = calloc((size_t)m->conns, sizeof *m->cl);
    m->lat = calloc((size_t)(m->conns * m->requests) + 1, sizeof *m->lat);
    m->handles = calloc((size_t)m->conns, sizeof *m->handles);
    m->rc = m->cl && m->lat && m->handles ? 0 : -ENOMEM;
    m->opened = 0;
    http_open(t, m);
}

static void http_main_task(tvc_cb_task *t, int status)
{
    http_main *m = tvc_cb_task_arg(t);
    tvc_wl *w = m->w;
    m->limit = (size_t)tvc_wl_int(w, "header_limit_bytes");
    tvc_server_opts so = wl_server_opts(w, m->limit);
    m->host = so.host;
    int rc = tvc_cb_start_server(tvc_cb_loop_current(), &m->srv, http_conn,
                                 &m->hs, &so);
    if (rc != 0) {
        tvc_wl_fail(w, rc, "cannot listen on %s:%d", m->host, so.port);
        tvc_cb_task_return(t, 0, NULL);
        return;
    }
    if (strcmp(tvc_wl_str(w, "role"), "self") == 0) {
        http_self(t, m);
    } else {
        m->serve = (cbwl_serve){.w = w, .srv = m->srv};
        cbwl_serve_until_stopped(t, &m->serve, m->host,
                                 tvc_wl_int(w, "duration_ms"), http_report);
    }
}

static int http_run(tvc_wl *w)
{
    http_main m;
    memset(&m, 0, sizeof m);
    m.w = w;
    return cbwl_run_main(http_main_task, &m);
}

const tvc_workload tvc_cbwl_http = {
    "http",
    wl_http_summary,
    wl_http_params,
    http_run,
};
