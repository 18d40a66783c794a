/*
 * A server that runs out of descriptors neither spins nor stops serving
 * (it sheds with a spare descriptor: tvc/accept.h).  With every
 * descriptor taken, a new connection is dropped (the client reads EOF or
 * a reset instead of hanging in the backlog), the listener then stays
 * quiet, the connections already open keep working, and once
 * descriptors are free a new connection is served.
 *
 * The spin is counted, not timed: the test binary is linked with
 * --wrap=accept4 (tests.cmake), so every accept the server makes passes
 * through __wrap_accept4, which counts the ones that fail for lack of a
 * descriptor.  A coroutine listener left armed with a connection in its
 * backlog fails once per reactor pass, a threaded accept loop once per
 * turn; a quiet one fails at most once more after the drop (the threaded
 * acceptor settles on its own thread, so the count may still move by
 * that one while the test looks).
 */
#include "direct/direct_test.h"
#include "fd_fill.h"

#include <errno.h>
#include <stdatomic.h>
#include <sys/socket.h>
#include <unistd.h>

enum {
    CONNS = 3,       /* connections open before the descriptors run out */
    PASSES = 20,     /* reactor passes (sleeps) that must stay quiet */
};

/* accept4 calls that failed with EMFILE/ENFILE; the threaded acceptor
 * counts from its own thread. */
static atomic_int out_of_fds;

int __real_accept4(int fd, struct sockaddr *addr, socklen_t *len, int flags);
int __wrap_accept4(int fd, struct sockaddr *addr, socklen_t *len, int flags);

int __wrap_accept4(int fd, struct sockaddr *addr, socklen_t *len, int flags)
{
    int r = __real_accept4(fd, addr, len, flags);
    if (r < 0 && (errno == EMFILE || errno == ENFILE))
        atomic_fetch_add(&out_of_fds, 1);
    return r;
}

static int echo_line(tvc_stream *s, void *arg)
{
    (void)arg;
    tvc_slice line;
    int r;
    while ((r = tvc_stream_readline(s, &line)) == 0 && line.len > 0) {
        if ((r = tvc_stream_write(s, line.data, line.len)) < 0 ||
            (r = tvc_stream_drain(s)) < 0)
            break;
    }
    return r;
}

/* Sends a line and reads the echo: 0, or the error that came instead. */
static int ping(tvc_stream *s)
{
    int r = tvc_stream_write(s, "ping\n", 5);
    if (r == 0)
        r = tvc_stream_drain(s);
    tvc_slice line;
    if (r == 0)
        r = tvc_stream_readline(s, &line);
    if (r == 0 && line.len != 5)
        r = -ECONNRESET; /* EOF: the server dropped us */
    return r;
}

/* Connects and pings: 0, or the error that came instead. */
static int visit(int port)
{
    tvc_stream *s;
    ASSERT_OK(tvc_open_connection(&s, "127.0.0.1", port, 0));
    int r = ping(s);
    tvc_stream_free(s);
    return r;
}

static void emfile(void)
{
    tvc_server *srv;
    ASSERT_OK(tvc_start_server(&srv, echo_line, NULL, NULL));
    int port = tvc_server_port(srv);
    tvc_stream *cs[CONNS];
    for (int i = 0; i < CONNS; i++) {
        ASSERT_OK(tvc_open_connection(&cs[i], "127.0.0.1", port, 0));
        ASSERT_OK(ping(cs[i]));
    }

    static fd_fill fill;
    fd_fill_take(&fill);

    /* Dropped, not left hanging in the backlog. */
    int r = visit(port);
    ASSERT(r == -ECONNRESET || r == -EPIPE);
    ASSERT_GE(atomic_load(&out_of_fds), 1);

    /* Still out of fds, nothing waiting: each sleep is one trip through
     * the reactor (its timer must fire) or one turn of the threaded
     * acceptor's scheduler, and an armed listener would fail on each. */
    int failed = atomic_load(&out_of_fds);
    for (int i = 0; i < PASSES; i++)
        ASSERT_OK(tvc_sleep(1));
    ASSERT_LE(atomic_load(&out_of_fds) - failed, 1);

    /* The connections already open never needed a new descriptor. */
    for (int i = 0; i < CONNS; i++)
        ASSERT_OK(ping(cs[i]));

    /* Descriptors free again: a new connection is served. */
    fd_fill_give_back(&fill);
    ASSERT_OK(visit(port));
    for (int i = 0; i < CONNS; i++)
        tvc_stream_free(cs[i]);
    ASSERT_OK(tvc_server_close(srv));
}

DIRECT_TEST_MAIN(emfile)
