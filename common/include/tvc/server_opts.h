/*
 * The options of a server, one struct for tvc_start_server (tvc.h) and
 * tvc_cb_start_server (cb.h).  A zero field means that field's default,
 * so (tvc_server_opts){0}, or a NULL pointer for the whole struct, is a
 * server on a free loopback port with every default.  Later fields (the
 * loop count, the I/O backend) will join it the same way: zero keeps
 * today's behaviour, so callers that set only what they need never
 * change.  A new field is documented
 * here, checked and given its default in tvc_server_listen (accept.c),
 * and read where it applies: a socket option on each connection in
 * tvc_server_accepted (accept.c), anything else from the copy each
 * runtime's server keeps (srv->opts).
 */
#ifndef TVC_SERVER_OPTS_H
#define TVC_SERVER_OPTS_H

#include <stddef.h>

typedef struct tvc_server_opts {
    /* Numeric IPv4/IPv6 address to bind, or "localhost"; never looked
     * up.  NULL = "127.0.0.1": servers bind to loopback unless told
     * otherwise.  Read only during the start call. */
    const char *host;
    /* Port to bind, 0..65535; 0 = any free port (tvc_server_port and
     * tvc_cb_server_port tell which). */
    int port;
    /* Read limit of each accepted stream (the longest line or readuntil
     * a handler can read); 0 = TVC_STREAM_LIMIT_DEFAULT (streambuf.h). */
    size_t limit;
    /* Connections the kernel may queue before they are accepted (it caps
     * this at net.core.somaxconn); 0 = TVC_ADDR_BACKLOG (addr.h), room
     * for bursts of thousands of connects. */
    int backlog;
    /* How long the server waits, after a handler returns, for the output
     * the handler wrote but left unsent (still in the stream's buffer)
     * to go to the peer.  Once it has all gone the connection closes as
     * usual (FIN; the kernel delivers what it holds), so a peer that
     * reads gets every byte.  When the time is up first, the connection
     * is reset (SO_LINGER 0 and close: the kernel sends RST and drops
     * what it holds), the rest is dropped and counted as
     * tvc_stream_dropped_bytes (tvc.h) and tvc_cb_stream_dropped_bytes
     * (cb.h) say, and the handler's task, stream and buffers are freed:
     * a peer that never reads holds them for linger_ms at most, not
     * until the server closes.  Closing the server cuts a linger short
     * (the rest dropped as tvc_stream_free does).  0 =
     * TVC_LINGER_MS_DEFAULT; TVC_LINGER_NONE = no linger: what is unsent
     * when the handler returns is dropped and the connection reset at
     * once; any other value below 0 is -EINVAL. */
    int linger_ms;
    /* Closes connections that send nothing.  A read call of a handler
     * (read, readexactly, readline, readuntil) that must wait for bytes
     * fails with -ETIMEDOUT once no byte has arrived for idle_timeout_ms:
     * the clock starts when the read begins to wait and restarts
     * whenever bytes arrive; time the handler spends outside a read
     * (working, writing, draining) is never idle.  The stream then
     * receives no more: every later read returns -ETIMEDOUT too, after
     * any bytes buffered before; writes still go out.  The handler is
     * expected to return on it (the workloads' handlers return on any
     * read error), and the server closes the connection as after any
     * handler (linger_ms applies to what it left unsent).  0 = off (the
     * default: no idle limit); below 0 is -EINVAL. */
    int idle_timeout_ms;
} tvc_server_opts;

/* The linger when none is asked for: 5 s.  A peer that reads at all
 * takes what one handler leaves unsent (a response, a few socket
 * buffers) in well under a second on any working network, so 5 s leaves
 * a wide margin for slow links and loaded hosts, while a peer that never
 * reads holds a handler for 5 s, not for ever (the same order as nginx's
 * lingering close, whose lingering_timeout is 5 s). */
#define TVC_LINGER_MS_DEFAULT 5000
/* linger_ms for "no linger": reset at once, dropping what is unsent. */
#define TVC_LINGER_NONE (-1)

#endif
