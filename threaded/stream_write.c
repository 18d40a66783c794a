/*
 * A stream's write side and closing.  write() sends at once what the
 * kernel takes (the queued bytes and the new ones in one gathered
 * sendmsg, tvc_outbuf) and buffers the rest; drain() waits until
 * everything is in the kernel.  A threaded runtime has
 * no loop that would flush a partly full buffer later, so its high-water
 * mark is zero: drain returns when the user-space buffer is empty (reads
 * that block also flush, see stream.c, which is why the write side has
 * its own mutex).  Send errors (-EPIPE, -ECONNRESET) are sticky and
 * reported by every later write, drain and write_eof; the socket never
 * raises SIGPIPE (MSG_NOSIGNAL).
 */
#include "internal.h"

#include <errno.h>
#include <poll.h>
#include <unistd.h>

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

int tvc__stream_flush_some(tvc_stream *s)
{
    return send_or_queue(s, NULL, 0);
}

/* Sends everything buffered, waiting for room: 0, the send error, or
 * -ECANCELED. */
static int flush_all(tvc_stream *s)
{
    for (;;) {
        pthread_mutex_lock(&s->wmu);
        int r = tvc__stream_flush_some(s);
        int done = r < 0 || tvc_outbuf_len(&s->out) == 0;
        pthread_mutex_unlock(&s->wmu);
        if (done)
            return r;
        r = tvc__wait_fd(s->fd, POLLOUT, -1);
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
    return flush_all(s);
}

/* Flushes (suspends), then shuts the write side: the peer reads EOF. */
int tvc_stream_write_eof(tvc_stream *s)
{
    if (s->fd < 0 || s->closing)
        return -EPIPE;
    int r = flush_all(s);
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
 * that to wait_closed (or free, which sends only what fits). */
int tvc_stream_close(tvc_stream *s)
{
    if (s->closing || s->fd < 0)
        return 0;
    s->closing = 1;
    pthread_mutex_lock(&s->wmu);
    int sent = tvc__stream_flush_some(s) < 0 || tvc_outbuf_len(&s->out) == 0;
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
    int r = flush_all(s);
    if (r == -ECANCELED)
        return r;
    close_fd(s);
    return r;
}

int tvc_stream_is_closing(tvc_stream *s)
{
    return s->closing;
}
