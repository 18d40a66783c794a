/*
 * Stream reads over the receive buffer (readop.h).
 */
#include "tvc/readop.h"

#include <errno.h>
#include <sys/socket.h>

int tvc_read_op_parse(tvc_streambuf *sb, const tvc_read_op *op, tvc_slice *out)
{
    switch (op->kind) {
    case TVC_READ_SOME:
        return tvc_streambuf_read(sb, op->n, out);
    case TVC_READ_EXACTLY:
        return tvc_streambuf_readexactly(sb, op->n, out);
    case TVC_READ_LINE:
        return tvc_streambuf_readline(sb, out);
    case TVC_READ_UNTIL:
        return tvc_streambuf_readuntil(sb, op->sep, op->seplen, out);
    }
    return -EINVAL;
}

int tvc_read_op_recv(tvc_streambuf *sb, int fd, size_t chunk)
{
    size_t avail;
    char *p = tvc_streambuf_reserve(sb, chunk, &avail);
    if (!p)
        return -ENOMEM;
    for (;;) {
        ssize_t k = recv(fd, p, avail, 0);
        if (k > 0) {
            tvc_streambuf_commit(sb, (size_t)k);
            return (size_t)k == avail;
        }
        if (k == 0) {
            tvc_streambuf_feed_eof(sb);
            return 0;
        }
        if (errno == EINTR)
            continue;
        if (errno == EAGAIN || errno == EWOULDBLOCK)
            return -EAGAIN;
        return -errno;
    }
}
