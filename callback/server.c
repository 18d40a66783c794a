/*
 * start_server: a listening socket watched for readability; each accepted
 * connection becomes a stream and a handler task.  The server holds each
 * handler's handle and learns of its return through the task's future,
 * then frees the stream.  Closing cancels the live handlers and waits for
 * the last one before answering.
 */
#include <errno.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include "stream_internal.h"
#include "tvc/addr.h"

struct tvc_cb_server {
    tvc_rx_io io;       /* the listening socket, level-triggered */
    tvc_rx_timer retry; /* out of fds: when to try accepting again */
    int paused;         /* not watching the listener (out of fds) */
    tvc_cb_fn *handler;
    void *arg;    /* tvc_cb_stream_server_arg */
    size_t limit; /* per-stream read limit */
    int port;
    int closing;
    tvc__cb_node conns; /* live streams (stream.node) */
    size_t nconns;
    tvc_cb_task *closer; /* the task waiting in server_close */
};

/* Connections accepted per readiness report, so one busy listener does
 * not starve the rest of the loop. */
#define ACCEPT_BATCH 64
/* Out of fds, the listener is unwatched until one of our connections
 * closes, or this long at most (the fds may be someone else's). */
#define ACCEPT_RETRY_NS TVC_MS(50)

static void server_finish(tvc_cb_server *srv)
{
    tvc_cb_task *t = srv->closer;
    free(srv);
    tvc__cb_complete(t, 0);
}

/* Watches the listener again after a pause. */
static void accept_resume(tvc_cb_server *srv)
{
    if (!srv->paused || srv->closing)
        return;
    srv->paused = 0;
    tvc_reactor_timer_stop(tvc__cb_loop()->rx, &srv->retry);
    tvc_reactor_io_modify(tvc__cb_loop()->rx, &srv->io, TVC_RX_READ);
}

static void accept_retry(tvc_rx_timer *timer)
{
    accept_resume(TVC__CONTAINER(timer, tvc_cb_server, retry));
}

/* Out of fds: a level-triggered listener would report the waiting
 * connection on every iteration, so it is unwatched for a while. */
static void accept_pause(tvc_cb_server *srv)
{
    srv->paused = 1;
    tvc_reactor_io_modify(tvc__cb_loop()->rx, &srv->io, 0);
    tvc_reactor_timer_start(tvc__cb_loop()->rx, &srv->retry,
                            tvc_now() + ACCEPT_RETRY_NS, accept_retry);
}

static void conn_done(tvc_future *f, void *arg)
{
    tvc_cb_stream *s = arg;
    tvc_cb_server *srv = s->server;
    tvc__cb_list_unlink(&s->node);
    srv->nconns--;
    tvc_cb_task_release(s->handler);
    tvc_cb_stream_free(s);
    accept_resume(srv);
    if (srv->closing && srv->nconns == 0)
        server_finish(srv);
}

static void serve(tvc_cb_server *srv, int fd)
{
    tvc_addr_nodelay(fd);
    int err;
    tvc_cb_stream *s = tvc__cb_stream_new(fd, srv->limit, &err);
    if (!s)
        return;
    s->server = srv;
    if (tvc_cb_spawn(tvc__cb_loop(), &s->handler, srv->handler, s) < 0) {
        tvc_cb_stream_free(s);
        return;
    }
    /* The handle keeps the future alive until conn_done has run. */
    if (tvc_future_add_done_callback(tvc_cb_task_future(s->handler), conn_done,
                                     s) < 0) {
        tvc_cb_task_cancel(s->handler);
        return; /* stays unlisted: reported by loop_close */
    }
    tvc__cb_list_push(&srv->conns, &s->node);
    srv->nconns++;
}

static void on_accept(tvc_rx_io *io, uint32_t revents)
{
    tvc_cb_server *srv = TVC__CONTAINER(io, tvc_cb_server, io);
    for (int i = 0; i < ACCEPT_BATCH; i++) {
        int fd = accept4(io->fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd >= 0) {
            serve(srv, fd);
            continue;
        }
        if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS ||
            errno == ENOMEM)
            accept_pause(srv);
        return; /* EAGAIN, or a connection that died while queued */
    }
}

int tvc_cb_start_server(tvc_cb_loop *loop, tvc_cb_server **out,
                        const char *host, int port, tvc_cb_fn *handler,
                        void *arg, size_t limit)
{
    struct sockaddr_storage ss;
    socklen_t len;
    int err = tvc_addr_parse(host, port, &ss, &len);
    if (err < 0)
        return err;
    int fd = tvc_addr_listen(&ss, &len);
    if (fd < 0)
        return fd;
    tvc_cb_server *srv = calloc(1, sizeof *srv);
    if (!srv) {
        close(fd);
        return -ENOMEM;
    }
    srv->handler = handler;
    srv->arg = arg;
    srv->limit = limit;
    srv->port = tvc_addr_port(&ss);
    tvc__cb_list_init(&srv->conns);
    err = tvc_reactor_io_start(loop->rx, &srv->io, fd, TVC_RX_READ, on_accept);
    if (err < 0) {
        close(fd);
        free(srv);
        return err;
    }
    *out = srv;
    return 0;
}

int tvc_cb_server_port(const tvc_cb_server *srv)
{
    return srv->port;
}

size_t tvc_cb_server_connections(const tvc_cb_server *srv)
{
    return srv->nconns;
}

void *tvc_cb_stream_server_arg(const tvc_cb_stream *s)
{
    return s->server ? s->server->arg : NULL;
}

void tvc_cb_server_close(tvc_cb_task *t, tvc_cb_server *srv, tvc_cb_fn *k)
{
    /* The close proceeds even for a cancelled task: a server half closed
     * would be worse; the cancel stays pending for the next op. */
    uint8_t pending = t->flags & TVC__F_CANCEL_PENDING;
    t->flags &= (uint8_t)~pending;
    TVC__CB_BEGIN(t, TVC__OP_SERVER, TVC__K_STATUS, k);
    t->flags |= pending;
    tvc_reactor_io_stop(tvc__cb_loop()->rx, &srv->io);
    tvc_reactor_timer_stop(tvc__cb_loop()->rx, &srv->retry);
    close(srv->io.fd);
    srv->closing = 1;
    srv->closer = t;
    t->u.server = srv;
    if (srv->nconns == 0) {
        server_finish(srv);
        return;
    }
    for (tvc__cb_node *n = srv->conns.next; n != &srv->conns; n = n->next)
        tvc_cb_task_cancel(TVC__CONTAINER(n, tvc_cb_stream, node)->handler);
}

void tvc__cb_cancel_server(tvc_cb_task *t)
{
    t->flags |= TVC__F_CANCEL_PENDING;
}
