/*
 * What every load tool shares on the network side: targets that can only
 * be loopback (the project never sends load anywhere else) and the
 * file-descriptor limit raised for thousands of connections.
 */
#ifndef TVC_LOADGEN_NET_H
#define TVC_LOADGEN_NET_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

/* Fills ss and len for HOST and PORT.  HOST must be a numeric loopback
 * address (127.0.0.0/8, ::1) or "localhost"; names are never resolved,
 * so nothing can turn into a remote address.  Returns 0, or -EINVAL with
 * a message in err (a non-loopback target is refused). */
int tvc_net_loopback(const char *host, const char *port,
                     struct sockaddr_storage *ss, socklen_t *len, char *err,
                     size_t errlen);

/* Raises RLIMIT_NOFILE's soft limit to the hard limit; returns the new
 * soft limit. */
int64_t tvc_net_raise_nofile(void);

#endif
