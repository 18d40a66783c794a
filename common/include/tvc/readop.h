/*
 * A stream read as every runtime's stream asks it of its receive buffer:
 * one of the four asyncio reads (read, readexactly, readline, readuntil)
 * answered from a tvc_streambuf, and the one recv that feeds the buffer
 * when the answer needs more bytes.  The runtimes differ only in how they
 * wait between the two (ppoll, a reactor edge, a suspended coroutine).
 */
#ifndef TVC_READOP_H
#define TVC_READOP_H

#include "tvc/streambuf.h"

#include <stddef.h>

typedef enum tvc_read_kind {
    TVC_READ_SOME,    /* read(n): up to n bytes */
    TVC_READ_EXACTLY, /* readexactly(n) */
    TVC_READ_LINE,    /* readline() */
    TVC_READ_UNTIL,   /* readuntil(sep) */
} tvc_read_kind;

typedef struct tvc_read_op {
    tvc_read_kind kind;
    size_t n;        /* TVC_READ_SOME, TVC_READ_EXACTLY: the size */
    const void *sep; /* TVC_READ_UNTIL: the separator */
    size_t seplen;   /* its length, > 0 */
} tvc_read_op;

/* Answers op from sb with the matching tvc_streambuf_* call: its result,
 * -EAGAIN when more bytes (or EOF) are needed. */
int tvc_read_op_parse(tvc_streambuf *sb, const tvc_read_op *op, tvc_slice *out);

/* One recv from fd (non-blocking) into sb, with room for at least chunk
 * bytes.  Returns 1 when bytes filled all the room (the socket may hold
 * more), 0 when fewer bytes or EOF were fed, -EAGAIN when the socket has
 * nothing now, -ENOMEM, or the receive error (-ECONNRESET, ...).
 *
 * A 0 after bytes means the socket was empty when the recv returned: on
 * an edge-triggered watcher, bytes that arrive later raise a new edge,
 * so the caller may wait for it instead of paying a recv that says
 * EAGAIN.  Not so for a FIN or an error that came with the edge already
 * reported: those raise no new one, and only recv finds them. */
int tvc_read_op_recv(tvc_streambuf *sb, int fd, size_t chunk);

#endif
