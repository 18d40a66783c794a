/*
 * start_server: a listening socket, an accept loop running as its own
 * task, and a task per connection.  The server keeps its live connection
 * tasks in a list so tvc_server_close can cancel them and wait for them.
 * When a handler returns, its task sends what output is left, for
 * linger_ms at most (then resets the connection), and frees the stream
 * (server_opts.h).
 *
 * Running out of descriptors (EMFILE/ENFILE) must neither spin nor stop
 * the server: it sheds with a spare descriptor (tvc/accept.h explains
 * how).  Failing to spawn a handler (the thread limit) likewise drops
 * that one connection.
 */
#include "internal.h"

#include "tvc/accept.h"
#include "tvc/list.h"

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <unistd.h>

/* Pause after an accept failure the spare descriptor could not absorb. */
#define ACCEPT_BACKOFF_NS TVC_MS(10)

typedef struct conn {
    tvc_link link; /* first: in the server's live list */
    struct tvc_server *srv;
    tvc_stream *s;
    tvc_task *task; /* handle, released when the handler ends */
} conn;

struct tvc_server {
    pthread_mutex_t mu;   /* guards conns, nconns, closing */
    pthread_cond_t gone;  /* signalled when nconns reaches 0 */
    int fd;               /* listening socket */
    int spare_fd;         /* tvc/accept.h; -errno when none */
    tvc_server_opts opts; /* in effect (tvc_server_listen) */
    tvc_conn_fn *fn;      /* the handler and its argument */
    void *arg;
    tvc_task *acceptor; /* the accept loop */
    tvc_link *conns;    /* live handlers (conn) */
    size_t nconns;
    int closing; /* no new handlers once set */
};

static int conn_main(void *arg, void **result)
{
    conn *c = arg;
    tvc_server *srv = c->srv;
    int r = srv->fn(c->s, srv->arg);
    /* Output the handler wrote but did not drain still goes out, as a
     * transport would send it after close, for linger_ms at most; a
     * cancel (server close, teardown) skips or interrupts that. */
    if (!tvc_cancelling())
        tvc__stream_linger(c->s, tvc_server_linger_deadline(&srv->opts));
    tvc_stream_free(c->s);

    pthread_mutex_lock(&srv->mu);
    tvc_link_remove(&srv->conns, &c->link);
    tvc_task_release(c->task);
    if (--srv->nconns == 0)
        pthread_cond_broadcast(&srv->gone);
    pthread_mutex_unlock(&srv->mu);
    free(c);
    return r;
}

/* Hands an accepted socket to a new handler task, or drops it. */
static void serve(tvc_server *srv, int fd)
{
    tvc_server_accepted(fd, &srv->opts);
    conn *c = calloc(1, sizeof *c);
    if (!c) {
        close(fd);
        return;
    }
    c->srv = srv;
    if (tvc__stream_new(&c->s, fd, srv->opts.limit) < 0) {
        free(c);
        return;
    }
    c->s->idle_ns = TVC_MS(srv->opts.idle_timeout_ms);
    tvc_task_opts opts = {.name = "conn"};
    pthread_mutex_lock(&srv->mu);
    /* Under mu: the handler cannot unlink itself before it is linked. */
    int r =
        srv->closing ? -ECANCELED : tvc_spawn(&c->task, conn_main, c, &opts);
    if (r == 0) {
        tvc_link_push(&srv->conns, &c->link);
        srv->nconns++;
    }
    pthread_mutex_unlock(&srv->mu);
    if (r < 0) {
        tvc_stream_free(c->s);
        free(c);
    }
}

/* Out of descriptors: drop one waiting connection using the spare.
 * 0, or -ECANCELED while waiting. */
static int shed(tvc_server *srv)
{
    int r = tvc_spare_shed(&srv->spare_fd, srv->fd);
    if (r > 0)
        return 0;
    /* The backlog was empty: wait for a connection rather than poll. */
    if (r == 0 && srv->spare_fd >= 0)
        return tvc__wait_fd(srv->fd, POLLIN, -1);
    return tvc_sleep(ACCEPT_BACKOFF_NS);
}

static int accept_loop(void *arg, void **result)
{
    tvc_server *srv = arg;
    for (;;) {
        int fd = accept4(srv->fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
        int r = 0;
        if (fd >= 0)
            serve(srv, fd);
        else if (errno == EAGAIN || errno == EWOULDBLOCK)
            r = tvc__wait_fd(srv->fd, POLLIN, -1);
        else if (errno == EMFILE || errno == ENFILE)
            r = shed(srv);
        else if (errno != EINTR && errno != ECONNABORTED)
            r = tvc_sleep(ACCEPT_BACKOFF_NS); /* ENOBUFS, ENOMEM */
        if (r < 0)
            return r;
    }
}

/* Never blocks.  The errors are tvc.h's; the runtime's own is
 * tvc_spawn's for the accept loop. */
int tvc_start_server(tvc_server **out, tvc_conn_fn *fn, void *arg,
                     const tvc_server_opts *opts)
{
    if (!tvc__in_run())
        return TVC_EINVALSTATE;
    tvc_server *srv = calloc(1, sizeof *srv);
    if (!srv)
        return -ENOMEM;
    srv->fn = fn;
    srv->arg = arg;
    srv->spare_fd = -1;
    srv->fd = tvc_server_listen(opts, &srv->opts);
    int r = srv->fd;
    if (r < 0)
        goto fail;
    srv->spare_fd = tvc_spare_open();
    pthread_mutex_init(&srv->mu, NULL);
    pthread_cond_init(&srv->gone, NULL);
    tvc_task_opts task_opts = {.name = "accept"};
    r = tvc_spawn(&srv->acceptor, accept_loop, srv, &task_opts);
    if (r < 0) {
        pthread_cond_destroy(&srv->gone);
        pthread_mutex_destroy(&srv->mu);
        goto fail;
    }
    *out = srv;
    return 0;
fail:
    if (srv->fd >= 0)
        close(srv->fd);
    if (srv->spare_fd >= 0)
        close(srv->spare_fd);
    free(srv);
    return r;
}

int tvc_server_port(const tvc_server *srv)
{
    return srv->opts.port;
}

size_t tvc_server_connections(tvc_server *srv)
{
    pthread_mutex_lock(&srv->mu);
    size_t n = srv->nconns;
    pthread_mutex_unlock(&srv->mu);
    return n;
}

/* Stops accepting, cancels the live handlers and waits for them (not
 * interruptible: they are gone when it returns), frees the server.  0. */
int tvc_server_close(tvc_server *srv)
{
    tvc_cancel(srv->acceptor);
    tvc__await_quiet(tvc_task_future(srv->acceptor));
    tvc_task_release(srv->acceptor);
    close(srv->fd);
    if (srv->spare_fd >= 0)
        close(srv->spare_fd);

    pthread_mutex_lock(&srv->mu);
    srv->closing = 1;
    for (tvc_link *l = srv->conns; l; l = l->next)
        tvc_cancel(((conn *)l)->task);
    while (srv->nconns > 0)
        pthread_cond_wait(&srv->gone, &srv->mu);
    pthread_mutex_unlock(&srv->mu);
    pthread_cond_destroy(&srv->gone);
    pthread_mutex_destroy(&srv->mu);
    free(srv);
    return 0;
}
