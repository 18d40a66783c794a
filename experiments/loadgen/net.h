/*
 * What every load tool shares: addresses that can only be loopback (the
 * project never sends load anywhere else), --name=value options with
 * k/M/G suffixes, and the file-descriptor limit raised for thousands of
 * connections.
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

/* Formats ss as "HOST:PORT" ("[::1]:PORT" for IPv6) into buf. */
void tvc_net_format(const struct sockaddr_storage *ss, char *buf, size_t size);

/* One option of the form --name=value from a table of names.  Returns the
 * index of the matching name and sets *value, -1 when arg is not one. */
int tvc_net_option(const char *arg, const char *const *names,
                   const char **value);

/* An integer with an optional k/M/G suffix (powers of 1000); 0 or
 * -EINVAL. */
int tvc_net_int(const char *s, int64_t *out);

/* Raises RLIMIT_NOFILE's soft limit to the hard limit; returns the new
 * soft limit. */
int64_t tvc_net_raise_nofile(void);

#endif
