/*
 * A stream: its life, its read side, and its write side and closing.
 *
 * Reading: the common stream buffer (streambuf.c, through readop.c)
 * parses, this file only waits.  A read parses what is buffered first;
 * when the parser wants more it receives, and when the socket has nothing
 * it waits in ppoll() (a cancellation point).  While it waits for input
 * it also waits for room to send any output still buffered, so a write
 * that found the kernel's buffer full still goes out even if the task
 * never calls drain: this runtime has no event loop to do that in the
 * background.  A server's stream with an idle time (server_opts.h) waits
 * for input that long at most; then its reads fail with -ETIMEDOUT.
 *
 * Writing: write() sends at once what the kernel takes (the queued bytes
 * and the new ones in one gathered sendmsg, tvc_outbuf) and buffers the
 * rest; drain() waits until everything is in the kernel.  A threaded
 * runtime has no loop that would flush a partly full buffer later, so its
 * high-water mark is zero: drain returns when the user-space buffer is
 * empty (reads that block also flush, see above, which is why the write
 * side has its own mutex).  Send errors (-EPIPE, -ECONNRESET) are sticky
 * and reported by every later write, drain and write_eof; the socket
 * never raises SIGPIPE (MSG_NOSIGNAL).
 */
#include "internal.h"

#include "tvc/accept.h"
#include "tvc/readop.h"

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <unistd.h>

/* Room asked of the buffer before each receive: large enough that a bulk
 * transfer takes few system calls, small against the default limit. */
enum { RECV_CHUNK = 16 * 1024 };

/* With wmu held: sends what the kernel takes now without blocking: 0
 * (output may remain) or the sticky send error. */
static int flush_some(tvc_stream *s);

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
        /* What the kernel does not take now is dropped and counted: a
         * writer that cares calls drain, write_eof or wait_closed. */
        tvc_outbuf_abandon(&s->out, s->werr ? -1 : s->fd);
        close(s->fd);
    }
    pthread_mutex_destroy(&s->wmu);
    tvc_streambuf_free(&s->rb);
    tvc_outbuf_free(&s->out);
    free(s);
}

/* Receives once into the buffer, waiting if the socket is empty: 0 or 1
 * (data or EOF fed; tvc_read_op_recv's 1 says the room was filled, which
 * a blocking reader need not know), the sticky receive error (also
 * -ETIMEDOUT once the idle time passed with no byte), -ENOMEM or
 * -ECANCELED. */
static int fill(tvc_stream *s)
{
    if (s->fd < 0)
        return TVC_EINVALSTATE;
    if (s->rerr)
        return s->rerr;
    for (;;) {
        int r = tvc_read_op_recv(&s->rb, s->fd, RECV_CHUNK);
        if (r != -EAGAIN) {
            s->idle_at = 0; /* bytes (or the end) came */
            if (r < 0 && r != -ENOMEM)
                s->rerr = r;
            return r;
        }
        /* A writer busy on the other side flushes for itself. */
        short events = POLLIN;
        if (pthread_mutex_trylock(&s->wmu) == 0) {
            if (flush_some(s) == 0 && tvc_outbuf_len(&s->out))
                events |= POLLOUT;
            pthread_mutex_unlock(&s->wmu);
        }
        /* Set at the first wait: a wake-up for output does not restart
         * the idle clock, only bytes do. */
        if (s->idle_ns > 0 && s->idle_at == 0)
            s->idle_at = tvc_now() + s->idle_ns;
        r = tvc__wait_fd(s->fd, events, s->idle_ns > 0 ? s->idle_at : -1);
        if (r == -ETIMEDOUT)
            s->rerr = r;
        if (r < 0) {
            s->idle_at = 0;
            return r;
        }
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

/* The read calls: their results and errors are stated in tvc.h. */
int tvc_stream_read(tvc_stream *s, size_t n, tvc_slice *out)
{
    tvc_read_op op = {.kind = TVC_READ_SOME, .n = n};
    return read_loop(s, &op, out);
}

int tvc_stream_readexactly(tvc_stream *s, size_t n, tvc_slice *out)
{
    tvc_read_op op = {.kind = TVC_READ_EXACTLY, .n = n};
    return read_loop(s, &op, out);
}

int tvc_stream_readline(tvc_stream *s, tvc_slice *out)
{
    tvc_read_op op = {.kind = TVC_READ_LINE};
    return read_loop(s, &op, out);
}

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

/* ---- the write side and closing ----------------------------------------- */

/* With wmu held: sends what the kernel takes of the queue and then of
 * iov[0..n) in one gathered sendmsg, queues the rest: 0, -ENOMEM, or the
 * sticky send error (tvc_outbuf_send has dropped the queue). */
static int send_or_queue(tvc_stream *s, const struct iovec *iov, int n)
{
    if (s->werr)
        return s->werr;
    int r = tvc_outbuf_send(&s->out, s->fd, iov, n);
    if (r == -EAGAIN)
        return 0;
    if (r < 0 && r != -ENOMEM)
        s->werr = r;
    return r;
}

static int flush_some(tvc_stream *s)
{
    return send_or_queue(s, NULL, 0);
}

/* Sends everything buffered, waiting for room until the absolute
 * deadline (-1: none): 0, the send error, -ETIMEDOUT or -ECANCELED. */
static int flush_until(tvc_stream *s, int64_t deadline)
{
    for (;;) {
        pthread_mutex_lock(&s->wmu);
        int r = flush_some(s);
        int done = r < 0 || tvc_outbuf_len(&s->out) == 0;
        pthread_mutex_unlock(&s->wmu);
        if (done)
            return r;
        r = tvc__wait_fd(s->fd, POLLOUT, deadline);
        if (r < 0)
            return r;
    }
}

/* Never blocks.  0, the sticky send error, -EPIPE after close or
 * write_eof, or -ENOMEM. */
int tvc_stream_writelines(tvc_stream *s, const struct iovec *iov, int n)
{
    if (s->closing || s->eof_sent || s->fd < 0)
        return s->werr ? s->werr : -EPIPE;
    pthread_mutex_lock(&s->wmu);
    int r = send_or_queue(s, iov, n);
    pthread_mutex_unlock(&s->wmu);
    return r;
}

int tvc_stream_write(tvc_stream *s, const void *data, size_t n)
{
    struct iovec v = {(void *)data, n};
    return tvc_stream_writelines(s, &v, 1);
}

/* Suspends until every buffered byte is in the kernel: 0, the send error
 * (-EPIPE, -ECONNRESET), or -ECANCELED. */
int tvc_stream_drain(tvc_stream *s)
{
    if (s->fd < 0)
        return s->werr;
    return flush_until(s, -1);
}

/* Flushes (suspends), then shuts the write side: the peer reads EOF. */
int tvc_stream_write_eof(tvc_stream *s)
{
    if (s->fd < 0 || s->closing)
        return -EPIPE;
    int r = flush_until(s, -1);
    if (r < 0)
        return r;
    if (!s->eof_sent && shutdown(s->fd, SHUT_WR) < 0)
        return -errno;
    s->eof_sent = 1;
    return 0;
}

static void close_fd(tvc_stream *s)
{
    close(s->fd);
    s->fd = -1;
}

/* Never blocks: closes the socket now if no output is left, else leaves
 * that to wait_closed (or free, which drops what does not fit). */
int tvc_stream_close(tvc_stream *s)
{
    if (s->closing || s->fd < 0)
        return 0;
    s->closing = 1;
    pthread_mutex_lock(&s->wmu);
    int sent = flush_some(s) < 0 || tvc_outbuf_len(&s->out) == 0;
    pthread_mutex_unlock(&s->wmu);
    if (sent)
        close_fd(s);
    return 0;
}

/* Closes if close was not called, sends what is left (suspends), closes
 * the socket: 0, the send error, or -ECANCELED (the socket stays open for
 * another try or for free). */
int tvc_stream_wait_closed(tvc_stream *s)
{
    s->closing = 1;
    if (s->fd < 0)
        return s->werr;
    int r = flush_until(s, -1);
    if (r == -ECANCELED)
        return r;
    close_fd(s);
    return r;
}

void tvc__stream_linger(tvc_stream *s, int64_t deadline)
{
    s->closing = 1;
    if (s->fd < 0)
        return;
    int r = flush_until(s, deadline);
    if (r == -ECANCELED)
        return;
    if (r == -ETIMEDOUT) {
        tvc_outbuf_abandon(&s->out, -1);
        tvc_server_reset_on_close(s->fd);
    }
    close_fd(s);
}

int tvc_stream_is_closing(tvc_stream *s)
{
    return s->closing;
}
