/*
 * Streams on non-blocking sockets: asyncio's StreamReader and
 * StreamWriter over the common stream buffer.
 *
 * Each socket is registered once, edge-triggered for reading and writing,
 * and never modified again: the cheapest use of epoll (one epoll_ctl per
 * connection).  Edge-triggering is safe because a task only waits after a
 * recv or send said EAGAIN, so the next edge is the one it needs.
 * Readers wait in `readers`, drain/connect/wait_closed in `writers`; the
 * watcher wakes them and they look again.  Output a write could not send
 * at once is buffered and flushed from the watcher, as a transport does;
 * drain only waits for it to fall below the high-water mark.
 *
 * A read call that must receive, on a stream whose last receive got data
 * and whose task has not waited since, first lets the loop poll once
 * when another task waits to read: the connections that became readable
 * meanwhile go first, as in a callback loop, which reads each ready
 * socket once per turn.  Without it a peer that answers at once (the
 * load generator on the same CPU, woken by the echo and preempting us)
 * kept one connection in a tight loop of recv and send while every other
 * one waited for the next poll.  With no other reader that poll would
 * only cost a syscall per message, so a lone busy stream yields every
 * TURN_MAX messages, for timers and new connections.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "internal.h"
#include "stream.h"

/* drain returns once this many bytes or fewer wait to be sent (asyncio's
 * default high-water mark). */
#define WRITE_HIGH_WATER (64 * 1024)
/* Room asked of the read buffer before each recv. */
#define READ_CHUNK 4096
/* A deadline already past: the wait ends at the loop's next turn, after
 * its poll has queued the tasks whose sockets became ready. */
#define NEXT_TURN 1
/* Messages a stream may take in a row without a poll when no other task
 * waits to read (as many as the scheduler resumes between two polls). */
#define TURN_MAX 64

/* Tasks of this thread's loop waiting for a readable edge. */
static __thread unsigned waiting_readers;

struct tvc_stream {
    tvc_rx_io io;        /* first: the watcher, registered once */
    tvc_streambuf rb;    /* bytes received and not yet consumed */
    char *wbuf;          /* output not yet sent: [woff, wlen) */
    size_t woff, wlen, wcap;
    tvc__waitq readers;  /* tasks in a read call */
    tvc__waitq writers;  /* tasks in drain, connect or wait_closed */
    int err;             /* sticky socket error, negative */
    uint8_t closing;     /* close requested: send what is left, close */
    uint8_t closed;      /* the fd is closed */
    uint8_t eof_wanted;  /* write_eof once the output is sent */
    uint8_t eof_sent;    /* shutdown(SHUT_WR) done */
    uint8_t connecting;  /* connect in progress */
    uint8_t served;      /* recvs that got data since the last wait */
};

static void wake_all(tvc__waitq *q)
{
    while (tvc__waitq_wake_one(q, 0))
        ;
}

static void close_now(tvc_stream *s)
{
    if (s->closed)
        return;
    tvc_reactor_io_stop(tvc__S->rx, &s->io);
    close(s->io.fd);
    s->closed = 1;
    s->wlen = s->woff = 0;
    wake_all(&s->readers);
    wake_all(&s->writers);
}

/* Sends buffered output; then the close or write_eof that waited for
 * it. */
static void flush(tvc_stream *s)
{
    while (s->woff < s->wlen && !s->err) {
        ssize_t n = send(s->io.fd, s->wbuf + s->woff, s->wlen - s->woff,
                         MSG_NOSIGNAL);
        if (n >= 0)
            s->woff += (size_t)n;
        else if (errno == EAGAIN)
            return; /* the next writable edge comes back here */
        else if (errno != EINTR)
            s->err = -errno;
    }
    s->woff = s->wlen = 0;
    if (s->closing || s->err) {
        if (s->closing)
            close_now(s);
        return;
    }
    if (s->eof_wanted && !s->eof_sent) {
        shutdown(s->io.fd, SHUT_WR);
        s->eof_sent = 1;
    }
}

static void on_io(tvc_rx_io *io, uint32_t revents)
{
    tvc_stream *s = (tvc_stream *)io;
    if (revents & (TVC_RX_WRITE | TVC_RX_ERROR)) {
        s->connecting = 0;
        if (s->wlen)
            flush(s);
        if (s->closed)
            return; /* close_now woke everyone */
        wake_all(&s->writers);
    }
    if (revents & (TVC_RX_READ | TVC_RX_ERROR))
        wake_all(&s->readers);
}

int tvc__stream_wrap(tvc_stream **out, int fd, size_t limit)
{
    tvc_stream *s = calloc(1, sizeof *s);
    if (!s)
        return -ENOMEM;
    tvc_streambuf_init(&s->rb, limit);
    int r = tvc_reactor_io_start(tvc__S->rx, &s->io, fd,
                                 TVC_RX_READ | TVC_RX_WRITE | TVC_RX_EDGE,
                                 on_io);
    if (r < 0) {
        free(s);
        return r;
    }
    *out = s;
    return 0;
}

void tvc_stream_free(tvc_stream *s)
{
    if (!s)
        return;
    close_now(s);
    tvc_streambuf_free(&s->rb);
    free(s->wbuf);
    free(s);
}

/* ---- reading ------------------------------------------------------------ */

/* Receives once: bytes read (> 0), 0 at EOF (fed to the buffer),
 * -EAGAIN, or an error. */
static int fill(tvc_stream *s)
{
    if (s->closed)
        return -EBADF;
    size_t avail;
    char *p = tvc_streambuf_reserve(&s->rb, READ_CHUNK, &avail);
    if (!p)
        return -ENOMEM;
    for (;;) {
        ssize_t n = recv(s->io.fd, p, avail, 0);
        if (n > 0) {
            tvc_streambuf_commit(&s->rb, (size_t)n);
            return (int)(n > INT32_MAX ? INT32_MAX : n);
        }
        if (n == 0) {
            tvc_streambuf_feed_eof(&s->rb);
            return 0;
        }
        if (errno != EINTR)
            return -errno;
    }
}

enum read_kind { READ_SOME, READ_EXACTLY, READ_LINE, READ_UNTIL };

/* The read loop every read call shares: parse, and while the parser
 * wants more, receive or wait for the next readable edge. */
static int read_op(tvc_stream *s, enum read_kind kind, size_t n,
                   const void *sep, size_t seplen, tvc_slice *out)
{
    int got = 0; /* this call received data */
    for (;;) {
        int r;
        switch (kind) {
        case READ_SOME:
            r = tvc_streambuf_read(&s->rb, n, out);
            break;
        case READ_EXACTLY:
            r = tvc_streambuf_readexactly(&s->rb, n, out);
            break;
        case READ_LINE:
            r = tvc_streambuf_readline(&s->rb, out);
            break;
        default:
            r = tvc_streambuf_readuntil(&s->rb, sep, seplen, out);
            break;
        }
        if (r != -EAGAIN)
            return r;
        if (s->served && !got &&
            (waiting_readers > 0 || s->served >= TURN_MAX)) {
            /* Our turn on this socket is over (header): wait for the
             * next poll, or for this socket's edge if it comes first. */
            r = tvc__waitq_wait(&s->readers, NEXT_TURN);
            s->served = 0;
            if (r < 0 && r != -ETIMEDOUT)
                return r;
        }
        /* Even after a short recv, recv again before waiting: a FIN
         * queued behind the data came with the same edge, and only this
         * recv will see it. */
        r = fill(s);
        if (r > 0 && !got) {
            s->served++;
            got = 1;
        }
        if (r >= 0)
            continue;
        if (r == -EAGAIN) {
            waiting_readers++;
            r = tvc__waitq_wait(&s->readers, TVC_FOREVER);
            waiting_readers--;
            s->served = 0;
        }
        if (r < 0)
            return r;
    }
}

int tvc_stream_read(tvc_stream *s, size_t n, tvc_slice *out)
{
    return read_op(s, READ_SOME, n, NULL, 0, out);
}

int tvc_stream_readexactly(tvc_stream *s, size_t n, tvc_slice *out)
{
    return read_op(s, READ_EXACTLY, n, NULL, 0, out);
}

int tvc_stream_readline(tvc_stream *s, tvc_slice *out)
{
    return read_op(s, READ_LINE, 0, NULL, 0, out);
}

int tvc_stream_readuntil(tvc_stream *s, const void *sep, size_t seplen,
                         tvc_slice *out)
{
    if (seplen == 0)
        return -EINVAL;
    return read_op(s, READ_UNTIL, 0, sep, seplen, out);
}

int tvc_stream_at_eof(tvc_stream *s)
{
    return tvc_streambuf_at_eof(&s->rb);
}

/* ---- writing ------------------------------------------------------------ */

static int append(tvc_stream *s, const char *p, size_t n)
{
    if (s->wlen + n > s->wcap) {
        size_t cap = s->wcap ? s->wcap : 4096;
        while (cap < s->wlen + n)
            cap *= 2;
        char *b = realloc(s->wbuf, cap);
        if (!b)
            return -ENOMEM;
        s->wbuf = b;
        s->wcap = cap;
    }
    memcpy(s->wbuf + s->wlen, p, n);
    s->wlen += n;
    return 0;
}

/* Sends what the socket takes now, buffers the rest. */
static int write_iov(tvc_stream *s, const struct iovec *iov, int cnt)
{
    if (s->err)
        return s->err;
    if (s->closing || s->closed || s->eof_wanted)
        return -EPIPE;
    size_t skip = 0;
    if (s->wlen == 0) {
        struct msghdr m = {.msg_iov = (struct iovec *)iov,
                           .msg_iovlen = (size_t)cnt};
        ssize_t n;
        do
            n = sendmsg(s->io.fd, &m, MSG_NOSIGNAL);
        while (n < 0 && errno == EINTR);
        if (n < 0 && errno != EAGAIN)
            return s->err = -errno;
        skip = n > 0 ? (size_t)n : 0;
    }
    for (int i = 0; i < cnt; i++) {
        size_t len = iov[i].iov_len;
        if (skip >= len) {
            skip -= len;
            continue;
        }
        int r = append(s, (const char *)iov[i].iov_base + skip, len - skip);
        if (r < 0)
            return r;
        skip = 0;
    }
    return 0;
}

int tvc_stream_write(tvc_stream *s, const void *data, size_t n)
{
    struct iovec v = {(void *)data, n};
    return write_iov(s, &v, 1);
}

int tvc_stream_writelines(tvc_stream *s, const struct iovec *iov, int n)
{
    return write_iov(s, iov, n);
}

int tvc_stream_drain(tvc_stream *s)
{
    while (!s->err && !s->closed && s->wlen - s->woff > WRITE_HIGH_WATER) {
        int r = tvc__waitq_wait(&s->writers, TVC_FOREVER);
        if (r < 0)
            return r;
    }
    return s->err;
}

int tvc_stream_write_eof(tvc_stream *s)
{
    if (s->closed)
        return -EBADF;
    s->eof_wanted = 1;
    if (s->wlen == 0 && !s->eof_sent) {
        if (shutdown(s->io.fd, SHUT_WR) < 0)
            return -errno;
        s->eof_sent = 1;
    }
    return 0;
}

int tvc_stream_close(tvc_stream *s)
{
    s->closing = 1;
    if (s->wlen == 0 || s->err)
        close_now(s);
    return 0;
}

int tvc_stream_wait_closed(tvc_stream *s)
{
    while (!s->closed) {
        int r = tvc__waitq_wait(&s->writers, TVC_FOREVER);
        if (r < 0)
            return r;
        if (s->err)
            close_now(s);
    }
    return 0;
}

int tvc_stream_is_closing(tvc_stream *s)
{
    return s->closing || s->closed;
}

/* ---- connecting --------------------------------------------------------- */

int tvc__sockaddr(const char *host, int port, struct sockaddr_storage *ss,
                  socklen_t *len)
{
    if (!host || strcmp(host, "localhost") == 0)
        host = "127.0.0.1";
    memset(ss, 0, sizeof *ss);
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

int tvc_open_connection(tvc_stream **out, const char *host, int port,
                        size_t limit)
{
    struct sockaddr_storage ss;
    socklen_t len;
    int r = tvc__sockaddr(host, port, &ss, &len);
    if (r < 0)
        return r;
    if (!tvc_current())
        return -EPERM;
    int fd = socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
                    0);
    if (fd < 0)
        return -errno;
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    tvc_stream *s;
    r = tvc__stream_wrap(&s, fd, limit);
    if (r < 0) {
        close(fd);
        return r;
    }
    if (connect(fd, (struct sockaddr *)&ss, len) < 0) {
        r = -errno;
        if (r == -EINPROGRESS) {
            s->connecting = 1;
            r = 0;
            while (s->connecting && r == 0)
                r = tvc__waitq_wait(&s->writers, TVC_FOREVER);
            int soerr = 0;
            socklen_t sl = sizeof soerr;
            if (r == 0 && getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &sl))
                soerr = errno;
            if (r == 0)
                r = -soerr;
        }
    }
    if (r < 0) {
        tvc_stream_free(s);
        return r;
    }
    *out = s;
    return 0;
}
