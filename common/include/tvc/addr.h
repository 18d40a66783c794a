/*
 * Socket addresses from what the suite's command lines and APIs carry: a
 * host that is "localhost" or a numeric IPv4/IPv6 address, and a port.
 * Names are never looked up: getaddrinfo can block where no cancel
 * reaches, and the suite only ever talks to loopback.  Shared by every
 * runtime's connect and listen and by the load tools' loopback check.
 */
#ifndef TVC_ADDR_H
#define TVC_ADDR_H

#include <sys/socket.h>

/* Fills *ss and *len for host:port.  host NULL or "localhost" means
 * 127.0.0.1.  Returns 0, or -EINVAL when host is not numeric (a name) or
 * port is outside 0..65535. */
int tvc_addr_parse(const char *host, int port, struct sockaddr_storage *ss,
                   socklen_t *len);

/* Splits "HOST:PORT" ("[HOST]:PORT" for IPv6, as tvc_addr_format writes
 * it) into host, NUL-terminated and without brackets, and *port, the
 * port read by tvc_parse_int.  Returns 0, or -EINVAL when there is no
 * port, the host does not fit hostlen or tvc_addr_parse refuses it, or
 * the port is not an integer in 0..65535: one parser for every HOST:PORT
 * a command line carries. */
int tvc_addr_split(const char *hostport, char *host, size_t hostlen, int *port);

/* What tvc_addr_split accepts, for a usage error's "expected ...". */
#define TVC_ADDR_HOSTPORT_FORM                                                 \
    "HOST:PORT (HOST numeric IPv4, [IPv6] or localhost; PORT 0..65535)"

/* 1 when ss is a loopback address (127.0.0.0/8 or ::1), else 0. */
int tvc_addr_is_loopback(const struct sockaddr_storage *ss);

/* The port of ss (IPv4 or IPv6) in host order. */
int tvc_addr_port(const struct sockaddr_storage *ss);

/* The listen backlog when none is asked for: servers here take bursts of
 * thousands of connects (10k-connection points). */
#define TVC_ADDR_BACKLOG 4096

/* Listens on ss (from tvc_addr_parse) with a non-blocking, close-on-exec
 * TCP socket (SO_REUSEADDR; backlog 0 means TVC_ADDR_BACKLOG, and the
 * kernel caps any at net.core.somaxconn), then rewrites *ss and *len with
 * the address actually bound, so port 0 tells which port it picked.
 * Returns the fd, or -EINVAL (backlog < 0) or -errno (-EADDRINUSE,
 * -EMFILE, ...). */
int tvc_addr_listen(struct sockaddr_storage *ss, socklen_t *len, int backlog);

/* Starts a TCP connect to ss from a non-blocking, close-on-exec socket
 * with TCP_NODELAY (tvc_addr_nodelay).  Returns the fd, connected or
 * still connecting (the first write readiness and SO_ERROR tell), or
 * -errno (-ECONNREFUSED, -EMFILE, ...). */
int tvc_addr_connect(const struct sockaddr_storage *ss, socklen_t len);

/* tvc_addr_parse then tvc_addr_connect: the start of every runtime's
 * open_connection.  Returns the fd, connected or still connecting, or
 * -EINVAL (host not numeric, port outside 0..65535) or tvc_addr_connect's
 * -errno. */
int tvc_addr_connect_to(const char *host, int port);

/* Sets TCP_NODELAY on a TCP socket: request/response workloads measure
 * latency, not Nagle's delay.  Errors are ignored (a unix socket). */
void tvc_addr_nodelay(int fd);

/* Writes ss as "HOST:PORT" ("[HOST]:PORT" for IPv6) into buf, truncated
 * to size bytes with a NUL. */
void tvc_addr_format(const struct sockaddr_storage *ss, char *buf, size_t size);

#endif
