/*
 * start_server: a listening socket watched for readability; each accepted
 * connection becomes a stream and a handler task.  The server holds each
 * handler's handle and learns of its return through the task's future.
 * What the handler wrote but did not drain is still sent, as the other
 * runtimes do, for linger_ms at most (then the stream resets the
 * connection, server_opts.h): a small task waits for the stream to
 * close, then frees it; a cancel (the server closing) or the peer's
 * reset ends that wait.  A cancelled handler's stream is freed at once, unsent
 * output and all.  Closing cancels the live tasks and waits for the last
 * one before answering.
 *
 * Running out of descriptors (EMFILE/ENFILE) must neither spin nor leave
 * clients hanging (the client may be a task of this very loop, holding
 * the fds): the server sheds with a spare descriptor, as tvc/accept.h
 * explains.
 */
#include <errno.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include "stream_internal.h"
#include "tvc/accept.h"

struct tvc_cb_server {
    tvc_rx_io io;         /* the listening socket, level-triggered */
    tvc_rx_timer retry;   /* out of spare or memory: when to accept again */
    int paused;           /* not watching the listener (see retry) */
    int spare_fd;         /* tvc/accept.h; -errno when none */
    tvc_server_opts opts; /* in effect (tvc_server_listen) */
    tvc_cb_fn *handler;
    void *arg; /* tvc_cb_stream_server_arg */
    int closing;
    tvc__cb_node conns; /* live streams (stream.node) */
    size_t nconns;
    tvc_cb_task *closer; /* the task waiting in server_close */
};

/* Out of memory or of the spare fd, the listener is unwatched until one
 * of our connections ends, or this long at most (the fds may be someone
 * else's). */
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

/* An accept that failed for want of memory or of a spare fd would fail
 * again on every iteration (the listener is level-triggered), so it is
 * unwatched for a while. */
static void accept_pause(tvc_cb_server *srv)
{
    /* With no room for the retry timer the listener stays watched: the
     * accept is retried on the next iteration instead. */
    if (tvc_reactor_timer_start(tvc__cb_loop()->rx, &srv->retry,
                                tvc_now() + ACCEPT_RETRY_NS, accept_retry) < 0)
        return;
    srv->paused = 1;
    tvc_reactor_io_modify(tvc__cb_loop()->rx, &srv->io, 0);
}

/* The connection is over: its stream goes (with whatever is unsent). */
static void conn_end(tvc_cb_stream *s)
{
    tvc_cb_server *srv = s->server;
    tvc__cb_list_unlink(&s->node);
    srv->nconns--;
    tvc_cb_task_release(s->task);
    tvc_cb_stream_free(s);
    accept_resume(srv);
    if (srv->closing && srv->nconns == 0)
        server_finish(srv);
}

/* The stream closed after sending what was left, or the wait ended: a
 * cancel (the server closing) or the peer's reset. */
static void flushed(tvc_cb_task *t, int status)
{
    /* status: 0, -ECANCELED or the reset; nothing is left to do. */
    conn_end(tvc_cb_task_arg(t));
    tvc_cb_task_return(t, 0, NULL); /* conn_end released only the handle */
}

static void flush_start(tvc_cb_task *t, int status)
{
    if (status != 0) {
        flushed(t, status);
        return;
    }
    tvc_cb_wait_closed(t, tvc_cb_task_arg(t), flushed);
}

/* The handler returned.  Unless it was cancelled, or the server is
 * closing (a handler that returned just before was not cancelled), its
 * unsent output still goes out before the stream is freed; a stream with
 * nothing queued closes at once and needs no task. */
static void conn_done(tvc_future *f, void *arg)
{
    tvc_cb_stream *s = arg;
    if (!tvc_cb_task_cancelling(s->task) && !s->server->closing) {
        tvc__cb_stream_linger(s, tvc_server_linger_deadline(&s->server->opts));
        tvc_cb_task *t;
        if (!s->closed &&
            tvc_cb_spawn(tvc__cb_loop(), &t, flush_start, s) == 0) {
            tvc_cb_task_release(s->task);
            s->task = t; /* server_close cancels this one now */
            return;
        }
    }
    conn_end(s);
}

static void serve(void *arg, int fd)
{
    tvc_cb_server *srv = arg;
    tvc_server_accepted(fd, &srv->opts);
    int err;
    tvc_cb_stream *s = tvc__cb_stream_new(fd, srv->opts.limit, &err);
    if (!s)
        return;
    s->server = srv;
    s->idle_ns = TVC_MS(srv->opts.idle_timeout_ms);
    if (tvc_cb_spawn(tvc__cb_loop(), &s->task, srv->handler, s) < 0) {
        tvc_cb_stream_free(s);
        return;
    }
    /* The handle keeps the future alive until conn_done has run. */
    if (tvc_future_add_done_callback(tvc_cb_task_future(s->task), conn_done,
                                     s) < 0) {
        tvc_cb_task_cancel(s->task);
        return; /* stays unlisted: reported by loop_close */
    }
    tvc__cb_list_push(&srv->conns, &s->node);
    srv->nconns++;
}

static void on_accept(tvc_rx_io *io, uint32_t revents)
{
    (void)revents;
    tvc_cb_server *srv = TVC__CONTAINER(io, tvc_cb_server, io);
    if (tvc_accept_batch(io->fd, &srv->spare_fd, serve, srv) < 0)
        accept_pause(srv); /* ENOBUFS, ENOMEM, or no spare */
}

int tvc_cb_start_server(tvc_cb_loop *loop, tvc_cb_server **out,
                        tvc_cb_fn *handler, void *arg,
                        const tvc_server_opts *opts)
{
    if (!loop)
        return TVC_EINVALSTATE;
    tvc_cb_server *srv = calloc(1, sizeof *srv);
    if (!srv)
        return -ENOMEM;
    int fd = tvc_server_listen(opts, &srv->opts);
    if (fd < 0) {
        free(srv);
        return fd;
    }
    srv->handler = handler;
    srv->arg = arg;
    tvc__cb_list_init(&srv->conns);
    /* Without it the server still runs; shed tries again. */
    srv->spare_fd = tvc_spare_open();
    int err =
        tvc_reactor_io_start(loop->rx, &srv->io, fd, TVC_RX_READ, on_accept);
    if (err < 0) {
        if (srv->spare_fd >= 0)
            close(srv->spare_fd);
        close(fd);
        free(srv);
        return err;
    }
    *out = srv;
    return 0;
}

int tvc_cb_server_port(const tvc_cb_server *srv)
{
    return srv->opts.port;
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
    if (srv->spare_fd >= 0)
        close(srv->spare_fd);
    srv->closing = 1;
    srv->closer = t;
    t->u.server = srv;
    if (srv->nconns == 0) {
        server_finish(srv);
        return;
    }
    for (tvc__cb_node *n = srv->conns.next; n != &srv->conns; n = n->next)
        tvc_cb_task_cancel(TVC__CONTAINER(n, tvc_cb_stream, node)->task);
}

void tvc__cb_cancel_server(tvc_cb_task *t)
{
    t->flags |= TVC__F_CANCEL_PENDING;
}
