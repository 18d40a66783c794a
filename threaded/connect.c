/*
 * Addresses and the client side: tvc_open_connection makes a non-blocking
 * TCP socket, connects, and waits for the handshake in ppoll() so the
 * connect is a cancellation point like every other wait.  Only numeric
 * addresses and "localhost" are accepted: a name lookup would block in
 * getaddrinfo where no cancel can reach it, and the suite only ever talks
 * to loopback.
 */
#include "internal.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <string.h>
#include <unistd.h>

int tvc__sockaddr(const char *host, int port, struct sockaddr_storage *ss,
                  socklen_t *len)
{
    if (port < 0 || port > 65535)
        return -EINVAL;
    memset(ss, 0, sizeof *ss);
    if (!host || strcmp(host, "localhost") == 0)
        host = "127.0.0.1";
    struct sockaddr_in *v4 = (struct sockaddr_in *)ss;
    struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)ss;
    if (inet_pton(AF_INET, host, &v4->sin_addr) == 1) {
        v4->sin_family = AF_INET;
        v4->sin_port = htons((uint16_t)port);
        *len = sizeof *v4;
        return 0;
    }
    if (inet_pton(AF_INET6, host, &v6->sin6_addr) == 1) {
        v6->sin6_family = AF_INET6;
        v6->sin6_port = htons((uint16_t)port);
        *len = sizeof *v6;
        return 0;
    }
    return -EINVAL;
}

/* Suspends.  0, -EINVAL (not a numeric address), -ECONNREFUSED and other
 * connect errors, -EMFILE, -ENOMEM, or -ECANCELED. */
int tvc_open_connection(tvc_stream **out, const char *host, int port,
                        size_t limit)
{
    struct sockaddr_storage ss;
    socklen_t len;
    int r = tvc__sockaddr(host, port, &ss, &len);
    if (r < 0)
        return r;
    int fd =
        socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return -errno;
    int one = 1;
    /* Request/response workloads measure latency, not Nagle's delay. */
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    if (connect(fd, (struct sockaddr *)&ss, len) < 0) {
        if (errno != EINPROGRESS) {
            r = -errno;
        } else if ((r = tvc__wait_fd(fd, POLLOUT, -1)) == 0) {
            int err = 0;
            socklen_t elen = sizeof err;
            getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &elen);
            r = -err;
        }
        if (r < 0) {
            close(fd);
            return r;
        }
    }
    return tvc__stream_new(out, fd, limit);
}
