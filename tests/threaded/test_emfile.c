/*
 * A server that runs out of descriptors keeps serving: with the process
 * limit set so that the server cannot accept one more connection, that
 * connection is dropped (the client sees a reset or EOF, not a hang),
 * the connections already open keep working, and once descriptors are
 * free again new connections are served.
 */
#include "tvc/tvc.h"
#include "tvc_test.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/resource.h>
#include <unistd.h>

enum { CONNS = 3 };

static int echo_line(tvc_stream *s, void *arg)
{
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

/* The limit that leaves exactly n descriptors free: a test may inherit
 * descriptors with gaps between them. */
static int first_fds_free(int n)
{
    int fd = 0;
    for (;; fd++) {
        if (fcntl(fd, F_GETFD) < 0 && errno == EBADF && --n == 0)
            return fd + 1;
    }
}

static int body(void *arg, void **result)
{
    /* Room for the listening socket, the server's spare descriptor, CONNS
     * connections (two ends each) and one more client socket only. */
    struct rlimit old, lim;
    ASSERT_OK(getrlimit(RLIMIT_NOFILE, &old));
    lim = old;
    lim.rlim_cur = (rlim_t)first_fds_free(2 + 2 * CONNS + 1);
    ASSERT_OK(setrlimit(RLIMIT_NOFILE, &lim));

    tvc_server *srv;
    ASSERT_OK(tvc_start_server(&srv, "127.0.0.1", 0, echo_line, NULL, 0));
    int port = tvc_server_port(srv);
    tvc_stream *cs[CONNS];
    for (int i = 0; i < CONNS; i++) {
        ASSERT_OK(tvc_open_connection(&cs[i], "127.0.0.1", port, 0));
        ASSERT_OK(ping(cs[i]));
    }
    /* The client end fits, the server's does not: dropped. */
    tvc_stream *extra;
    ASSERT_OK(tvc_open_connection(&extra, "127.0.0.1", port, 0));
    int r = ping(extra);
    ASSERT(r == -ECONNRESET || r == -EPIPE);
    tvc_stream_free(extra);
    /* The others still work. */
    for (int i = 0; i < CONNS; i++)
        ASSERT_OK(ping(cs[i]));
    for (int i = 0; i < CONNS; i++)
        tvc_stream_free(cs[i]);

    /* Descriptors come back as the handlers see EOF and end; until then
     * a new connection may still be dropped, so try a bounded number of
     * times. */
    r = -1;
    for (int tries = 0; tries < 1000 && r != 0; tries++) {
        ASSERT_OK(tvc_open_connection(&extra, "127.0.0.1", port, 0));
        r = ping(extra);
        tvc_stream_free(extra);
    }
    ASSERT_OK(r);
    ASSERT_OK(tvc_server_close(srv));
    ASSERT_OK(setrlimit(RLIMIT_NOFILE, &old));
    return 0;
}

int main(void)
{
    tvc_test_baseline base = tvc_test_baseline_take();
    ASSERT_OK(tvc_run(body, NULL, NULL, NULL));
    ASSERT_NO_LEAKS(base, 256 * 1024);
    printf("ok %s\n", __FILE__);
    return 0;
}
