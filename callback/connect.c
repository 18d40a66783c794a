/*
 * open_connection: a non-blocking connect whose completion is the
 * stream's first write edge.  The connecting task waits in the stream's
 * reader slot; a cancel frees the half-made stream with it.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "stream_internal.h"

void tvc__cb_nodelay(int fd)
{
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
}

/* host:port as a socket address; -EINVAL for a name we do not resolve. */
static int address(const char *host, int port, struct sockaddr_storage *ss,
                   socklen_t *len)
{
    memset(ss, 0, sizeof *ss);
    if (strcmp(host, "localhost") == 0)
        host = "127.0.0.1";
    struct sockaddr_in *in4 = (struct sockaddr_in *)ss;
    if (inet_pton(AF_INET, host, &in4->sin_addr) == 1) {
        in4->sin_family = AF_INET;
        in4->sin_port = htons((uint16_t)port);
        *len = sizeof *in4;
        return 0;
    }
    struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)ss;
    if (inet_pton(AF_INET6, host, &in6->sin6_addr) == 1) {
        in6->sin6_family = AF_INET6;
        in6->sin6_port = htons((uint16_t)port);
        *len = sizeof *in6;
        return 0;
    }
    return -EINVAL;
}

int tvc__cb_address(const char *host, int port, struct sockaddr_storage *ss,
                    socklen_t *len)
{
    return address(host, port, ss, len);
}

void tvc__cb_connect_ready(tvc_cb_stream *s)
{
    tvc_cb_task *t = s->reader;
    int soerr = 0;
    socklen_t len = sizeof soerr;
    if (getsockopt(s->io.fd, SOL_SOCKET, SO_ERROR, &soerr, &len) < 0)
        soerr = errno;
    s->reader = NULL;
    if (soerr) {
        tvc_cb_stream_free(s);
        tvc__cb_complete(t, -soerr);
        return;
    }
    tvc__cb_complete_value(t, 0, s);
}

void tvc_cb_open_connection(tvc_cb_task *t, const char *host, int port,
                            size_t limit, tvc_cb_value_fn *k)
{
    if (TVC__CB_BEGIN(t, TVC__OP_STREAM, TVC__K_VALUE, k))
        return;
    struct sockaddr_storage ss;
    socklen_t len;
    int err = address(host, port, &ss, &len);
    if (err < 0) {
        tvc__cb_complete(t, err);
        return;
    }
    int fd =
        socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        tvc__cb_complete(t, -errno);
        return;
    }
    tvc__cb_nodelay(fd);
    if (connect(fd, (struct sockaddr *)&ss, len) < 0 && errno != EINPROGRESS) {
        err = -errno;
        close(fd);
        tvc__cb_complete(t, err);
        return;
    }
    tvc_cb_stream *s = tvc__cb_stream_new(fd, limit, &err);
    if (!s) {
        tvc__cb_complete(t, err);
        return;
    }
    /* Connected or not, the first write edge tells (and SO_ERROR). */
    t->u.stream = s;
    s->reader = t;
    s->read_op = TVC__R_CONNECT;
}
