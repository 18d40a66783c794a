/*
 * tvc-libuv: the echo workload's server role written on libuv, as a
 * baseline for the three runtimes (a peer, not a runtime: it implements
 * only `echo --role=server`).  It runs under the same driver as
 * tvc-threaded, tvc-coroutine and tvc-callback (tvc_wl_main), takes the
 * same echo parameters, prints the same "listening on HOST:PORT" line
 * and the same server figures, so the harness and the report treat it
 * as one more column.
 *
 * It is written the way the libuv guide writes an echo server, and tuned
 * no further than a competent libuv user would: one loop, one uv_tcp_t
 * per connection with TCP_NODELAY (the tvc servers set it too), a fresh
 * buffer of libuv's suggested size per read (from the same allocator the
 * runtimes link), and one uv_write per read chunk that frees the buffer
 * when it completes.  The one thing beyond the guide is backpressure: a
 * connection whose peer stops reading stops being read once a megabyte
 * of echo is queued, instead of growing without bound.
 *
 * What differs from the tvc servers, by design: libuv echoes a read chunk
 * as it came instead of parsing messages out of it, so the framing is
 * only used to COUNT messages (newlines, or size_bytes each) for the
 * record; the bytes on the wire are the same.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <uv.h>

#include "tvc/clock.h"
#include "tvc/workload.h"

/* Queued echo bytes above which a connection stops reading. */
#define ECHO_HIGH_WATER (1 << 20)
/* How often the driver's stop flag is looked at (as the tvc servers do). */
#define STOP_POLL_MS 20

static const tvc_param_spec echo_params[] = {
    {"role", "server",
     "server: serve only (this peer has no role=self clients)", "server"},
    {"host", "127.0.0.1", "address to bind", NULL},
    {"port", "0", "port; 0 picks a free one", NULL},
    {"size_bytes", "64", "message size, the newline included", NULL},
    {"framing", "line",
     "how messages are counted: line (newlines) or exact (size_bytes)",
     "line|exact"},
    {"duration_ms", "0", "stop after this long (0: on SIGINT/SIGTERM)", NULL},
    {NULL, NULL, NULL, NULL},
};

/* The server: its settings, its handles and what it served. */
typedef struct echo_server {
    uv_loop_t loop;
    uv_tcp_t listener;
    uv_timer_t stop_poll; /* looks at the stop flag and the deadline */
    int line;             /* framing=line */
    size_t size;          /* framing=exact: message size */
    int64_t end;          /* deadline (tvc_now), -1 for none */
    int stopping;         /* every handle is being closed */
    long long conns, msgs, bytes;
    long long conn_errors; /* connections that ended on an error */
} echo_server;

/* One accepted connection. */
typedef struct echo_conn {
    uv_tcp_t tcp; /* first: the handle's address is the connection's */
    echo_server *srv;
    uv_shutdown_t shutdown; /* at the peer's EOF, after the last echo */
    size_t partial; /* framing=exact: bytes of a message not yet counted */
    int reading;    /* uv_read_start is in force */
    int failed;     /* counted in conn_errors already */
} echo_conn;

/* One echo in flight: the request and the chunk it writes back. */
typedef struct echo_write {
    uv_write_t req;
    uv_buf_t buf;
} echo_write;

static void conn_closed(uv_handle_t *h)
{
    free(h);
}

static void conn_close(echo_conn *c)
{
    if (!uv_is_closing((uv_handle_t *)&c->tcp))
        uv_close((uv_handle_t *)&c->tcp, conn_closed);
}

/* Ends a connection on an error, counted once per connection. */
static void conn_fail(echo_conn *c)
{
    if (!c->failed)
        c->srv->conn_errors++;
    c->failed = 1;
    conn_close(c);
}

static void on_shutdown(uv_shutdown_t *req, int status)
{
    conn_close(req->handle->data);
}

/* Messages completed by n more echoed bytes of connection c. */
static long long count_msgs(echo_conn *c, const char *p, size_t n)
{
    if (c->srv->line) {
        long long k = 0;
        for (const char *q = p; (q = memchr(q, '\n', n - (size_t)(q - p))); q++)
            k++;
        return k;
    }
    size_t total = c->partial + n;
    c->partial = total % c->srv->size;
    return (long long)(total / c->srv->size);
}

static void on_alloc(uv_handle_t *h, size_t suggested, uv_buf_t *buf)
{
    buf->base = malloc(suggested);
    buf->len = buf->base ? suggested : 0;
}

static void on_read(uv_stream_t *s, ssize_t nread, const uv_buf_t *buf);

static void on_written(uv_write_t *req, int status)
{
    echo_write *wr = (echo_write *)req;
    uv_stream_t *s = req->handle;
    echo_conn *c = s->data;
    echo_server *srv = c->srv;
    if (status == 0) {
        srv->bytes += (long long)wr->buf.len;
        srv->msgs += count_msgs(c, wr->buf.base, wr->buf.len);
    } else if (status != UV_ECANCELED) { /* a stop cancels, not an error */
        conn_fail(c);
    }
    free(wr->buf.base);
    free(wr);
    /* Reading again once a stalled peer has taken its echo back. */
    if (!c->reading && !srv->stopping && !uv_is_closing((uv_handle_t *)s) &&
        uv_stream_get_write_queue_size(s) < ECHO_HIGH_WATER &&
        uv_read_start(s, on_alloc, on_read) == 0)
        c->reading = 1;
}

static void on_read(uv_stream_t *s, ssize_t nread, const uv_buf_t *buf)
{
    echo_conn *c = s->data;
    if (nread <= 0) {
        free(buf->base);
        if (nread == 0) /* EAGAIN: nothing this time */
            return;
        if (nread != UV_EOF)
            conn_fail(c);
        /* At the peer's EOF, the echoes still queued go out first. */
        else if (uv_shutdown(&c->shutdown, s, on_shutdown) != 0)
            conn_close(c);
        return;
    }
    echo_write *wr = malloc(sizeof *wr);
    if (wr == NULL) {
        free(buf->base);
        conn_fail(c);
        return;
    }
    wr->buf = uv_buf_init(buf->base, (unsigned)nread);
    if (uv_write(&wr->req, s, &wr->buf, 1, on_written) != 0) {
        free(buf->base);
        free(wr);
        conn_fail(c);
        return;
    }
    if (uv_stream_get_write_queue_size(s) >= ECHO_HIGH_WATER) {
        uv_read_stop(s);
        c->reading = 0;
    }
}

static void on_connection(uv_stream_t *listener, int status)
{
    echo_server *srv = listener->data;
    if (status != 0)
        return; /* the kernel dropped it before we accepted; nothing to do */
    echo_conn *c = calloc(1, sizeof *c);
    if (c == NULL)
        return;
    c->srv = srv;
    uv_tcp_init(&srv->loop, &c->tcp);
    c->tcp.data = c;
    if (uv_accept(listener, (uv_stream_t *)&c->tcp) != 0) {
        conn_close(c);
        return;
    }
    srv->conns++;
    uv_tcp_nodelay(&c->tcp, 1);
    if (uv_read_start((uv_stream_t *)&c->tcp, on_alloc, on_read) == 0)
        c->reading = 1;
    else
        conn_close(c);
}

static void close_any(uv_handle_t *h, void *arg)
{
    if (uv_is_closing(h))
        return;
    /* Connections own their memory; the server's handles live in srv. */
    echo_server *srv = arg;
    int own = h == (uv_handle_t *)&srv->listener ||
              h == (uv_handle_t *)&srv->stop_poll;
    uv_close(h, own ? NULL : conn_closed);
}

static void on_stop_poll(uv_timer_t *t)
{
    echo_server *srv = t->data;
    if (!tvc_wl_stop_requested() && (srv->end < 0 || tvc_now() < srv->end))
        return;
    srv->stopping = 1;
    uv_walk(&srv->loop, close_any, srv);
}

/* Binds host:port (IPv4 or IPv6 literal); 0 or a negative error. */
static int echo_listen(echo_server *srv, const char *host, int port)
{
    struct sockaddr_storage ss;
    int rc = uv_ip4_addr(host, port, (struct sockaddr_in *)&ss);
    if (rc != 0)
        rc = uv_ip6_addr(host, port, (struct sockaddr_in6 *)&ss);
    if (rc == 0)
        rc = uv_tcp_bind(&srv->listener, (struct sockaddr *)&ss, 0);
    if (rc == 0)
        rc = uv_listen((uv_stream_t *)&srv->listener, SOMAXCONN, on_connection);
    return rc;
}

static int echo_run(tvc_wl *w)
{
    const char *host = tvc_wl_str(w, "host");
    int64_t port = tvc_wl_int(w, "port");
    int64_t size = tvc_wl_int(w, "size_bytes");
    int64_t duration_ms = tvc_wl_int(w, "duration_ms");
    if (size < 1 || port < 0 || port > 65535 || duration_ms < 0) {
        tvc_wl_fail(w, -EINVAL, "bad --size_bytes, --port or --duration_ms");
        return 0;
    }
    echo_server *srv = calloc(1, sizeof *srv);
    if (srv == NULL)
        return -ENOMEM;
    srv->line = strcmp(tvc_wl_str(w, "framing"), "line") == 0;
    srv->size = (size_t)size;
    srv->end = duration_ms > 0 ? tvc_now() + TVC_MS(duration_ms) : -1;

    int rc = uv_loop_init(&srv->loop);
    if (rc != 0) {
        free(srv);
        return rc;
    }
    uv_tcp_init(&srv->loop, &srv->listener);
    srv->listener.data = srv;
    uv_timer_init(&srv->loop, &srv->stop_poll);
    srv->stop_poll.data = srv;
    rc = echo_listen(srv, host, (int)port);
    if (rc != 0) {
        tvc_wl_fail(w, rc, "cannot listen on %s:%lld (%s)", host,
                    (long long)port, uv_strerror(rc));
        srv->stopping = 1;
        uv_walk(&srv->loop, close_any, srv);
    } else {
        struct sockaddr_storage ss;
        int len = sizeof ss;
        uv_tcp_getsockname(&srv->listener, (struct sockaddr *)&ss, &len);
        int bound = ntohs(ss.ss_family == AF_INET6
                              ? ((struct sockaddr_in6 *)&ss)->sin6_port
                              : ((struct sockaddr_in *)&ss)->sin_port);
        uv_timer_start(&srv->stop_poll, on_stop_poll, STOP_POLL_MS,
                       STOP_POLL_MS);
        fprintf(stderr, "listening on %s:%d\n", host, bound);
        fflush(stderr);
        tvc_wl_note(w, "peer", "libuv %s: one loop, one uv_write per read",
                    uv_version_string());
    }
    /* Runs until on_stop_poll (or the failed listen) closed every handle. */
    uv_run(&srv->loop, UV_RUN_DEFAULT);
    if (rc == 0)
        tvc_wl_note(w, "stopped_by",
                    tvc_wl_stop_requested() ? "signal" : "duration_ms");
    int crc = uv_loop_close(&srv->loop);
    if (crc != 0)
        tvc_wl_fail(w, crc, "the loop closed with handles open");

    tvc_wl_figure(w, "server_connections", (double)srv->conns);
    tvc_wl_figure(w, "server_msgs", (double)srv->msgs);
    tvc_wl_figure(w, "server_bytes", (double)srv->bytes);
    tvc_wl_figure(w, "server_connection_errors", (double)srv->conn_errors);
    free(srv);
    return 0;
}

static const tvc_workload peer_echo = {
    "echo",
    "TCP echo server on libuv (server role only)",
    echo_params,
    echo_run,
};

static const tvc_workload *const workloads[] = {&peer_echo, NULL};

/* libuv needs no runtime around the workload: it makes its own loop. */
static int invoke(const tvc_workload *wl, tvc_wl *w)
{
    return wl->run(w);
}

int main(int argc, char **argv)
{
    return tvc_wl_main(argc, argv, "libuv", workloads, invoke);
}
