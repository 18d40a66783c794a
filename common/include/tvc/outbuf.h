/*
 * A stream's output buffer and the one send path every runtime uses for
 * it: the bytes already queued and the bytes a write adds go to the kernel
 * in one sendmsg (gathered, never copied first), and only what the kernel
 * did not take is copied into the buffer.  The socket never raises
 * SIGPIPE (MSG_NOSIGNAL) and never blocks (MSG_DONTWAIT).  Pure bytes and
 * one fd: no locking, no waiting; each runtime decides when to call it
 * again (a write edge, a poll, a blocked read).
 */
#ifndef TVC_OUTBUF_H
#define TVC_OUTBUF_H

#include <stddef.h>
#include <stdint.h>
#include <sys/uio.h>

/* All zeros is an empty buffer. */
typedef struct tvc_outbuf {
    char *buf;    /* queued bytes are buf[start, end) */
    size_t start; /* first byte the kernel has not taken */
    size_t end;   /* one past the last queued byte */
    size_t cap;   /* bytes allocated at buf */
} tvc_outbuf;

/* Bytes queued, not yet taken by the kernel. */
static inline size_t tvc_outbuf_len(const tvc_outbuf *o)
{
    return o->end - o->start;
}

/* Drops the queued bytes (a send failed for good: nobody will take them)
 * and keeps the memory. */
void tvc_outbuf_clear(tvc_outbuf *o);

/* Frees the memory; the buffer is empty and reusable afterwards. */
void tvc_outbuf_free(tvc_outbuf *o);

/* Queues iov[0..n) behind what is queued, sending nothing (the caller
 * knows the socket is full): 0 or -ENOMEM. */
int tvc_outbuf_append(tvc_outbuf *o, const struct iovec *iov, int n);

/* Sends the queued bytes and then iov[0..n) in order, in as few sendmsg
 * calls as the kernel allows, and queues whatever of iov it did not take
 * (n may be 0: only flush).  Returns 0 when nothing is left queued,
 * -EAGAIN when the socket is full and bytes remain queued, -ENOMEM when
 * the rest could not be queued, or the send error (-EPIPE, -ECONNRESET,
 * ...) after which the queue is cleared. */
int tvc_outbuf_send(tvc_outbuf *o, int fd, const struct iovec *iov, int n);

/* The stream goes without waiting for its output (tvc_stream_free, a
 * linger that ran out): sends what the kernel takes now (fd -1: nothing,
 * the socket is closed or broken), then drops the rest and adds it to
 * the process's dropped count.  Returns the bytes dropped. */
size_t tvc_outbuf_abandon(tvc_outbuf *o, int fd);

/* Bytes tvc_outbuf_abandon dropped in this process so far: what
 * tvc_stream_dropped_bytes (tvc.h) and tvc_cb_stream_dropped_bytes
 * (cb.h) return. */
uint64_t tvc_outbuf_dropped(void);

#endif
