/*
 * A callback server that runs out of descriptors neither spins nor stops
 * serving (the spare descriptor, tvc/accept.h), as
 * tests/direct/test_emfile.c checks for the direct-style runtimes.  With
 * every descriptor taken, a new connection is dropped (the client, a
 * task on the same loop, reads EOF or a reset instead of hanging in the
 * backlog), the listener then stays quiet, the connections already open
 * keep working, and once descriptors are free a new connection is
 * served.
 *
 * The spin is counted, not timed: the test binary is linked with
 * --wrap=accept4 (tests.cmake), so every accept the server makes passes
 * through __wrap_accept4, which counts the ones that fail for lack of a
 * descriptor.  A server that only pauses and retries fails again on each
 * retry while the client waits; one that drops the connection fails once.
 *
 * The wrapper can also make every accept fail with EMFILE, the spare's
 * too: that is a server that cannot even drop the connection.  Its
 * listener must then go quiet, and serve the connection once accepts
 * work again.
 */
#include <sys/socket.h>
#include <unistd.h>

#include "cb_echo.h"
#include "cb_probe.h"
#include "fd_fill.h"

enum {
    CONNS = 3,       /* connections open before the descriptors run out */
    PASSES = 20,     /* loop iterations that must stay quiet */
    MAX_STEPS = 200, /* loop iterations one exchange may take */
    RETRIES = 5,     /* failed accepts that mean the client was left
                      * waiting in the backlog */
};

/* accept4 calls that failed with EMFILE/ENFILE. */
static int out_of_fds;
/* Set: every accept4 fails with EMFILE without looking. */
static int fake_emfile;

int __real_accept4(int fd, struct sockaddr *addr, socklen_t *len, int flags);
int __wrap_accept4(int fd, struct sockaddr *addr, socklen_t *len, int flags);

int __wrap_accept4(int fd, struct sockaddr *addr, socklen_t *len, int flags)
{
    if (fake_emfile) {
        out_of_fds++;
        errno = EMFILE;
        return -1;
    }
    int r = __real_accept4(fd, addr, len, flags);
    if (r < 0 && (errno == EMFILE || errno == ENFILE))
        out_of_fds++;
    return r;
}

static tvc_cb_loop *loop;

/* Steps the loop until the probe's continuation ran, failing when the
 * server keeps failing to accept meanwhile (the client would hang). */
static void wait_probe(const probe *p)
{
    int failed = out_of_fds;
    for (int i = 0; i < MAX_STEPS && p->calls == 0; i++) {
        ASSERT_GE(tvc_cb_run_once(loop, 1), 0);
        ASSERT_LT(out_of_fds - failed, RETRIES);
    }
    ASSERT_EQ(p->calls, 1);
}

/* Sends a line and starts reading the echo into *l: 0, or the write's
 * error (a server that dropped us may have reset the connection). */
static int ping_start(tvc_cb_stream *s, probe *l)
{
    int r = tvc_cb_stream_write(s, "ping\n", 5);
    if (r < 0)
        return r;
    *l = (probe){.op = P_READLINE, .obj = s};
    probe_spawn(loop, l, NULL);
    return 0;
}

/* Sends a line and reads the echo: 0, or the error that came instead. */
static int ping(tvc_cb_stream *s)
{
    probe l;
    int r = ping_start(s, &l);
    if (r < 0)
        return r;
    wait_probe(&l);
    if (l.status == 0 && l.data.len != 5)
        return -ECONNRESET; /* EOF: the server dropped us */
    return l.status;
}

static tvc_cb_stream *connect_to(int port)
{
    probe c = {.op = P_CONNECT, .port = port};
    probe_spawn(loop, &c, NULL);
    wait_probe(&c);
    ASSERT_OK(c.status);
    return c.value;
}

/* Connects and pings: 0, or the error that came instead. */
static int visit(int port)
{
    tvc_cb_stream *s = connect_to(port);
    int r = ping(s);
    tvc_cb_stream_free(s);
    return r;
}

/* Not even the spare helps: the listener goes quiet (the waiting
 * connection stays in the backlog), and the retry serves it once accepts
 * work again. */
static void no_spare(int port)
{
    fake_emfile = 1;
    tvc_cb_stream *s = connect_to(port);
    probe l;
    ASSERT_OK(ping_start(s, &l));
    int failed = out_of_fds;
    for (int i = 0; i < MAX_STEPS && out_of_fds == failed; i++)
        ASSERT_GE(tvc_cb_run_once(loop, 1), 0);
    ASSERT_GT(out_of_fds, failed);

    /* A listener left armed fails at least once per iteration; a paused
     * one only on its retry timer, far fewer times. */
    failed = out_of_fds;
    for (int i = 0; i < PASSES; i++)
        ASSERT_GE(tvc_cb_run_once(loop, 0), 0);
    ASSERT_LT(out_of_fds - failed, PASSES / 2);
    ASSERT_EQ(l.calls, 0);

    fake_emfile = 0;
    wait_probe(&l);
    ASSERT_OK(l.status);
    ASSERT_EQ(l.data.len, 5);
    tvc_cb_stream_free(s);
}

static void emfile(void)
{
    tvc_cb_server *srv;
    ASSERT_OK(tvc_cb_start_server(loop, &srv, cb_echo, NULL, NULL));
    int port = tvc_cb_server_port(srv);
    tvc_cb_stream *cs[CONNS];
    for (int i = 0; i < CONNS; i++) {
        cs[i] = connect_to(port);
        ASSERT_OK(ping(cs[i]));
    }

    static fd_fill fill;
    fd_fill_take(&fill);

    /* Dropped, not left hanging in the backlog. */
    int r = visit(port);
    ASSERT(r == -ECONNRESET || r == -EPIPE);
    ASSERT_GE(out_of_fds, 1);

    /* Still out of fds, nothing waiting: an armed listener that reported
     * a connection it cannot take would fail on every iteration. */
    int failed = out_of_fds;
    for (int i = 0; i < PASSES; i++)
        ASSERT_GE(tvc_cb_run_once(loop, 0), 0);
    ASSERT_LE(out_of_fds - failed, 1);

    /* The connections already open never needed a new descriptor. */
    for (int i = 0; i < CONNS; i++)
        ASSERT_OK(ping(cs[i]));

    /* Descriptors free again: a new connection is served. */
    fd_fill_give_back(&fill);
    ASSERT_OK(visit(port));
    no_spare(port);
    for (int i = 0; i < CONNS; i++)
        tvc_cb_stream_free(cs[i]);

    probe cl = {.obj = srv};
    ASSERT_OK(tvc_cb_spawn(loop, NULL, cb_close_server, &cl));
    settle(loop);
    ASSERT_EQ(cl.calls, 1);
    ASSERT_OK(cl.status);
}

int main(void)
{
    tvc_test_baseline base = tvc_test_baseline_take();
    ASSERT_OK(tvc_cb_loop_new(&loop, 0));
    emfile();
    ASSERT_EQ(tvc_cb_loop_task_count(loop), 0);
    ASSERT_EQ(tvc_cb_loop_close(loop), 0);
    ASSERT_NO_LEAKS(base, 0);
    return 0;
}
