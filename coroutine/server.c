/*
 * start_server: a listening socket watched by the reactor, and a
 * coroutine per accepted connection.  Accepting happens in the watcher
 * itself (scheduler context): it spawns the handler task and goes on, so
 * no task sits in accept.  The server keeps its live handlers in a list
 * so that closing it can cancel them and wait for the last one.
 */
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include "internal.h"
#include "stream.h"

/* Connections accepted per readiness event, so a flood of connects
 * cannot starve the tasks already running. */
#define ACCEPT_BATCH 64
#define LISTEN_BACKLOG 1024

struct conn {
    struct conn *prev, *next; /* the server's live handlers */
    tvc_server *srv;
    tvc_stream *s;            /* freed when the handler returns */
    tvc_task *task;           /* handle, to cancel it on close */
};

struct tvc_server {
    tvc_rx_io io;          /* first: the listening socket's watcher */
    int port;              /* bound port */
    tvc_conn_fn *fn;       /* the handler */
    void *arg;
    size_t limit;          /* read limit per stream */
    struct conn *conns;    /* live handlers */
    size_t nconns;
    tvc_task *closer;      /* waiting in tvc_server_close */
};

static int handler(void *arg, void **result)
{
    struct conn *c = arg;
    tvc_server *srv = c->srv;
    int r = srv->fn(c->s, srv->arg);
    tvc_stream_free(c->s);
    if (c->prev)
        c->prev->next = c->next;
    else
        srv->conns = c->next;
    if (c->next)
        c->next->prev = c->prev;
    if (--srv->nconns == 0 && srv->closer)
        tvc__wake(srv->closer, 0);
    /* The coroutine keeps its own reference while it runs. */
    tvc_task_release(c->task);
    free(c);
    return r;
}

static void serve(tvc_server *srv, int fd)
{
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    struct conn *c = calloc(1, sizeof *c);
    if (!c || tvc__stream_wrap(&c->s, fd, srv->limit) < 0) {
        free(c);
        close(fd);
        return;
    }
    c->srv = srv;
    if (tvc_spawn(&c->task, handler, c, NULL) < 0) {
        tvc_stream_free(c->s);
        free(c);
        return;
    }
    c->next = srv->conns;
    if (srv->conns)
        srv->conns->prev = c;
    srv->conns = c;
    srv->nconns++;
}

static void on_listen(tvc_rx_io *io, uint32_t revents)
{
    (void)revents;
    tvc_server *srv = (tvc_server *)io;
    for (int i = 0; i < ACCEPT_BATCH; i++) {
        int fd = accept4(io->fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd < 0)
            return; /* EAGAIN; or EMFILE etc.: level-triggered, retried */
        serve(srv, fd);
    }
}

int tvc_start_server(tvc_server **out, const char *host, int port,
                     tvc_conn_fn *fn, void *arg, size_t limit)
{
    if (!tvc__S)
        return -EPERM;
    struct sockaddr_storage ss;
    socklen_t len;
    int r = tvc__sockaddr(host, port, &ss, &len);
    if (r < 0)
        return r;
    tvc_server *srv = calloc(1, sizeof *srv);
    if (!srv)
        return -ENOMEM;
    int fd = socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
                    0);
    if (fd < 0) {
        free(srv);
        return -errno;
    }
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (bind(fd, (struct sockaddr *)&ss, len) < 0 ||
        listen(fd, LISTEN_BACKLOG) < 0 ||
        getsockname(fd, (struct sockaddr *)&ss, &len) < 0) {
        r = -errno;
        goto fail;
    }
    srv->port = ntohs(ss.ss_family == AF_INET
                          ? ((struct sockaddr_in *)&ss)->sin_port
                          : ((struct sockaddr_in6 *)&ss)->sin6_port);
    srv->fn = fn;
    srv->arg = arg;
    srv->limit = limit;
    r = tvc_reactor_io_start(tvc__S->rx, &srv->io, fd, TVC_RX_READ,
                             on_listen);
    if (r < 0)
        goto fail;
    *out = srv;
    return 0;
fail:
    close(fd);
    free(srv);
    return r;
}

int tvc_server_port(const tvc_server *srv)
{
    return srv->port;
}

int tvc_server_close(tvc_server *srv)
{
    if (!tvc_current())
        return -EPERM; /* it must wait for the handlers: a task's job */
    tvc_reactor_io_stop(tvc__S->rx, &srv->io);
    close(srv->io.fd);
    for (struct conn *c = srv->conns; c; c = c->next)
        tvc_cancel(c->task);
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
