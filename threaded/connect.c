/*
 * Addresses and the client side: tvc_open_connection makes a non-blocking
 * TCP socket, connects, and waits for the handshake in ppoll() so the
 * connect is a cancellation point like every other wait.  Only numeric
 * addresses and "localhost" are accepted (tvc_addr_parse says why).
 */
#include "internal.h"

#include "tvc/addr.h"

#include <errno.h>
#include <poll.h>
#include <unistd.h>

/* Suspends.  0, TVC_EINVALSTATE outside a run, -EINVAL (not a numeric
 * address), -ECONNREFUSED and other connect errors, -EMFILE, -ENOMEM, or
 * -ECANCELED. */
int tvc_open_connection(tvc_stream **out, const char *host, int port,
                        size_t limit)
{
    if (!tvc__in_run())
        return TVC_EINVALSTATE;
    int fd = tvc_addr_connect_to(host, port);
    if (fd < 0)
        return fd;
    /* Connected or still connecting: write readiness, then SO_ERROR. */
    int r = tvc__wait_fd(fd, POLLOUT, -1);
    if (r == 0) {
        int err = 0;
        socklen_t elen = sizeof err;
        getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &elen);
        r = -err;
    }
    if (r < 0) {
        close(fd);
        return r;
    }
    return tvc__stream_new(out, fd, limit);
}
