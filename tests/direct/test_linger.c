/*
 * What a server does with a connection after its handler returns, and
 * with one that sends nothing (server_opts.h: linger_ms,
 * idle_timeout_ms), and what tvc_stream_free drops (tvc.h):
 *   - a client that never reads a large answer: once the linger runs
 *     out, the server resets the connection (the client sees
 *     ECONNRESET) and frees the handler, and the bytes it dropped are
 *     counted; also with TVC_LINGER_NONE;
 *   - a client that reads gets every byte, and nothing is dropped;
 *   - a client that sends nothing: the handler's read fails with
 *     -ETIMEDOUT, and so does the next, and the client sees EOF;
 *   - a stream freed without close: what the kernel does not take is
 *     dropped and counted, so received + dropped = written.
 * The plain-socket clients (linger_peer.h) are polled between short
 * sleeps, so neither runtime is blocked; a wait for an event is bounded
 * by a count of looks, never asserted on time.
 */
#include <stdatomic.h>
#include <unistd.h>

#include "direct_test.h"
#include "linger_peer.h"

/* What the handlers saw; written by a handler task (a thread in the
 * threaded runtime), read by the main task. */
typedef struct seen {
    _Atomic int first_read, second_read; /* the readline statuses */
    _Atomic int64_t received;            /* bytes drained_reader read */
    tvc_event *go;                       /* drained_reader starts */
    tvc_event *done;                     /* drained_reader finished */
} seen;

/* Reads a request line, then writes the answer and returns without drain
 * or close.  A read that fails is followed by one more, to see that the
 * failure stays. */
static int answer(tvc_stream *s, void *arg)
{
    seen *c = arg;
    tvc_slice line;
    int r = tvc_stream_readline(s, &line);
    c->first_read = r;
    if (r < 0) {
        c->second_read = tvc_stream_readline(s, &line);
        return 0;
    }
    char *b = linger_answer();
    r = tvc_stream_write(s, b, LINGER_BIG);
    free(b);
    return r;
}

/* Lets the runtime run until poll reports one of want on fd. */
static void wait_seen(int fd, short want)
{
    for (int i = 0; i < LINGER_LOOKS && !linger_seen(fd, want); i++)
        ASSERT_OK(tvc_sleep(TVC_MS(1)));
    ASSERT(linger_seen(fd, want));
}

/* Waits until the server has no live connection. */
static void wait_no_connections(tvc_server *srv)
{
    for (int i = 0; i < LINGER_LOOKS && tvc_server_connections(srv) > 0; i++)
        ASSERT_OK(tvc_sleep(TVC_MS(1)));
    ASSERT_EQ(tvc_server_connections(srv), 0);
}

/* A client that sends a request and never reads the answer. */
static void never_reads(int linger_ms)
{
    seen c = {0};
    tvc_server *srv;
    tvc_server_opts opts = {.linger_ms = linger_ms};
    ASSERT_OK(tvc_start_server(&srv, answer, &c, &opts));
    uint64_t dropped = tvc_stream_dropped_bytes();
    int fd = linger_nonreader(tvc_server_port(srv));

    /* The linger runs out: a reset, and the handler is gone. */
    wait_seen(fd, POLLERR);
    linger_assert_reset(fd);
    wait_no_connections(srv);
    ASSERT_OK(c.first_read);
    ASSERT_GT(tvc_stream_dropped_bytes() - dropped, 0);
    close(fd);
    ASSERT_OK(tvc_server_close(srv));
}

/* A client that reads gets every byte of the answer, in order. */
static void reader_gets_all(void)
{
    seen c = {0};
    tvc_server *srv;
    /* A linger no run comes near: the reader is never cut short. */
    tvc_server_opts opts = {.linger_ms = 600000, .idle_timeout_ms = 600000};
    ASSERT_OK(tvc_start_server(&srv, answer, &c, &opts));
    uint64_t dropped = tvc_stream_dropped_bytes();
    tvc_stream *s;
    ASSERT_OK(tvc_open_connection(&s, "127.0.0.1", tvc_server_port(srv), 0));
    ASSERT_OK(tvc_stream_write(s, LINGER_REQUEST, 3));
    size_t got = 0, bad = 0;
    for (;;) {
        tvc_slice d;
        ASSERT_OK(tvc_stream_read(s, 65536, &d));
        if (d.len == 0)
            break;
        bad += linger_bad_bytes(d.data, d.len, got);
        got += d.len;
    }
    ASSERT_EQ(got, LINGER_BIG);
    ASSERT_EQ(bad, 0);
    tvc_stream_free(s);
    wait_no_connections(srv);
    ASSERT_EQ(tvc_stream_dropped_bytes() - dropped, 0);
    ASSERT_OK(tvc_server_close(srv));
}

/* A client that sends nothing: the handler's read fails with -ETIMEDOUT
 * (and the next read too), the handler returns, the client sees EOF. */
static void idle_client(void)
{
    seen c = {0};
    tvc_server *srv;
    tvc_server_opts opts = {.idle_timeout_ms = 50};
    ASSERT_OK(tvc_start_server(&srv, answer, &c, &opts));
    int fd = linger_connect(tvc_server_port(srv), 0);
    wait_seen(fd, POLLIN);
    linger_assert_eof(fd);
    wait_no_connections(srv);
    ASSERT_EQ(c.first_read, -ETIMEDOUT);
    ASSERT_EQ(c.second_read, -ETIMEDOUT);
    close(fd);
    ASSERT_OK(tvc_server_close(srv));
}

/* Reads nothing until told to, then everything until EOF. */
static int drained_reader(tvc_stream *s, void *arg)
{
    seen *c = arg;
    int r = tvc_event_wait(c->go);
    for (tvc_slice d; r == 0; c->received += (int64_t)d.len) {
        r = tvc_stream_read(s, 65536, &d);
        if (r == 0 && d.len == 0)
            break;
    }
    tvc_event_set(c->done);
    return r;
}

/* A client stream freed without close, with output the kernel did not
 * take: that output is dropped and counted, the rest arrives. */
static void free_drops_and_counts(void)
{
    seen c = {0};
    ASSERT_OK(tvc_event_new(&c.go));
    ASSERT_OK(tvc_event_new(&c.done));
    tvc_server *srv;
    ASSERT_OK(tvc_start_server(&srv, drained_reader, &c, NULL));
    tvc_stream *s;
    ASSERT_OK(tvc_open_connection(&s, "127.0.0.1", tvc_server_port(srv), 0));
    char *b = linger_answer();
    ASSERT_OK(tvc_stream_write(s, b, LINGER_BIG));
    free(b);
    uint64_t before = tvc_stream_dropped_bytes();
    tvc_stream_free(s);
    uint64_t dropped = tvc_stream_dropped_bytes() - before;
    tvc_event_set(c.go);
    ASSERT_OK(tvc_event_wait(c.done));
    ASSERT_GT(dropped, 0);
    ASSERT_EQ(c.received + (int64_t)dropped, LINGER_BIG);
    ASSERT_OK(tvc_server_close(srv));
    tvc_event_free(c.go);
    tvc_event_free(c.done);
}

static void bad_options(void)
{
    tvc_server *srv;
    tvc_server_opts bad[] = {{.linger_ms = TVC_LINGER_NONE - 1},
                             {.idle_timeout_ms = -1}};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        ASSERT_ERR(tvc_start_server(&srv, answer, NULL, &bad[i]), -EINVAL);
}

static void body(void)
{
    bad_options();
    never_reads(50);
    never_reads(TVC_LINGER_NONE);
    reader_gets_all();
    idle_client();
    free_drops_and_counts();
}

DIRECT_TEST_MAIN(body)
