/*
 * Socket addresses (addr.h): numeric parsing only, never a lookup, the
 * listening socket every server opens the same way, and the connect every
 * client starts the same way.
 */
#include "tvc/addr.h"

#include "tvc/parse.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int tvc_addr_parse(const char *host, int port, struct sockaddr_storage *ss,
                   socklen_t *len)
{
    if (port < 0 || port > 65535)
        return -EINVAL;
    memset(ss, 0, sizeof *ss);
    if (!host || strcmp(host, "localhost") == 0)
        host = "127.0.0.1";
    struct sockaddr_in *in4 = (struct sockaddr_in *)ss;
    struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)ss;
    if (inet_pton(AF_INET, host, &in4->sin_addr) == 1) {
        in4->sin_family = AF_INET;
        in4->sin_port = htons((uint16_t)port);
        *len = sizeof *in4;
        return 0;
    }
    if (inet_pton(AF_INET6, host, &in6->sin6_addr) == 1) {
        in6->sin6_family = AF_INET6;
        in6->sin6_port = htons((uint16_t)port);
        *len = sizeof *in6;
        return 0;
    }
    return -EINVAL;
}

int tvc_addr_split(const char *hostport, char *host, size_t hostlen, int *port)
{
    const char *h = hostport, *colon = strrchr(hostport, ':');
    size_t n = colon ? (size_t)(colon - h) : 0;
    if (h[0] == '[') { /* "[::1]:80": the colon is the one after ']' */
        if (n < 2 || h[n - 1] != ']')
            return -EINVAL;
        h++, n -= 2;
    }
    int64_t p;
    if (colon == NULL || n >= hostlen ||
        tvc_parse_int(colon + 1, 0, 65535, &p) != 0)
        return -EINVAL;
    memcpy(host, h, n);
    host[n] = '\0';
    struct sockaddr_storage ss;
    socklen_t len;
    if (tvc_addr_parse(host, (int)p, &ss, &len) != 0)
        return -EINVAL;
    *port = (int)p;
    return 0;
}

int tvc_addr_is_loopback(const struct sockaddr_storage *ss)
{
    if (ss->ss_family == AF_INET) {
        const struct sockaddr_in *in4 = (const struct sockaddr_in *)ss;
        return ntohl(in4->sin_addr.s_addr) >> 24 == 127;
    }
    if (ss->ss_family == AF_INET6) {
        const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)ss;
        return IN6_IS_ADDR_LOOPBACK(&in6->sin6_addr);
    }
    return 0;
}

int tvc_addr_port(const struct sockaddr_storage *ss)
{
    if (ss->ss_family == AF_INET6)
        return ntohs(((const struct sockaddr_in6 *)ss)->sin6_port);
    return ntohs(((const struct sockaddr_in *)ss)->sin_port);
}

int tvc_addr_listen(struct sockaddr_storage *ss, socklen_t *len, int backlog)
{
    if (backlog < 0)
        return -EINVAL;
    int fd =
        socket(ss->ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return -errno;
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (bind(fd, (struct sockaddr *)ss, *len) < 0 ||
        listen(fd, backlog ? backlog : TVC_ADDR_BACKLOG) < 0 ||
        getsockname(fd, (struct sockaddr *)ss, len) < 0) {
        int err = -errno;
        close(fd);
        return err;
    }
    return fd;
}

int tvc_addr_connect(const struct sockaddr_storage *ss, socklen_t len)
{
    int fd =
        socket(ss->ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return -errno;
    tvc_addr_nodelay(fd);
    if (connect(fd, (const struct sockaddr *)ss, len) < 0 &&
        errno != EINPROGRESS) {
        int err = -errno;
        close(fd);
        return err;
    }
    return fd;
}

int tvc_addr_connect_to(const char *host, int port)
{
    struct sockaddr_storage ss;
    socklen_t len;
    int r = tvc_addr_parse(host, port, &ss, &len);
    if (r < 0)
        return r;
    return tvc_addr_connect(&ss, len);
}

void tvc_addr_nodelay(int fd)
{
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
}

void tvc_addr_format(const struct sockaddr_storage *ss, char *buf, size_t size)
{
    char a[INET6_ADDRSTRLEN] = "?";
    if (ss->ss_family == AF_INET6) {
        const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)ss;
        inet_ntop(AF_INET6, &in6->sin6_addr, a, sizeof a);
        snprintf(buf, size, "[%s]:%u", a, ntohs(in6->sin6_port));
    } else {
        const struct sockaddr_in *in4 = (const struct sockaddr_in *)ss;
        inet_ntop(AF_INET, &in4->sin_addr, a, sizeof a);
        snprintf(buf, size, "%s:%u", a, ntohs(in4->sin_port));
    }
}
