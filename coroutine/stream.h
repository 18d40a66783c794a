/*
 * What server.c needs from stream.c.
 */
#ifndef TVC_CORO_STREAM_H
#define TVC_CORO_STREAM_H

#include <stddef.h>
#include <sys/socket.h>

#include "tvc/tvc.h"

/* A stream over the connected non-blocking socket fd, which it owns from
 * then on (on failure the caller still does).  0, -ENOMEM or -errno. */
int tvc__stream_wrap(tvc_stream **out, int fd, size_t limit);

/* host ("localhost", numeric IPv4 or IPv6; NULL: 127.0.0.1) and port as
 * a socket address.  0 or -EINVAL. */
int tvc__sockaddr(const char *host, int port, struct sockaddr_storage *ss,
                  socklen_t *len);

#endif
