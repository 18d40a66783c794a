/*
 * The listen setup, accepting connections, the linger of a connection
 * whose handler returned, and the spare descriptor of a server that ran
 * out of them (accept.h explains the spare).
 */
#include <errno.h>
#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "tvc/accept.h"
#include "tvc/addr.h"
#include "tvc/clock.h"
#include "tvc/streambuf.h"

int tvc_server_listen(const tvc_server_opts *opts, tvc_server_opts *out)
{
    *out = opts ? *opts : (tvc_server_opts){0};
    struct sockaddr_storage ss;
    socklen_t len;
    int r = tvc_addr_parse(out->host, out->port, &ss, &len);
    if (r < 0)
        return r;
    out->host = NULL;
    if (out->limit == 0)
        out->limit = TVC_STREAM_LIMIT_DEFAULT;
    if (out->backlog == 0)
        out->backlog = TVC_ADDR_BACKLOG;
    if (out->linger_ms == 0)
        out->linger_ms = TVC_LINGER_MS_DEFAULT;
    if (out->linger_ms < TVC_LINGER_NONE || out->idle_timeout_ms < 0)
        return -EINVAL;
    int fd = tvc_addr_listen(&ss, &len, out->backlog);
    if (fd >= 0)
        out->port = tvc_addr_port(&ss);
    return fd;
}

void tvc_server_accepted(int fd, const tvc_server_opts *opts)
{
    (void)opts; /* no per-connection option yet */
    tvc_addr_nodelay(fd);
}

int64_t tvc_server_linger_deadline(const tvc_server_opts *opts)
{
    int64_t now = tvc_now();
    return opts->linger_ms == TVC_LINGER_NONE ? now
                                              : now + TVC_MS(opts->linger_ms);
}

void tvc_server_reset_on_close(int fd)
{
    struct linger lg = {.l_onoff = 1, .l_linger = 0};
    setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
}

int tvc_spare_open(void)
{
    int fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
    return fd >= 0 ? fd : -errno;
}

int tvc_spare_shed(int *spare, int listen_fd)
{
    if (*spare < 0)
        *spare = tvc_spare_open();
    if (*spare < 0)
        return *spare;
    close(*spare);
    int fd = accept4(listen_fd, NULL, NULL, SOCK_CLOEXEC);
    int err = errno;
    if (fd >= 0)
        close(fd);
    *spare = tvc_spare_open();
    if (fd >= 0 || err == ECONNABORTED)
        return 1;
    return err == EAGAIN || err == EWOULDBLOCK ? 0 : -err;
}

int tvc_accept_batch(int listen_fd, int *spare,
                     void (*serve)(void *ctx, int fd), void *ctx)
{
    for (int i = 0; i < TVC_ACCEPT_BATCH; i++) {
        int fd = accept4(listen_fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd >= 0) {
            serve(ctx, fd);
            continue;
        }
        int err = errno;
        if (err == EAGAIN || err == EWOULDBLOCK)
            return 0;
        if (err == ECONNABORTED || err == EINTR)
            continue; /* a connection that died while queued */
        if (err != EMFILE && err != ENFILE)
            return -err; /* ENOBUFS, ENOMEM; EBADF, EINVAL: no listener */
        int shed = tvc_spare_shed(spare, listen_fd);
        if (shed <= 0)
            return shed; /* drained, or no spare */
    }
    return 0;
}
