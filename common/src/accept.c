/*
 * Accepting connections, and the spare descriptor of a server that ran
 * out of them (accept.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "tvc/accept.h"

int tvc_spare_open(void)
{
    return open("/dev/null", O_RDONLY | O_CLOEXEC);
}

int tvc_spare_shed(int *spare, int listen_fd)
{
    if (*spare < 0)
        *spare = tvc_spare_open();
    if (*spare < 0)
        return -1;
    close(*spare);
    int fd = accept4(listen_fd, NULL, NULL, SOCK_CLOEXEC);
    int err = errno;
    if (fd >= 0)
        close(fd);
    *spare = tvc_spare_open();
    if (fd >= 0 || err == ECONNABORTED)
        return 1;
    return err == EAGAIN || err == EWOULDBLOCK ? 0 : -1;
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
        int shed = err == EMFILE || err == ENFILE
                       ? tvc_spare_shed(spare, listen_fd)
                       : -1;
        if (shed <= 0)
            return shed; /* ENOBUFS, ENOMEM, no spare; or drained */
    }
    return 0;
}
