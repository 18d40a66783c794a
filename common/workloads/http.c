/*
 * http: a minimal HTTP/1.1 server on streams, keep-alive by default.
 * Each connection's task reads a request head (readuntil CRLFCRLF, so the
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
 */
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "workloads.h"

/* What the server served (handlers run concurrently): requests counts
 * the answers below 400, errors_4xx the others. */
typedef struct http_server {
    atomic_llong conns, requests, errors_4xx;
    wl_accept_slot accepted; /* role=self: the connection being opened */
} http_server;

/* Sends a response (a HEAD's without its body) and counts it; 0 or a
 * stream error. */
static int respond(tvc_stream *s, http_server *srv, const wl_http_reply *r)
{
    atomic_fetch_add(r->status < 400 ? &srv->requests : &srv->errors_4xx, 1);
    char head[256];
    size_t n = wl_http_reply_head(head, sizeof head, r);
    struct iovec iov[2] = {{head, n}, {(void *)r->body, strlen(r->body)}};
    int rc = tvc_stream_writelines(s, iov, r->head_only ? 1 : 2);
    return rc == 0 ? tvc_stream_drain(s) : rc;
}

/* Reads the request's body as b frames it, dropping it, so that the next
 * request starts where it ends; 0, or what the read or the framing said
 * (wl_http_body_feed). */
static int skip_body(tvc_stream *s, wl_http_framing *b)
{
    size_t n;
    int next, rc = 0;
    while (rc == 0 && (next = wl_http_body_next(b, &n)) != WL_HTTP_BODY_DONE) {
        tvc_slice got;
        rc = next == WL_HTTP_BODY_LINE ? tvc_stream_readline(s, &got)
                                       : tvc_stream_read(s, n, &got);
        if (rc == 0)
            rc = wl_http_body_feed(b, got);
    }
    return rc;
}

/* Serves one request; 0 to keep going, 1 to close, or an error. */
static int serve_request(tvc_stream *s, http_server *srv)
{
    tvc_slice head;
    wl_http_reply reply;
    wl_http_framing body;
    int rc = tvc_stream_readuntil(s, "\r\n\r\n", 4, &head);
    if (rc == TVC_ELIMIT) {
        wl_http_reply_set(&reply, 431, 0);
        respond(s, srv, &reply);
        return 1;
    }
    if (rc == TVC_EINCOMPLETE)
        return 1; /* the peer closed between requests */
    if (rc != 0)
        return rc;
    wl_http_route(head, &reply, &body);
    rc = skip_body(s, &body);
    if (rc != 0 && !wl_http_body_refused(rc, &reply))
        return rc;
    rc = respond(s, srv, &reply);
    return rc != 0 ? rc : !reply.keep_alive;
}

static int http_conn(tvc_stream *s, void *arg)
{
    http_server *srv = arg;
    wl_accepted(&srv->accepted);
    atomic_fetch_add(&srv->conns, 1);
    int rc;
    while ((rc = serve_request(s, srv)) == 0)
        ;
    /* Errors end this connection only. */
    tvc_stream_close(s);
    return 0;
}

/* One client connection of role=self. */
typedef struct http_client {
    tvc_stream *s; /* opened by the main task, freed by the client */
    int64_t requests;
    int64_t *latency; /* requests samples */
    int64_t good;     /* 200 with the expected body */
} http_client;

/* Reads one response: its status and whether the body matched want. */
static int read_response(tvc_stream *s, int *status, const char *want,
                         int *body_ok)
{
    tvc_slice head, body;
    int rc = tvc_stream_readuntil(s, "\r\n\r\n", 4, &head);
    if (rc != 0)
        return rc;
    size_t clen;
    rc = wl_http_response_head(head, status, &clen);
    if (rc != 0)
        return rc;
    rc = tvc_stream_readexactly(s, clen, &body);
    if (rc != 0)
        return rc;
    *body_ok = wl_http_body_is(body, want);
    return 0;
}

static int http_client_task(void *arg, void **result)
{
    http_client *c = arg;
    tvc_stream *s = c->s;
    int rc = 0;
    for (int64_t i = 0; i < c->requests && rc == 0; i++) {
        int final = i == c->requests - 1, status = 0, body_ok = 0;
        int64_t t0 = tvc_now();
        const char *req = final ? wl_http_request_last : wl_http_request;
        rc = tvc_stream_write(s, req, strlen(req));
        if (rc == 0)
            rc = tvc_stream_drain(s);
        if (rc == 0)
            rc = read_response(s, &status, wl_http_body, &body_ok);
        if (rc == 0) {
            c->latency[i] = tvc_now() - t0;
            c->good += status == 200 && body_ok;
        }
    }
    tvc_stream_free(s);
    return rc;
}

/* Sends `req` on a new connection; the response status, or an error. */
static int probe_status(const char *host, int port, const char *req, size_t len)
{
    tvc_stream *s;
    int status = 0, body_ok, rc = tvc_open_connection(&s, host, port, 0);
    if (rc != 0)
        return rc;
    rc = tvc_stream_write(s, req, len);
    if (rc == 0)
        rc = tvc_stream_drain(s);
    if (rc == 0)
        rc = read_response(s, &status, NULL, &body_ok);
    tvc_stream_free(s);
    return rc != 0 ? rc : status;
}

static int http_self(tvc_wl *w, tvc_server *srv, http_server *hs, size_t limit)
{
    int64_t conns = tvc_wl_int(w, "conns");
    int64_t requests = tvc_wl_int(w, "requests");
    const char *host = tvc_wl_str(w, "host");
    int port = tvc_server_port(srv);
    http_client *cl = calloc((size_t)conns, sizeof *cl);
    int64_t *lat = calloc((size_t)(conns * requests) + 1, sizeof *lat);
    tvc_stream **streams = calloc((size_t)conns, sizeof *streams);
    int rc = cl && lat && streams ? 0 : -ENOMEM;

    /* One connection at a time, each accepted (wl_spec.h): past the fd
     * limit the run goes on with the clients it could connect. */
    wl_limit fd_limit = {0};
    int64_t opened = wl_open_accepted_n(streams, conns, host, port,
                                        &hs->accepted, &fd_limit, &rc);
    for (int64_t i = 0; i < opened; i++)
        cl[i] = (http_client){streams[i], requests, lat + i * requests, 0};
    int64_t t0 = tvc_now();
    int64_t spawned = wl_run_clients(w, streams, opened, http_client_task, cl,
                                     sizeof *cl, &fd_limit, &rc);
    int64_t elapsed = tvc_now() - t0;
    wl_note_limit(w, &fd_limit, conns);
    int64_t good = 0;
    for (int64_t i = 0; i < spawned; i++)
        good += cl[i].good;
    if (rc == 0) {
        wl_record_samples(w, "request", lat, (size_t)(spawned * requests));
        tvc_wl_figure(w, "requests_per_s", good * 1e9 / elapsed);
    }
    tvc_wl_check(w, "responses_ok", spawned * requests, good);

    /* The error paths: garbage, then a head past the limit. */
    static const char garbage[] = "NONSENSE\r\n\r\n";
    tvc_wl_check(w, "garbage_status", 400,
                 probe_status(host, port, garbage, sizeof garbage - 1));
    char *big = malloc(limit + 64);
    if (big != NULL) {
        int n = snprintf(big, limit + 64, "GET / HTTP/1.1\r\nX-Fill: ");
        memset(big + n, 'x', limit + 32 - (size_t)n);
        memcpy(big + limit + 32, "\r\n\r\n", 4);
        tvc_wl_check(w, "long_head_status", 431,
                     probe_status(host, port, big, limit + 36));
    }
    free(big);
    free(cl);
    free(lat);
    free(streams);
    return rc;
}

static int http_run(tvc_wl *w)
{
    int64_t limit = tvc_wl_int(w, "header_limit_bytes");
    tvc_server_opts so = wl_server_opts(w, (size_t)limit);
    const char *host = so.host;
    http_server hs = {0};
    tvc_server *srv;
    int rc = tvc_start_server(&srv, http_conn, &hs, &so);
    if (rc != 0) {
        tvc_wl_fail(w, rc, "cannot listen on %s:%d", host, so.port);
        return 0;
    }
    if (strcmp(tvc_wl_str(w, "role"), "self") == 0) {
        rc = http_self(w, srv, &hs, (size_t)limit);
        int crc = tvc_server_close(srv);
        if (rc == 0)
            rc = crc;
    } else {
        rc = wl_serve_until_stopped(w, srv, host, tvc_wl_int(w, "duration_ms"));
    }
    tvc_wl_figure(w, "server_connections", (double)atomic_load(&hs.conns));
    tvc_wl_figure(w, "server_requests", (double)atomic_load(&hs.requests));
    tvc_wl_figure(w, "server_errors_4xx", (double)atomic_load(&hs.errors_4xx));
    return rc;
}

const tvc_workload tvc_wl_http = {
    "http",
    wl_http_summary,
    wl_http_params,
    http_run,
};
