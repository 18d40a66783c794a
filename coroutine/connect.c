/*
 * open_connection: a non-blocking connect on a new stream, whose first
 * writable edge ends the connecting task's wait in the stream's writers
 * list; SO_ERROR then tells how it went.
 */
#include <errno.h>
#include <sys/socket.h>
#include <unistd.h>

#include "internal.h"
#include "stream_internal.h"
#include "tvc/addr.h"

int tvc_open_connection(tvc_stream **out, const char *host, int port,
                        size_t limit)
{
    if (!tvc_current())
        return TVC_EINVALSTATE; /* only a task can wait for the connect */
    int fd = tvc_addr_connect_to(host, port);
    if (fd < 0)
        return fd;
    tvc_stream *s;
    int r = tvc__stream_wrap(&s, fd, limit);
    if (r < 0) {
        close(fd);
        return r;
    }
    /* Connected or not, the first writable edge tells (and SO_ERROR). */
    s->connecting = 1;
    while (s->connecting && r == 0)
        r = tvc__waitq_wait(&s->writers, TVC_FOREVER);
    int soerr = 0;
    socklen_t sl = sizeof soerr;
    if (r == 0 && getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &sl))
        soerr = errno;
    if (r == 0)
        r = -soerr;
    if (r < 0) {
        tvc_stream_free(s);
        return r;
    }
    *out = s;
    return 0;
}
