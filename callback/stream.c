/*
 * Streams of the callback runtime: asyncio's reader and writer over one
 * non-blocking socket, parsed by the common stream buffer.
 *
 * Reading.  A read parses what is buffered and pulls from the socket only
 * when a reader waits.  The socket is edge-triggered, so a read edge is
 * remembered as `readable` until recv says EAGAIN or comes back short:
 * bytes that arrive after a short recv raise a new edge.  A short recv is
 * not trusted once an edge reported a hang-up or an error, because only a
 * further recv finds that EOF or error (readop.h).  A server's stream
 * with an idle time (server_opts.h) arms its timer while a read waits,
 * again at each read edge; when it fires, reads fail with -ETIMEDOUT.
 * The same timer bounds the server's linger once the handler returned.
 *
 * Writing.  A write goes out at once when the socket takes it: the queued
 * bytes and all of a writelines leave in one sendmsg (tvc_outbuf).  The
 * rest waits in the buffer and is flushed on write edges.
 *
 * Faults.  A reset or garbage from the peer ends in an error for this
 * stream's pending operation, never anywhere else.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "stream_internal.h"
#include "tvc/accept.h"

/* drain waits above this many unsent bytes (asyncio's default). */
#define WRITE_HIGH (64 * 1024)
/* A single recv asks for at least this much room. */
#define READ_CHUNK (16 * 1024)

static void on_io(tvc_rx_io *io, uint32_t revents);
static void on_idle(tvc_rx_timer *timer);

tvc_cb_stream *tvc__cb_stream_new(int fd, size_t limit, int *err)
{
    tvc_cb_stream *s = calloc(1, sizeof *s);
    if (!s) {
        close(fd);
        *err = -ENOMEM;
        return NULL;
    }
    tvc_streambuf_init(&s->rb, limit);
    s->readable = s->writable = 1;
    tvc__cb_list_init(&s->node);
    *err =
        tvc_reactor_io_start(tvc__cb_loop()->rx, &s->io, fd,
                             TVC_RX_READ | TVC_RX_WRITE | TVC_RX_EDGE, on_io);
    if (*err < 0) {
        close(fd);
        free(s);
        return NULL;
    }
    return s;
}

/* ---- reading ----------------------------------------------------------- */

/* Pulls from the socket until the pending read can be answered or the
 * socket runs dry. */
static void pump_read(tvc_cb_stream *s)
{
    for (;;) {
        tvc_slice out = {NULL, 0};
        int r = tvc_read_op_parse(&s->rb, &s->rd, &out);
        /* More bytes are needed: none will come once we closed the fd,
         * nor after a socket error (sticky). */
        if (r == -EAGAIN && s->closed)
            r = TVC_EINVALSTATE;
        else if (r == -EAGAIN && s->err)
            r = s->err;
        else if (r == -EAGAIN && s->idle_out)
            r = -ETIMEDOUT;
        if (r != -EAGAIN) {
            tvc_cb_task *t = s->reader;
            s->reader = NULL;
            if (s->idle_ns > 0)
                tvc_reactor_timer_stop(tvc__cb_loop()->rx, &s->timer);
            tvc__cb_complete_data(t, r, out);
            return;
        }
        if (!s->readable)
            return;
        r = tvc_read_op_recv(&s->rb, s->io.fd, READ_CHUNK);
        if (r == -EAGAIN || (r == 0 && !s->hup))
            s->readable = 0;
        else if (r < 0)
            s->err = r;
    }
}

/* After pump_read: a read that still waits starts its idle clock, or
 * starts it again as bytes came (a read edge brought us here).  Without
 * room in the timer heap the read could wait for ever, so it gets
 * -ENOMEM now, as any wait with a deadline does (cb.h). */
static void idle_clock(tvc_cb_stream *s)
{
    if (s->idle_ns > 0 && s->reader && !s->connecting && !s->closed &&
        tvc_reactor_timer_start(tvc__cb_loop()->rx, &s->timer,
                                tvc_now() + s->idle_ns, on_idle) < 0) {
        tvc_cb_task *t = s->reader;
        s->reader = NULL;
        tvc__cb_complete_data(t, -ENOMEM, (tvc_slice){NULL, 0});
    }
}

static void start_read(tvc_cb_task *t, tvc_cb_stream *s, tvc_read_op op,
                       tvc_cb_data_fn *k)
{
    if (TVC__CB_BEGIN(t, TVC__OP_STREAM, TVC__K_DATA, k))
        return;
    /* One reader at a time (asyncio raises RuntimeError): taking the slot
     * would lose the first reader's continuation. */
    if (s->reader) {
        tvc__cb_complete(t, TVC_EINVALSTATE);
        return;
    }
    t->u.stream = s;
    s->reader = t;
    s->rd = op;
    pump_read(s);
    idle_clock(s);
}

void tvc_cb_read(tvc_cb_task *t, tvc_cb_stream *s, size_t n, tvc_cb_data_fn *k)
{
    start_read(t, s, (tvc_read_op){.kind = TVC_READ_SOME, .n = n}, k);
}

void tvc_cb_readexactly(tvc_cb_task *t, tvc_cb_stream *s, size_t n,
                        tvc_cb_data_fn *k)
{
    start_read(t, s, (tvc_read_op){.kind = TVC_READ_EXACTLY, .n = n}, k);
}

void tvc_cb_readline(tvc_cb_task *t, tvc_cb_stream *s, tvc_cb_data_fn *k)
{
    start_read(t, s, (tvc_read_op){.kind = TVC_READ_LINE}, k);
}

void tvc_cb_readuntil(tvc_cb_task *t, tvc_cb_stream *s, const void *sep,
                      size_t seplen, tvc_cb_data_fn *k)
{
    tvc_read_op op = {.kind = TVC_READ_UNTIL, .sep = sep, .seplen = seplen};
    start_read(t, s, op, k);
}

int tvc_cb_stream_at_eof(const tvc_cb_stream *s)
{
    return tvc_streambuf_at_eof(&s->rb);
}

/* ---- closing ----------------------------------------------------------- */

/* Closes the fd now and answers whoever waits on this stream. */
static void close_now(tvc_cb_stream *s)
{
    if (s->closed)
        return;
    tvc_reactor_io_stop(tvc__cb_loop()->rx, &s->io);
    tvc_reactor_timer_stop(tvc__cb_loop()->rx, &s->timer);
    close(s->io.fd);
    s->closed = 1;
    s->closing = 1;
    tvc_outbuf_clear(&s->out);
    if (s->drainer) {
        tvc__cb_complete(s->drainer, s->err ? s->err : 0);
        s->drainer = NULL;
    }
    if (s->closer) {
        tvc__cb_complete(s->closer, 0);
        s->closer = NULL;
    }
    if (s->reader) {
        if (s->connecting) {
            tvc__cb_complete(s->reader, s->err ? s->err : -ECONNABORTED);
            s->reader = NULL;
            s->connecting = 0;
        } else {
            pump_read(s);
        }
    }
}

int tvc_cb_stream_close(tvc_cb_stream *s)
{
    s->closing = 1;
    if (tvc_outbuf_len(&s->out) == 0 || s->err)
        close_now(s);
    return 0;
}

int tvc_cb_stream_is_closing(const tvc_cb_stream *s)
{
    return s->closing;
}

void tvc_cb_wait_closed(tvc_cb_task *t, tvc_cb_stream *s, tvc_cb_fn *k)
{
    if (TVC__CB_BEGIN(t, TVC__OP_STREAM, TVC__K_STATUS, k))
        return;
    if (s->closed) {
        tvc__cb_complete(t, 0);
        return;
    }
    t->u.stream = s;
    s->closer = t;
}

void tvc_cb_stream_free(tvc_cb_stream *s)
{
    /* What the kernel does not take now is dropped and counted. */
    if (!s->closed)
        tvc_outbuf_abandon(&s->out, s->err ? -1 : s->io.fd);
    close_now(s);
    tvc_streambuf_free(&s->rb);
    tvc_outbuf_free(&s->out);
    free(s);
}

/* ---- writing ----------------------------------------------------------- */

/* A send failed for good: the stream is broken, its waiters told. */
static void broken(tvc_cb_stream *s, int err)
{
    s->err = err; /* tvc_outbuf_send dropped the queue */
    if (s->drainer) {
        tvc__cb_complete(s->drainer, err);
        s->drainer = NULL;
    }
    if (s->reader && !s->connecting)
        pump_read(s);
    if (s->closing)
        close_now(s);
}

/* After the buffer shrank: shutdown or close when asked, drain done. */
static void after_flush(tvc_cb_stream *s)
{
    size_t left = tvc_outbuf_len(&s->out);
    if (s->drainer && left <= WRITE_HIGH) {
        tvc__cb_complete(s->drainer, 0);
        s->drainer = NULL;
    }
    if (left)
        return;
    if (s->eof_wanted && !s->eof_sent && !s->closed) {
        shutdown(s->io.fd, SHUT_WR);
        s->eof_sent = 1;
    }
    if (s->closing)
        close_now(s);
}

/* Sends what the kernel takes of the queued bytes, then of iov[0..n),
 * in one gathered sendmsg, and queues the rest: 0, -ENOMEM, or the send
 * error (the stream is then broken). */
static int send_or_queue(tvc_cb_stream *s, const struct iovec *iov, int n)
{
    int r = tvc_outbuf_send(&s->out, s->io.fd, iov, n);
    if (r == -EAGAIN) {
        s->writable = 0;
        r = 0;
    } else if (r < 0 && r != -ENOMEM) {
        broken(s, r);
    }
    return r;
}

static void flush(tvc_cb_stream *s)
{
    if (s->writable && send_or_queue(s, NULL, 0) < 0)
        return;
    after_flush(s);
}

int tvc_cb_stream_writelines(tvc_cb_stream *s, const struct iovec *iov, int n)
{
    if (s->err)
        return s->err;
    if (s->closing || s->eof_wanted)
        return -EPIPE;
    /* Not writable: nothing would go before the next write edge. */
    if (!s->writable)
        return tvc_outbuf_append(&s->out, iov, n);
    return send_or_queue(s, iov, n);
}

int tvc_cb_stream_write(tvc_cb_stream *s, const void *data, size_t n)
{
    struct iovec v = {(void *)data, n};
    return tvc_cb_stream_writelines(s, &v, 1);
}

void tvc_cb_drain(tvc_cb_task *t, tvc_cb_stream *s, tvc_cb_fn *k)
{
    if (TVC__CB_BEGIN(t, TVC__OP_STREAM, TVC__K_STATUS, k))
        return;
    if (s->err || tvc_outbuf_len(&s->out) <= WRITE_HIGH) {
        tvc__cb_complete(t, s->err);
        return;
    }
    t->u.stream = s;
    s->drainer = t;
}

int tvc_cb_stream_write_eof(tvc_cb_stream *s)
{
    if (s->err)
        return s->err;
    s->eof_wanted = 1;
    if (tvc_outbuf_len(&s->out) == 0)
        after_flush(s);
    return 0;
}

/* ---- timers: idle reads, a server's linger ----------------------------- */

/* A read waited idle_ns with no byte (server_opts.h): it and every later
 * read end in -ETIMEDOUT. */
static void on_idle(tvc_rx_timer *timer)
{
    tvc_cb_stream *s = TVC__CONTAINER(timer, tvc_cb_stream, timer);
    s->idle_out = 1;
    if (s->reader && !s->connecting)
        pump_read(s);
}

/* The linger ran out: reset, dropping what is left. */
static void on_linger(tvc_rx_timer *timer)
{
    tvc_cb_stream *s = TVC__CONTAINER(timer, tvc_cb_stream, timer);
    tvc_outbuf_abandon(&s->out, -1);
    tvc_server_reset_on_close(s->io.fd);
    close_now(s);
}

void tvc__cb_stream_linger(tvc_cb_stream *s, int64_t deadline)
{
    tvc_cb_stream_close(s);
    /* Without room in the timer heap nothing would end the linger, and a
     * peer that never reads would hold the stream until the server
     * closes: reset now, as when the linger runs out. */
    if (!s->closed && tvc_reactor_timer_start(tvc__cb_loop()->rx, &s->timer,
                                              deadline, on_linger) < 0)
        on_linger(&s->timer);
}

/* ---- readiness and cancellation ---------------------------------------- */

static void on_io(tvc_rx_io *io, uint32_t revents)
{
    tvc_cb_stream *s = TVC__CONTAINER(io, tvc_cb_stream, io);
    if (s->reader && s->connecting) {
        if (revents & (TVC_RX_WRITE | TVC_RX_ERROR))
            tvc__cb_connect_ready(s);
        return;
    }
    if (revents & (TVC_RX_WRITE | TVC_RX_ERROR)) {
        s->writable = 1;
        if (tvc_outbuf_len(&s->out))
            flush(s);
    }
    if (s->closed)
        return;
    if (revents & (TVC_RX_READ | TVC_RX_ERROR)) {
        s->readable = 1;
        if (revents & TVC_RX_ERROR)
            s->hup = 1;
        if (s->reader) {
            pump_read(s);
            idle_clock(s);
        }
    }
}

void tvc__cb_cancel_stream(tvc_cb_task *t)
{
    tvc_cb_stream *s = t->u.stream;
    if (s->reader == t && s->connecting) {
        /* The half-made connection goes with the cancelled connect. */
        s->reader = NULL;
        tvc_cb_stream_free(s);
    } else if (s->reader == t) {
        s->reader = NULL;
        tvc_reactor_timer_stop(tvc__cb_loop()->rx, &s->timer);
    } else if (s->drainer == t) {
        s->drainer = NULL;
    } else if (s->closer == t) {
        s->closer = NULL;
    }
    tvc__cb_complete(t, -ECANCELED);
}
