/*
 * The stream struct, shared by stream.c (reads, writes, closing),
 * connect.c (open_connection) and server.c (accepted connections).
 */
#ifndef TVC_CB_STREAM_INTERNAL_H
#define TVC_CB_STREAM_INTERNAL_H

#include "internal.h"
#include "tvc/outbuf.h"
#include "tvc/readop.h"

struct tvc_cb_stream {
    tvc_rx_io io;            /* edge-triggered READ|WRITE, registered once */
    tvc_streambuf rb;        /* bytes received, parsed by the reads */
    tvc_outbuf out;          /* bytes the kernel has not taken yet */
    tvc_cb_task *reader;     /* pending read (or connect) */
    tvc_cb_task *drainer;    /* pending drain */
    tvc_cb_task *closer;     /* pending wait_closed */
    tvc_read_op rd;          /* what the pending reader asked for */
    unsigned connecting : 1; /* the reader slot holds the connecting task */
    int err;                 /* sticky socket error, 0 while healthy */
    unsigned readable : 1;   /* no EAGAIN or trusted short recv since the
                              * last read edge */
    unsigned hup : 1;        /* an edge reported a hang-up or error: recv
                              * until EAGAIN or EOF */
    unsigned writable : 1;   /* no EAGAIN since the last write edge */
    unsigned closing : 1;    /* close called: send what is left, close */
    unsigned closed : 1;     /* fd closed and unwatched */
    unsigned eof_wanted : 1; /* write_eof called */
    unsigned eof_sent : 1;   /* shutdown(SHUT_WR) done */
    unsigned idle_out : 1;   /* a read waited idle_ns with no byte: every
                              * read now ends in -ETIMEDOUT */
    int64_t idle_ns;         /* server_opts.h's idle_timeout_ms; 0: never */
    tvc_rx_timer timer;      /* the idle clock of a waiting read, or a
                              * server's linger after the handler */
    tvc_cb_server *server;   /* the server that accepted it, or NULL */
    tvc__cb_node node;       /* in the server's list of connections */
    tvc_cb_task *task;       /* the handler task, then the one sending
                              * what it left unsent (handle held) */
};

/* A stream around a connected (or connecting) non-blocking fd, watched
 * from now on.  NULL and the fd closed on failure (*err set). */
tvc_cb_stream *tvc__cb_stream_new(int fd, size_t limit, int *err);
/* The stream's watcher saw its pending connect finish (connect.c):
 * completes the connecting task with the stream or the error. */
void tvc__cb_connect_ready(tvc_cb_stream *s);
/* A server's linger after its handler returned (server_opts.h): starts
 * closing, sending what is left; if the stream has not closed by the
 * absolute deadline, the connection is reset then and the rest dropped
 * and counted.  Either way the stream's wait_closed completes. */
void tvc__cb_stream_linger(tvc_cb_stream *s, int64_t deadline);

#endif
