/*
 * The output buffer (outbuf.h).  Queued bytes sit contiguously at
 * [start, end); they are moved to the front only when an append would
 * not otherwise fit, so a partial send costs no copy.  The count of
 * bytes abandoned unsent is kept here once for every runtime, so both
 * APIs' getters of it are defined here too.
 */
#include "tvc/outbuf.h"
#include "tvc/cb.h"
#include "tvc/tvc.h"

#include <errno.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

/* iovecs per sendmsg: well under IOV_MAX, enough for any HTTP response. */
#define GATHER 64
/* First allocation; it doubles from there. */
#define FIRST_CAP 4096

/* Bytes abandoned unsent, process-wide (threads share it). */
static _Atomic uint64_t dropped;

void tvc_outbuf_clear(tvc_outbuf *o)
{
    o->start = o->end = 0;
}

void tvc_outbuf_free(tvc_outbuf *o)
{
    free(o->buf);
    memset(o, 0, sizeof *o);
}

/* Appends n bytes: 0 or -ENOMEM. */
static int append_bytes(tvc_outbuf *o, const char *p, size_t n)
{
    if (n == 0)
        return 0;
    if (o->start > 0 && o->end + n > o->cap) {
        memmove(o->buf, o->buf + o->start, o->end - o->start);
        o->end -= o->start;
        o->start = 0;
    }
    if (o->end + n > o->cap) {
        size_t cap = o->cap ? o->cap : FIRST_CAP;
        while (cap < o->end + n)
            cap *= 2;
        char *b = realloc(o->buf, cap);
        if (!b)
            return -ENOMEM;
        o->buf = b;
        o->cap = cap;
    }
    memcpy(o->buf + o->end, p, n);
    o->end += n;
    return 0;
}

int tvc_outbuf_append(tvc_outbuf *o, const struct iovec *iov, int n)
{
    for (int i = 0; i < n; i++) {
        int e = append_bytes(o, iov[i].iov_base, iov[i].iov_len);
        if (e < 0)
            return e;
    }
    return 0;
}

/* One sendmsg of the queue and iov[*i] from byte *off on; then moves the
 * queue's start and (*i, *off) past what the kernel took.  Returns 1 when
 * the kernel took some, 0 when nothing was left to offer, -EAGAIN, or the
 * send error. */
static int send_once(tvc_outbuf *o, int fd, const struct iovec *iov, int n,
                     int *i, size_t *off)
{
    struct iovec v[GATHER];
    size_t k = 0;
    if (o->end > o->start)
        v[k++] = (struct iovec){o->buf + o->start, o->end - o->start};
    for (int m = *i; m < n && k < GATHER; m++) {
        size_t skip = m == *i ? *off : 0;
        if (iov[m].iov_len > skip)
            v[k++] = (struct iovec){(char *)iov[m].iov_base + skip,
                                    iov[m].iov_len - skip};
    }
    if (k == 0)
        return 0;
    struct msghdr msg = {.msg_iov = v, .msg_iovlen = k};
    ssize_t sent;
    do
        sent = sendmsg(fd, &msg, MSG_NOSIGNAL | MSG_DONTWAIT);
    while (sent < 0 && errno == EINTR);
    if (sent < 0)
        return errno == EWOULDBLOCK ? -EAGAIN : -errno;
    if (sent == 0)
        return -EAGAIN; /* a stream socket says EAGAIN; never spin */
    size_t left = (size_t)sent;
    size_t from_queue = left < o->end - o->start ? left : o->end - o->start;
    o->start += from_queue;
    left -= from_queue;
    if (o->start == o->end)
        o->start = o->end = 0;
    while (left > 0) {
        size_t rest = iov[*i].iov_len - *off;
        if (left < rest) {
            *off += left;
            break;
        }
        left -= rest;
        ++*i;
        *off = 0;
    }
    return 1;
}

int tvc_outbuf_send(tvc_outbuf *o, int fd, const struct iovec *iov, int n)
{
    int i = 0;      /* first iov entry not wholly sent */
    size_t off = 0; /* bytes of iov[i] already sent */
    int r;
    /* A short send usually means the socket is full, but only EAGAIN says
     * so (edge-triggered readiness relies on it): ask until it does or
     * nothing is left. */
    do
        r = send_once(o, fd, iov, n, &i, &off);
    while (r == 1);
    if (r < 0 && r != -EAGAIN) {
        tvc_outbuf_clear(o);
        return r;
    }
    /* Wholly sent, or what is left goes behind the queue. */
    if (i < n) {
        struct iovec first = {(char *)iov[i].iov_base + off,
                              iov[i].iov_len - off};
        int e = tvc_outbuf_append(o, &first, 1);
        if (e == 0)
            e = tvc_outbuf_append(o, iov + i + 1, n - i - 1);
        if (e < 0)
            return e;
    }
    return tvc_outbuf_len(o) ? -EAGAIN : 0;
}

size_t tvc_outbuf_abandon(tvc_outbuf *o, int fd)
{
    if (fd >= 0 && tvc_outbuf_len(o))
        tvc_outbuf_send(o, fd, NULL, 0); /* on error the queue is gone */
    size_t n = tvc_outbuf_len(o);
    if (n)
        atomic_fetch_add_explicit(&dropped, n, memory_order_relaxed);
    tvc_outbuf_clear(o);
    return n;
}

uint64_t tvc_outbuf_dropped(void)
{
    return atomic_load_explicit(&dropped, memory_order_relaxed);
}

uint64_t tvc_stream_dropped_bytes(void)
{
    return tvc_outbuf_dropped();
}

uint64_t tvc_cb_stream_dropped_bytes(void)
{
    return tvc_outbuf_dropped();
}
