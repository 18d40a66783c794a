/*
 * What server.c needs from stream.c.
 */
#ifndef TVC_CORO_STREAM_INTERNAL_H
#define TVC_CORO_STREAM_INTERNAL_H

#include <stddef.h>

#include "tvc/tvc.h"

/* A stream over the connected non-blocking socket fd, which it owns from
 * then on (on failure the caller still does).  0, -ENOMEM or -errno. */
int tvc__stream_wrap(tvc_stream **out, int fd, size_t limit);

#endif
