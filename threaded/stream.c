/*
 * A stream's life and its read side: the common stream buffer
 * (streambuf.c, through readop.c) parses, this file only waits.  A read
 * parses what is buffered first; when the parser wants more it receives,
 * and when the socket has nothing it waits in ppoll() (a cancellation
 * point).  While it waits for input it also waits for room to send any
 * output still buffered, so a write that found the kernel's buffer full
 * still goes out even if the task never calls drain: this runtime has no
 * event loop to do that in the background.
 */
#include "internal.h"

#include "tvc/readop.h"

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <unistd.h>

/* Room asked of the buffer before each receive: large enough that a bulk
 * transfer takes few system calls, small against the default limit. */
enum { RECV_CHUNK = 16 * 1024 };

int tvc__stream_new(tvc_stream **out, int fd, size_t limit)
{
    tvc_stream *s = calloc(1, sizeof *s);
    if (!s) {
        close(fd);
        return -ENOMEM;
    }
    s->fd = fd;
    pthread_mutex_init(&s->wmu, NULL);
    tvc_streambuf_init(&s->rb, limit);
    *out = s;
    return 0;
}

void tvc_stream_free(tvc_stream *s)
{
    if (s->fd >= 0) {
        /* What the kernel does not take now is dropped: a writer that
         * cares calls drain, write_eof or wait_closed first. */
        tvc__stream_flush_some(s);
        close(s->fd);
    }
    pthread_mutex_destroy(&s->wmu);
    tvc_streambuf_free(&s->rb);
    tvc_outbuf_free(&s->out);
    free(s);
}

/* Receives once into the buffer, waiting if the socket is empty: 0 or 1
 * (data or EOF fed; tvc_read_op_recv's 1 says the room was filled, which
 * a blocking reader need not know), the sticky receive error, -ENOMEM or
 * -ECANCELED. */
static int fill(tvc_stream *s)
{
    if (s->rerr)
        return s->rerr;
    if (s->fd < 0)
        return TVC_EINVALSTATE;
    for (;;) {
        int r = tvc_read_op_recv(&s->rb, s->fd, RECV_CHUNK);
        if (r != -EAGAIN) {
            if (r < 0 && r != -ENOMEM)
                s->rerr = r;
            return r;
        }
        /* A writer busy on the other side flushes for itself. */
        short events = POLLIN;
        if (pthread_mutex_trylock(&s->wmu) == 0) {
            if (tvc__stream_flush_some(s) == 0 && tvc_outbuf_len(&s->out))
                events |= POLLOUT;
            pthread_mutex_unlock(&s->wmu);
        }
        r = tvc__wait_fd(s->fd, events, -1);
        if (r < 0)
            return r;
    }
}

static int read_loop(tvc_stream *s, const tvc_read_op *op, tvc_slice *out)
{
    for (;;) {
        int r = tvc_read_op_parse(&s->rb, op, out);
        if (r != -EAGAIN)
            return r;
        r = fill(s);
        if (r < 0)
            return r;
    }
}

/* Up to n bytes (0 and an empty slice at EOF); errors: -ECONNRESET and
 * other receive errors, -ECANCELED, -ENOMEM. */
int tvc_stream_read(tvc_stream *s, size_t n, tvc_slice *out)
{
    tvc_read_op op = {.kind = TVC_READ_SOME, .n = n};
    return read_loop(s, &op, out);
}

/* Exactly n bytes, or TVC_EINCOMPLETE with the partial bytes at EOF. */
int tvc_stream_readexactly(tvc_stream *s, size_t n, tvc_slice *out)
{
    tvc_read_op op = {.kind = TVC_READ_EXACTLY, .n = n};
    return read_loop(s, &op, out);
}

/* Through "\n"; at EOF the partial line; TVC_ELIMIT past the limit. */
int tvc_stream_readline(tvc_stream *s, tvc_slice *out)
{
    tvc_read_op op = {.kind = TVC_READ_LINE};
    return read_loop(s, &op, out);
}

/* Through sep; TVC_EINCOMPLETE at EOF, TVC_ELIMIT past the limit. */
int tvc_stream_readuntil(tvc_stream *s, const void *sep, size_t seplen,
                         tvc_slice *out)
{
    if (seplen == 0)
        return -EINVAL;
    tvc_read_op op = {.kind = TVC_READ_UNTIL, .sep = sep, .seplen = seplen};
    return read_loop(s, &op, out);
}

int tvc_stream_at_eof(tvc_stream *s)
{
    return tvc_streambuf_at_eof(&s->rb);
}
