/*
 * Streams on non-blocking sockets: asyncio's StreamReader and
 * StreamWriter over the common stream buffer.
 *
 * Each socket is registered once, edge-triggered for reading and writing,
 * and never modified again: the cheapest use of epoll (one epoll_ctl per
 * connection).  Edge-triggering is safe because a task only waits after a
 * send said EAGAIN, or a recv said EAGAIN or came back short: bytes that
 * arrive after a short recv raise a new edge, so the next edge is the one
 * it needs.  A short recv is trusted only while no edge has reported a
 * hang-up or error (readop.h): then it recvs until EAGAIN or EOF.  An
 * echo then costs one recv and one send, no recv that says EAGAIN.
 * Readers wait in `readers`, drain/connect/wait_closed in `writers`; the
 * watcher wakes them and they look again.  Output a write could not send
 * at once is buffered and flushed from the watcher, as a transport does;
 * drain only waits for it to fall below the high-water mark.  A server's
 * stream with an idle time (server_opts.h) waits in `readers` that long
 * at most; then its reads fail with -ETIMEDOUT.
 *
 * A read call that must receive from a socket that may hold more (its
 * last recv filled the buffer), on a stream whose last receive got data
 * and whose task has not waited since, first lets the loop poll once
 * when another task waits to read: the connections that became readable
 * meanwhile go first, as in a callback loop, which reads each ready
 * socket once per turn.  Without it a peer that answers at once (the
 * load generator on the same CPU, woken by the echo and preempting us)
 * kept one connection in a tight loop of recv and send while every other
 * one waited for the next poll.  With no other reader that poll would
 * only cost a syscall per message, so a lone busy stream yields every
 * TURN_MAX messages, for timers and new connections.
 *
 * A readable edge for a stream whose task waits to read is received in
 * the watcher, before the task runs: a poll's ready sockets are all read
 * first and their tasks' sends follow together, the order a callback loop
 * has (it runs continuations after the poll's callbacks).  Alternating
 * recv and send per socket cost the kernel about 100 ns more per echoed
 * message here (its receive and send paths evict each other's code); the
 * syscalls are the same.
 */
#include <errno.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include "internal.h"
#include "stream_internal.h"
#include "tvc/accept.h"
#include "tvc/outbuf.h"
#include "tvc/readop.h"

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
    tvc_outbuf_clear(&s->out);
    wake_all(&s->readers);
    wake_all(&s->writers);
}

/* Sends buffered output; then the close or write_eof that waited for
 * it. */
static void flush(tvc_stream *s)
{
    if (!s->err) {
        int r = tvc_outbuf_send(&s->out, s->io.fd, NULL, 0);
        if (r == -EAGAIN)
            return; /* the next writable edge comes back here */
        if (r < 0)
            s->err = r;
    }
    tvc_outbuf_clear(&s->out);
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

/* One recv for the read calls: what it tells about the socket goes in
 * readable, and an error waits in rx_err for a reader.  Returns what
 * tvc_read_op_recv does. */
static int receive(tvc_stream *s)
{
    int r = tvc_read_op_recv(&s->rb, s->io.fd, READ_CHUNK);
    if (r == -EAGAIN || (r == 0 && !s->hup))
        s->readable = 0; /* empty: the next edge tells */
    else if (r < 0 && r != -ENOMEM)
        s->rx_err = r;
    return r;
}

static void on_io(tvc_rx_io *io, uint32_t revents)
{
    tvc_stream *s = (tvc_stream *)io;
    if (revents & (TVC_RX_WRITE | TVC_RX_ERROR)) {
        s->connecting = 0;
        if (tvc_outbuf_len(&s->out))
            flush(s);
        if (s->closed)
            return; /* close_now woke everyone */
        wake_all(&s->writers);
    }
    if (revents & (TVC_RX_READ | TVC_RX_ERROR)) {
        s->readable = 1;
        if (revents & TVC_RX_ERROR)
            s->hup = 1;
        if (tvc__waitq_any(&s->readers) && !s->rx_err && !s->closed)
            receive(s); /* ahead of the task (header) */
        wake_all(&s->readers);
    }
}

int tvc__stream_wrap(tvc_stream **out, int fd, size_t limit)
{
    tvc_stream *s = calloc(1, sizeof *s);
    if (!s)
        return -ENOMEM;
    tvc_streambuf_init(&s->rb, limit);
    s->readable = 1; /* bytes may have come before the watch */
    int r =
        tvc_reactor_io_start(tvc__S->rx, &s->io, fd,
                             TVC_RX_READ | TVC_RX_WRITE | TVC_RX_EDGE, on_io);
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
    /* What the kernel does not take now is dropped and counted. */
    if (!s->closed)
        tvc_outbuf_abandon(&s->out, s->err ? -1 : s->io.fd);
    close_now(s);
    tvc_streambuf_free(&s->rb);
    tvc_outbuf_free(&s->out);
    free(s);
}

/* ---- reading ------------------------------------------------------------ */

/* The read loop every read call shares: parse, and while the parser
 * wants more, receive or wait for the next readable edge.  Inlined into
 * each read call: a task resumed from its wait returns through every
 * frame between the switch and its own code, and each of those returns
 * mispredicts (the return stack buffer holds the scheduler's calls), so
 * one frame fewer is one mispredict fewer per message. */
static inline __attribute__((always_inline)) int
read_op(tvc_stream *s, const tvc_read_op *op, tvc_slice *out)
{
    int got = 0; /* this call received data */
    for (;;) {
        int r = tvc_read_op_parse(&s->rb, op, out);
        if (r != -EAGAIN)
            return r;
        if (s->closed)
            return TVC_EINVALSTATE;
        if (s->rx_err) /* sticky, after the bytes before it (tvc.h) */
            return s->rx_err;
        if (!s->readable) {
            /* Every wake-up is a read edge: bytes came (or EOF, an
             * error), so the idle clock starts again. */
            int64_t deadline =
                s->idle_ns > 0 ? tvc_now() + s->idle_ns : TVC_FOREVER;
            waiting_readers++;
            r = tvc__waitq_wait(&s->readers, deadline);
            waiting_readers--;
            s->served = 0;
            if (r == -ETIMEDOUT)
                s->rx_err = r;
            if (r < 0)
                return r;
            continue;
        }
        if (s->served && !got &&
            (waiting_readers > 0 || s->served >= TURN_MAX)) {
            /* Our turn on this socket is over (header): wait for the
             * next poll, or for this socket's edge if it comes first. */
            r = tvc__waitq_wait(&s->readers, NEXT_TURN);
            s->served = 0;
            if (r < 0 && r != -ETIMEDOUT)
                return r;
            if (s->closed)
                continue;
        }
        r = receive(s);
        if (r >= 0 && !s->rb.eof && !got) { /* data, not the EOF */
            s->served++;
            got = 1;
        }
        if (r == -ENOMEM)
            return r;
    }
}

int tvc_stream_read(tvc_stream *s, size_t n, tvc_slice *out)
{
    tvc_read_op op = {.kind = TVC_READ_SOME, .n = n};
    return read_op(s, &op, out);
}

int tvc_stream_readexactly(tvc_stream *s, size_t n, tvc_slice *out)
{
    tvc_read_op op = {.kind = TVC_READ_EXACTLY, .n = n};
    return read_op(s, &op, out);
}

int tvc_stream_readline(tvc_stream *s, tvc_slice *out)
{
    tvc_read_op op = {.kind = TVC_READ_LINE};
    return read_op(s, &op, out);
}

int tvc_stream_readuntil(tvc_stream *s, const void *sep, size_t seplen,
                         tvc_slice *out)
{
    if (seplen == 0)
        return -EINVAL;
    tvc_read_op op = {.kind = TVC_READ_UNTIL, .sep = sep, .seplen = seplen};
    return read_op(s, &op, out);
}

int tvc_stream_at_eof(tvc_stream *s)
{
    return tvc_streambuf_at_eof(&s->rb);
}

/* ---- writing ------------------------------------------------------------ */

/* Sends what the socket takes now, buffers the rest.  Behind output
 * already queued it only queues: the writable edge flushes in order. */
static int write_iov(tvc_stream *s, const struct iovec *iov, int cnt)
{
    if (s->err)
        return s->err;
    if (s->closing || s->closed || s->eof_wanted)
        return -EPIPE;
    if (tvc_outbuf_len(&s->out))
        return tvc_outbuf_append(&s->out, iov, cnt);
    int r = tvc_outbuf_send(&s->out, s->io.fd, iov, cnt);
    if (r == -EAGAIN)
        return 0; /* the rest is queued for the writable edge */
    if (r < 0 && r != -ENOMEM)
        s->err = r;
    return r;
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
    while (!s->err && !s->closed &&
           tvc_outbuf_len(&s->out) > WRITE_HIGH_WATER) {
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
    if (!tvc_outbuf_len(&s->out) && !s->eof_sent) {
        if (shutdown(s->io.fd, SHUT_WR) < 0)
            return -errno;
        s->eof_sent = 1;
    }
    return 0;
}

int tvc_stream_close(tvc_stream *s)
{
    s->closing = 1;
    if (!tvc_outbuf_len(&s->out) || s->err)
        close_now(s);
    return 0;
}

/* Waits until the stream is closed, or the absolute deadline
 * (-ETIMEDOUT) or a cancel (-ECANCELED). */
static int wait_closed_until(tvc_stream *s, int64_t deadline)
{
    while (!s->closed) {
        int r = tvc__waitq_wait(&s->writers, deadline);
        if (r < 0)
            return r;
        if (s->err)
            close_now(s);
    }
    return 0;
}

int tvc_stream_wait_closed(tvc_stream *s)
{
    return wait_closed_until(s, TVC_FOREVER);
}

void tvc__stream_linger(tvc_stream *s, int64_t deadline)
{
    tvc_stream_close(s);
    if (wait_closed_until(s, deadline) == -ETIMEDOUT && !s->closed) {
        tvc_outbuf_abandon(&s->out, -1);
        tvc_server_reset_on_close(s->io.fd);
        close_now(s);
    }
}

int tvc_stream_is_closing(tvc_stream *s)
{
    return s->closing || s->closed;
}
