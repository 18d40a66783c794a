/*
 * The stream struct, shared by stream.c (reads, writes, closing),
 * connect.c (open_connection) and server.c (accepted connections).
 */
#ifndef TVC_CORO_STREAM_INTERNAL_H
#define TVC_CORO_STREAM_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "internal.h"
#include "tvc/outbuf.h"
#include "tvc/streambuf.h"
#include "tvc/tvc.h"

struct tvc_stream {
    tvc_rx_io io;       /* first: the watcher, registered once */
    tvc_streambuf rb;   /* bytes received and not yet consumed */
    tvc_outbuf out;     /* output the socket did not take yet */
    int64_t idle_ns;    /* a read waiting this long for bytes fails with
                         * -ETIMEDOUT (server_opts.h); 0: never */
    tvc__waitq readers; /* tasks in a read call */
    tvc__waitq writers; /* tasks in drain, connect or wait_closed */
    int err;            /* sticky socket error, negative */
    int rx_err;         /* sticky receive error, for every read call
                         * that needs more than the bytes before it
                         * (the watcher's recv meets them too) */
    uint8_t closing;    /* close requested: send what is left, close */
    uint8_t closed;     /* the fd is closed */
    uint8_t eof_wanted; /* write_eof once the output is sent */
    uint8_t eof_sent;   /* shutdown(SHUT_WR) done */
    uint8_t connecting; /* connect in progress */
    uint8_t served;     /* recvs that got data since the last wait */
    uint8_t readable;   /* no EAGAIN or trusted short recv since the
                         * last read edge */
    uint8_t hup;        /* an edge reported a hang-up or error: recv
                         * until EAGAIN or EOF */
};

/* A stream over the connected non-blocking socket fd, which it owns from
 * then on (on failure the caller still does).  0, -ENOMEM or -errno. */
int tvc__stream_wrap(tvc_stream **out, int fd, size_t limit);

/* A server's linger after its handler returned (server_opts.h): closes
 * the stream, sending what is left until the absolute deadline, then
 * resets the connection if output is still left (dropped and counted).
 * A cancel (the server closing) ends the wait and leaves the rest to
 * tvc_stream_free. */
void tvc__stream_linger(tvc_stream *s, int64_t deadline);

#endif
