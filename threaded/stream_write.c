/*
 * A stream's write side and closing.  write() sends at once what the
 * kernel takes when nothing is queued ahead of it and buffers the rest;
 * drain() waits until everything is in the kernel.  A threaded runtime has
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
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* First allocation of the output buffer; it doubles from there. */
enum { WBUF_FIRST_CAP = 4096 };

static int send_failed(tvc_stream *s, int err)
{
    s->werr = err;
    s->wstart = s->wend = 0; /* nobody will ever take it */
    return err;
}

/* Sends from p; returns bytes sent (possibly 0 when the kernel is full) or
 * a negative send error. */
static ssize_t send_now(tvc_stream *s, const char *p, size_t n)
{
    for (;;) {
        ssize_t k = send(s->fd, p, n, MSG_NOSIGNAL | MSG_DONTWAIT);
        if (k >= 0)
            return k;
        if (errno == EINTR)
            continue;
        if (errno == EAGAIN || errno == EWOULDBLOCK)
            return 0;
        return -errno;
    }
}

int tvc__stream_flush_some(tvc_stream *s)
{
    if (s->werr)
        return s->werr;
    while (s->wstart < s->wend) {
        ssize_t k = send_now(s, s->wbuf + s->wstart, s->wend - s->wstart);
        if (k < 0)
            return send_failed(s, (int)k);
        if (k == 0)
            return 0;
        s->wstart += (size_t)k;
    }
    s->wstart = s->wend = 0;
    return 0;
}

/* Sends everything buffered, waiting for room: 0, the send error, or
 * -ECANCELED. */
static int flush_all(tvc_stream *s)
{
    for (;;) {
        pthread_mutex_lock(&s->wmu);
        int r = tvc__stream_flush_some(s);
        int done = r < 0 || s->wstart == s->wend;
        pthread_mutex_unlock(&s->wmu);
        if (done)
            return r;
        r = tvc__wait_fd(s->fd, POLLOUT, -1);
        if (r < 0)
            return r;
    }
}

/* Appends to the output buffer: 0 or -ENOMEM. */
static int buffer(tvc_stream *s, const char *p, size_t n)
{
    if (s->wstart > 0 && s->wend + n > s->wcap) {
        memmove(s->wbuf, s->wbuf + s->wstart, s->wend - s->wstart);
        s->wend -= s->wstart;
        s->wstart = 0;
    }
    if (s->wend + n > s->wcap) {
        size_t cap = s->wcap ? s->wcap : WBUF_FIRST_CAP;
        while (cap < s->wend + n)
            cap *= 2;
        char *b = realloc(s->wbuf, cap);
        if (!b)
            return -ENOMEM;
        s->wbuf = b;
        s->wcap = cap;
    }
    memcpy(s->wbuf + s->wend, p, n);
    s->wend += n;
    return 0;
}

/* Never blocks.  0, the sticky send error, -EPIPE after close or
 * write_eof, or -ENOMEM. */
int tvc_stream_write(tvc_stream *s, const void *data, size_t n)
{
    if (s->closing || s->eof_sent || s->fd < 0)
        return s->werr ? s->werr : -EPIPE;
    const char *p = data;
    int r = 0;
    pthread_mutex_lock(&s->wmu);
    if (s->werr) {
        r = s->werr;
    } else if (s->wstart == s->wend) {
        ssize_t k = send_now(s, p, n);
        if (k < 0) {
            r = send_failed(s, (int)k);
        } else {
            p += k;
            n -= (size_t)k;
        }
    }
    if (r == 0 && n > 0)
        r = buffer(s, p, n);
    pthread_mutex_unlock(&s->wmu);
    return r;
}

int tvc_stream_writelines(tvc_stream *s, const struct iovec *iov, int n)
{
    for (int i = 0; i < n; i++) {
        int r = tvc_stream_write(s, iov[i].iov_base, iov[i].iov_len);
        if (r < 0)
            return r;
    }
    return 0;
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
    int sent = tvc__stream_flush_some(s) < 0 || s->wstart == s->wend;
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
