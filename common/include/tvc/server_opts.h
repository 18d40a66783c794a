/*
 * The options of a server, one struct for tvc_start_server (tvc.h) and
 * tvc_cb_start_server (cb.h).  A zero field means that field's default,
 * so (tvc_server_opts){0}, or a NULL pointer for the whole struct, is a
 * server on a free loopback port with every default.  Later fields (an
 * idle timeout, linger on close, the loop count, the I/O backend) will
 * join it the same way: zero keeps today's behaviour, so callers that
 * set only what they need never change.  A new field is documented
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
} tvc_server_opts;

#endif
