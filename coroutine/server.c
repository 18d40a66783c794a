/*
 * start_server: a listening socket watched by the reactor, and a
 * coroutine per accepted connection.  Accepting happens in the watcher
 * itself (scheduler context): it spawns the handler task and goes on, so
 * no task sits in accept.  The server keeps its live handlers in a list
 * so that closing it can cancel them and wait for the last one.  When a
 * handler returns, its task still sends the output the handler did not
 * drain before the stream goes, as the threaded runtime does, for
 * linger_ms at most (then it resets the connection, server_opts.h); a
 * cancel (the server closing) or the peer's reset ends that wait.
 *
 * Running out of descriptors (EMFILE/ENFILE) must neither spin nor stop
 * the server (the listener is level-triggered): it sheds with a spare
 * descriptor, as tvc/accept.h explains.
 */
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include "internal.h"
#include "stream_internal.h"
#include "tvc/accept.h"
#include "tvc/list.h"

/* How long the listener stays unwatched when no spare fd could be had. */
#define ACCEPT_BACKOFF_NS TVC_MS(10)

struct conn {
    tvc_link link; /* first: in the server's live handlers */
    tvc_server *srv;
    tvc_stream *s;  /* freed once the handler returned and
                     * its output is sent */
    tvc_task *task; /* handle, to cancel it on close */
};

struct tvc_server {
    tvc_rx_io io;         /* first: the listening socket's watcher */
    tvc_rx_timer retry;   /* out of fds and spare: when to watch again */
    int spare_fd;         /* tvc/accept.h; -errno when none */
    tvc_server_opts opts; /* in effect (tvc_server_listen) */
    tvc_conn_fn *fn;      /* the handler */
    void *arg;
    tvc_link *conns; /* live handlers (struct conn) */
    size_t nconns;
    tvc_task *closer; /* waiting in tvc_server_close */
};

static int handler(void *arg, void **result)
{
    struct conn *c = arg;
    tvc_server *srv = c->srv;
    int r = srv->fn(c->s, srv->arg);
    if (!tvc_cancelling())
        tvc__stream_linger(c->s, tvc_server_linger_deadline(&srv->opts));
    tvc_stream_free(c->s);
    tvc_link_remove(&srv->conns, &c->link);
    if (--srv->nconns == 0 && srv->closer)
        tvc__wake(srv->closer, 0);
    /* The coroutine keeps its own reference while it runs. */
    tvc_task_release(c->task);
    free(c);
    return r;
}

static void serve(void *arg, int fd)
{
    tvc_server *srv = arg;
    tvc_server_accepted(fd, &srv->opts);
    struct conn *c = calloc(1, sizeof *c);
    if (!c || tvc__stream_wrap(&c->s, fd, srv->opts.limit) < 0) {
        free(c);
        close(fd);
        return;
    }
    c->srv = srv;
    c->s->idle_ns = TVC_MS(srv->opts.idle_timeout_ms);
    if (tvc_spawn(&c->task, handler, c, NULL) < 0) {
        tvc_stream_free(c->s);
        free(c);
        return;
    }
    tvc_link_push(&srv->conns, &c->link);
    srv->nconns++;
}

static void accept_resume(tvc_rx_timer *timer)
{
    tvc_server *srv =
        (tvc_server *)((char *)timer - offsetof(tvc_server, retry));
    tvc_reactor_io_modify(tvc__S->rx, &srv->io, TVC_RX_READ);
}

/* Unwatches the listener for a moment: an accept that failed for want of
 * memory or of a spare fd would fail again on every reactor pass.  With
 * no room for the timer that would watch it again, it stays watched and
 * the accept is retried on the next pass instead. */
static void accept_pause(tvc_server *srv)
{
    if (tvc_reactor_timer_start(tvc__S->rx, &srv->retry,
                                tvc_now() + ACCEPT_BACKOFF_NS,
                                accept_resume) == 0)
        tvc_reactor_io_modify(tvc__S->rx, &srv->io, 0);
}

static void on_listen(tvc_rx_io *io, uint32_t revents)
{
    (void)revents;
    tvc_server *srv = (tvc_server *)io;
    if (tvc_accept_batch(io->fd, &srv->spare_fd, serve, srv) < 0)
        accept_pause(srv); /* ENOBUFS, ENOMEM, or no spare */
}

int tvc_start_server(tvc_server **out, tvc_conn_fn *fn, void *arg,
                     const tvc_server_opts *opts)
{
    if (!tvc__S)
        return TVC_EINVALSTATE;
    tvc_server *srv = calloc(1, sizeof *srv);
    if (!srv)
        return -ENOMEM;
    int fd = tvc_server_listen(opts, &srv->opts);
    if (fd < 0) {
        free(srv);
        return fd;
    }
    srv->fn = fn;
    srv->arg = arg;
    /* Without it the server still runs; shed tries again. */
    srv->spare_fd = tvc_spare_open();
    int r =
        tvc_reactor_io_start(tvc__S->rx, &srv->io, fd, TVC_RX_READ, on_listen);
    if (r < 0) {
        if (srv->spare_fd >= 0)
            close(srv->spare_fd);
        close(fd);
        free(srv);
        return r;
    }
    *out = srv;
    return 0;
}

int tvc_server_port(const tvc_server *srv)
{
    return srv->opts.port;
}

size_t tvc_server_connections(tvc_server *srv)
{
    return srv->nconns;
}

int tvc_server_close(tvc_server *srv)
{
    if (!tvc_current())
        return TVC_EINVALSTATE; /* waiting for the handlers: a task job */
    tvc_reactor_io_stop(tvc__S->rx, &srv->io);
    tvc_reactor_timer_stop(tvc__S->rx, &srv->retry);
    close(srv->io.fd);
    if (srv->spare_fd >= 0)
        close(srv->spare_fd);
    for (tvc_link *l = srv->conns; l; l = l->next)
        tvc_cancel(((struct conn *)l)->task);
    int r = 0;
    srv->closer = tvc_current();
    /* The handlers were cancelled; waiting for them to clean up is not
     * interrupted by our own cancel (that is remembered and returned). */
    while (srv->nconns > 0) {
        int w = tvc__wait(TVC_FOREVER);
        if (w == -ECANCELED)
            r = w;
    }
    free(srv);
    return r;
}
