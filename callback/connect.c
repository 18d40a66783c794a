/*
 * open_connection: a non-blocking connect whose completion is the
 * stream's first write edge.  The connecting task waits in the stream's
 * reader slot; a cancel frees the half-made stream with it.
 */
#include <errno.h>
#include <sys/socket.h>
#include <unistd.h>

#include "stream_internal.h"
#include "tvc/addr.h"

void tvc__cb_connect_ready(tvc_cb_stream *s)
{
    tvc_cb_task *t = s->reader;
    int soerr = 0;
    socklen_t len = sizeof soerr;
    if (getsockopt(s->io.fd, SOL_SOCKET, SO_ERROR, &soerr, &len) < 0)
        soerr = errno;
    s->reader = NULL;
    s->connecting = 0;
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
    int fd = tvc_addr_connect_to(host, port);
    if (fd < 0) {
        tvc__cb_complete(t, fd);
        return;
    }
    int err;
    tvc_cb_stream *s = tvc__cb_stream_new(fd, limit, &err);
    if (!s) {
        tvc__cb_complete(t, err);
        return;
    }
    /* Connected or not, the first write edge tells (and SO_ERROR). */
    t->u.stream = s;
    s->reader = t;
    s->connecting = 1;
}
