/*
 * The peer side of the linger tests (tests/direct/test_linger.c,
 * tests/callback/test_linger.c): an answer larger than the socket
 * buffers, a plain client socket that may have a small receive buffer,
 * and what a test looks for on it without blocking (a reset, EOF).  The
 * two tests differ only in how they let their runtime run meanwhile.
 */
#ifndef TVC_LINGER_PEER_H
#define TVC_LINGER_PEER_H

#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdlib.h>
#include <sys/socket.h>

#include "tvc_test.h"

/* Larger than a server's socket send buffer (tcp_wmem tops out at a few
 * MiB) and a small client receive buffer together, so part of the answer
 * is still in the stream's buffer when the handler returns. */
enum { LINGER_BIG = 16 << 20 };
/* The receive buffer of a client that never reads. */
enum { LINGER_SMALL_RCVBUF = 4096 };
/* Looks at the peer (a millisecond's nap apart when there is nothing
 * else to do) before an awaited event counts as never coming: far more
 * than any run needs, less than ctest's timeout. */
enum { LINGER_LOOKS = 20000 };
/* The request every handler answers. */
#define LINGER_REQUEST "go\n"

/* Byte i of the answer. */
static inline char linger_byte(size_t i)
{
    return (char)(i % 251);
}

/* The answer, LINGER_BIG bytes (the caller frees it). */
static inline char *linger_answer(void)
{
    char *b = malloc(LINGER_BIG);
    ASSERT(b != NULL);
    for (size_t i = 0; i < LINGER_BIG; i++)
        b[i] = linger_byte(i);
    return b;
}

/* How many of the n bytes at d, which sit at offset `at` of the answer,
 * differ from it. */
static inline size_t linger_bad_bytes(const void *d, size_t n, size_t at)
{
    size_t bad = 0;
    for (size_t i = 0; i < n; i++)
        bad += ((const char *)d)[i] != linger_byte(at + i);
    return bad;
}

/* A plain client socket connected to 127.0.0.1:port, with a receive
 * buffer of rcvbuf bytes if not 0 (set before connect: the window is
 * agreed then).  A loopback connect completes without the accept. */
static inline int linger_connect(int port, int rcvbuf)
{
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    ASSERT_GE(fd, 0);
    if (rcvbuf)
        ASSERT_OK(
            setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof rcvbuf));
    struct sockaddr_in a = {.sin_family = AF_INET,
                            .sin_port = htons((uint16_t)port),
                            .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    ASSERT_OK(connect(fd, (struct sockaddr *)&a, sizeof a));
    return fd;
}

/* A client that sends the request and will not read. */
static inline int linger_nonreader(int port)
{
    int fd = linger_connect(port, LINGER_SMALL_RCVBUF);
    ASSERT_EQ(send(fd, LINGER_REQUEST, 3, 0), 3);
    return fd;
}

/* Whether poll reports one of want on fd now (never waits). */
static inline int linger_seen(int fd, short want)
{
    struct pollfd p = {.fd = fd, .events = want & (POLLIN | POLLOUT)};
    ASSERT_GE(poll(&p, 1, 0), 0);
    return (p.revents & want) != 0;
}

/* After POLLERR: the error is the reset. */
static inline void linger_assert_reset(int fd)
{
    int err = 0;
    socklen_t len = sizeof err;
    ASSERT_OK(getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len));
    ASSERT_EQ(err, ECONNRESET);
}

/* After POLLIN on a client that sent nothing: it is EOF. */
static inline void linger_assert_eof(int fd)
{
    char b;
    ASSERT_EQ(recv(fd, &b, 1, MSG_DONTWAIT), 0);
}

#endif
