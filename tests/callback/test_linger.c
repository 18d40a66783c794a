/*
 * The callback runtime's side of tests/direct/test_linger.c: what a
 * server does with a connection after its handler returns, and with one
 * that sends nothing (server_opts.h: linger_ms, idle_timeout_ms), and
 * what tvc_cb_stream_free drops (cb.h):
 *   - a client that never reads a large answer: once the linger runs
 *     out, the server resets the connection (the client sees
 *     ECONNRESET) and frees the handler, and the bytes it dropped are
 *     counted; also with TVC_LINGER_NONE;
 *   - a client that reads gets every byte, and nothing is dropped;
 *   - a client that sends nothing: the handler's read fails with
 *     -ETIMEDOUT, and so does the next, and the client sees EOF;
 *   - a stream freed without close: what the kernel does not take is
 *     dropped and counted, so received + dropped = written.
 * The loop is stepped without blocking, napping a millisecond when it
 * has nothing to do, until the awaited event on a plain-socket client
 * (linger_peer.h); a count of steps bounds each wait, never a time.
 */
#include <unistd.h>

#include "cb_probe.h"
#include "linger_peer.h"

static tvc_cb_loop *loop;

/* What the handlers and the client tasks saw. */
typedef struct seen {
    int first_read, second_read; /* the handler's readline statuses */
    size_t received, bad;        /* bytes read; those out of pattern */
    int finished;                /* a reading task is done */
    int status;                  /* its status */
    tvc_cb_event *go;            /* drained_reader starts */
} seen;

/* One step of the loop; a nap when it had nothing to do. */
static void step(void)
{
    int n = tvc_cb_run_once(loop, 0);
    ASSERT_GE(n, 0);
    if (n == 0)
        usleep(1000);
}

/* Steps until poll reports one of want on the plain socket fd. */
static void step_until_seen(int fd, short want)
{
    for (int i = 0; i < LINGER_LOOKS && !linger_seen(fd, want); i++)
        step();
    ASSERT(linger_seen(fd, want));
}

static void step_until_no_connections(tvc_cb_server *srv)
{
    for (int i = 0; i < LINGER_LOOKS && tvc_cb_server_connections(srv) > 0; i++)
        step();
    ASSERT_EQ(tvc_cb_server_connections(srv), 0);
}

static void step_until_finished(seen *c)
{
    for (int i = 0; i < LINGER_LOOKS && !c->finished; i++)
        step();
    ASSERT(c->finished);
}

static void close_server_task(tvc_cb_task *t, int status)
{
    (void)status;
    probe *p = tvc_cb_task_arg(t);
    tvc_cb_server_close(t, p->obj, probe_status);
}

static void close_server(tvc_cb_server *srv)
{
    probe cl = {.obj = srv};
    ASSERT_OK(tvc_cb_spawn(loop, NULL, close_server_task, &cl));
    while (cl.calls == 0)
        step();
    ASSERT_OK(cl.status);
}

/* ---- the handler: a request line, then the answer, no drain ---------- */

static void answer_again(tvc_cb_task *t, int rc, tvc_slice line)
{
    seen *c = tvc_cb_stream_server_arg(tvc_cb_task_arg(t));
    c->second_read = rc;
    tvc_cb_task_return(t, 0, NULL);
}

/* A read that fails is followed by one more, to see the failure stay. */
static void answer_read(tvc_cb_task *t, int rc, tvc_slice line)
{
    tvc_cb_stream *s = tvc_cb_task_arg(t);
    seen *c = tvc_cb_stream_server_arg(s);
    c->first_read = rc;
    if (rc < 0) {
        tvc_cb_readline(t, s, answer_again);
        return;
    }
    char *b = linger_answer();
    rc = tvc_cb_stream_write(s, b, LINGER_BIG);
    free(b);
    tvc_cb_task_return(t, rc, NULL);
}

static void answer(tvc_cb_task *t, int status)
{
    if (status != 0) {
        tvc_cb_task_return(t, status, NULL);
        return;
    }
    tvc_cb_readline(t, tvc_cb_task_arg(t), answer_read);
}

static tvc_cb_stream *connect_stream(int port)
{
    probe c = {.op = P_CONNECT, .port = port};
    probe_spawn(loop, &c, NULL);
    while (c.calls == 0)
        step();
    ASSERT_OK(c.status);
    return c.value;
}

/* A client that sends a request and never reads the answer. */
static void never_reads(int linger_ms)
{
    seen c = {0};
    tvc_cb_server *srv;
    tvc_server_opts opts = {.linger_ms = linger_ms};
    ASSERT_OK(tvc_cb_start_server(loop, &srv, answer, &c, &opts));
    uint64_t dropped = tvc_cb_stream_dropped_bytes();
    int fd = linger_nonreader(tvc_cb_server_port(srv));

    /* The linger runs out: a reset, and the handler is gone. */
    step_until_seen(fd, POLLERR);
    linger_assert_reset(fd);
    step_until_no_connections(srv);
    ASSERT_OK(c.first_read);
    ASSERT_GT(tvc_cb_stream_dropped_bytes() - dropped, 0);
    close(fd);
    close_server(srv);
}

/* ---- a client that reads everything ------------------------------------ */

static seen *reading; /* the reading task's record (one at a time) */

static void read_more(tvc_cb_task *t, int rc, tvc_slice d)
{
    if (rc != 0 || d.len == 0) {
        reading->status = rc;
        reading->finished = 1;
        tvc_cb_task_return(t, 0, NULL);
        return;
    }
    reading->bad += linger_bad_bytes(d.data, d.len, reading->received);
    reading->received += d.len;
    tvc_cb_read(t, tvc_cb_task_arg(t), 65536, read_more);
}

/* A task reading its stream (its argument) until EOF into *reading. */
static void read_all(tvc_cb_task *t, int status)
{
    if (status != 0) {
        read_more(t, status, (tvc_slice){NULL, 0});
        return;
    }
    tvc_cb_read(t, tvc_cb_task_arg(t), 65536, read_more);
}

/* A client that reads gets every byte of the answer, in order. */
static void reader_gets_all(void)
{
    seen c = {0};
    tvc_cb_server *srv;
    /* A linger no run comes near: the reader is never cut short. */
    tvc_server_opts opts = {.linger_ms = 600000, .idle_timeout_ms = 600000};
    ASSERT_OK(tvc_cb_start_server(loop, &srv, answer, &c, &opts));
    uint64_t dropped = tvc_cb_stream_dropped_bytes();
    tvc_cb_stream *s = connect_stream(tvc_cb_server_port(srv));
    ASSERT_OK(tvc_cb_stream_write(s, LINGER_REQUEST, 3));
    seen got = {0};
    reading = &got;
    ASSERT_OK(tvc_cb_spawn(loop, NULL, read_all, s));
    step_until_finished(&got);
    ASSERT_OK(got.status);
    ASSERT_EQ(got.received, LINGER_BIG);
    ASSERT_EQ(got.bad, 0);
    tvc_cb_stream_free(s);
    step_until_no_connections(srv);
    ASSERT_EQ(tvc_cb_stream_dropped_bytes() - dropped, 0);
    close_server(srv);
}

/* A client that sends nothing: the handler's read fails with -ETIMEDOUT
 * (and the next read too), the handler returns, the client sees EOF. */
static void idle_client(void)
{
    seen c = {0};
    tvc_cb_server *srv;
    tvc_server_opts opts = {.idle_timeout_ms = 50};
    ASSERT_OK(tvc_cb_start_server(loop, &srv, answer, &c, &opts));
    int fd = linger_connect(tvc_cb_server_port(srv), 0);
    step_until_seen(fd, POLLIN);
    linger_assert_eof(fd);
    step_until_no_connections(srv);
    ASSERT_EQ(c.first_read, -ETIMEDOUT);
    ASSERT_EQ(c.second_read, -ETIMEDOUT);
    close(fd);
    close_server(srv);
}

/* ---- a stream freed without close -------------------------------------- */

static void drained_got(tvc_cb_task *t, int rc, tvc_slice d)
{
    tvc_cb_stream *s = tvc_cb_task_arg(t);
    seen *c = tvc_cb_stream_server_arg(s);
    if (rc != 0 || d.len == 0) {
        c->status = rc;
        c->finished = 1;
        tvc_cb_task_return(t, rc, NULL);
        return;
    }
    c->received += d.len;
    tvc_cb_read(t, s, 65536, drained_got);
}

static void drained_go(tvc_cb_task *t, int status)
{
    if (status != 0) {
        drained_got(t, status, (tvc_slice){NULL, 0});
        return;
    }
    tvc_cb_read(t, tvc_cb_task_arg(t), 65536, drained_got);
}

/* A handler that reads nothing until told to, then everything until
 * EOF. */
static void drained_reader(tvc_cb_task *t, int status)
{
    if (status != 0) {
        drained_got(t, status, (tvc_slice){NULL, 0});
        return;
    }
    seen *c = tvc_cb_stream_server_arg(tvc_cb_task_arg(t));
    tvc_cb_event_wait(t, c->go, drained_go);
}

/* A client stream freed without close, with output the kernel did not
 * take: that output is dropped and counted, the rest arrives. */
static void free_drops_and_counts(void)
{
    seen c = {0};
    ASSERT_OK(tvc_cb_event_new(&c.go));
    tvc_cb_server *srv;
    ASSERT_OK(tvc_cb_start_server(loop, &srv, drained_reader, &c, NULL));
    tvc_cb_stream *s = connect_stream(tvc_cb_server_port(srv));
    char *b = linger_answer();
    ASSERT_OK(tvc_cb_stream_write(s, b, LINGER_BIG));
    free(b);
    uint64_t before = tvc_cb_stream_dropped_bytes();
    tvc_cb_stream_free(s);
    uint64_t dropped = tvc_cb_stream_dropped_bytes() - before;
    tvc_cb_event_set(c.go);
    step_until_finished(&c);
    ASSERT_OK(c.status);
    ASSERT_GT(dropped, 0);
    ASSERT_EQ(c.received + dropped, LINGER_BIG);
    close_server(srv);
    tvc_cb_event_free(c.go);
}

static void bad_options(void)
{
    tvc_cb_server *srv;
    tvc_server_opts bad[] = {{.linger_ms = TVC_LINGER_NONE - 1},
                             {.idle_timeout_ms = -1}};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        ASSERT_ERR(tvc_cb_start_server(loop, &srv, answer, NULL, &bad[i]),
                   -EINVAL);
}

int main(void)
{
    tvc_test_baseline base = tvc_test_baseline_take();
    ASSERT_OK(tvc_cb_loop_new(&loop, 0));
    bad_options();
    never_reads(50);
    never_reads(TVC_LINGER_NONE);
    reader_gets_all();
    idle_client();
    free_drops_and_counts();
    settle(loop);
    ASSERT_EQ(tvc_cb_loop_task_count(loop), 0);
    ASSERT_EQ(tvc_cb_loop_close(loop), 0);
    ASSERT_NO_LEAKS(base, 0);
    printf("ok %s\n", __FILE__);
    return 0;
}
