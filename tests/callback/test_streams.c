/*
 * Streams over loopback: the reads against a raw socket peer (readline
 * across partial writes, readuntil, readexactly, EOF, an over-long line),
 * then each read's statuses as cb.h states them (EOF in the middle and
 * at the start, cancelled, a second reader, after our close, the peer's
 * reset, over the limit, an empty separator), connect refused, drain against
 * a peer that does not read, a server whose handlers echo and are
 * cancelled by server_close, and a handler that returns with output it
 * did not drain (the server still sends it all).  Ends with the fds and
 * heap at baseline; test_emfile.c covers a server out of fds.
 */
#include <netinet/in.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include "cb_echo.h"
#include "cb_probe.h"

static tvc_cb_loop *loop;

/* A listening raw socket on 127.0.0.1; its port in *port. */
static int raw_listener(int *port)
{
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    ASSERT_GE(fd, 0);
    struct sockaddr_in a = {.sin_family = AF_INET,
                            .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t len = sizeof a;
    ASSERT_OK(bind(fd, (struct sockaddr *)&a, sizeof a));
    ASSERT_OK(listen(fd, 8));
    ASSERT_OK(getsockname(fd, (struct sockaddr *)&a, &len));
    *port = ntohs(a.sin_port);
    return fd;
}

/* A stream connected to a raw peer fd (*peer). */
static tvc_cb_stream *connect_raw(int lfd, int port, int *peer)
{
    probe c = {.op = P_CONNECT, .port = port};
    probe_spawn(loop, &c, NULL);
    tvc_cb_run_once(loop, 0); /* connect() issued */
    *peer = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
    ASSERT_GE(*peer, 0);
    settle(loop);
    ASSERT_EQ(c.calls, 1);
    ASSERT_OK(c.status);
    return c.value;
}

static void send_all(int fd, const char *s)
{
    ASSERT_EQ(send(fd, s, strlen(s), 0), (ssize_t)strlen(s));
}

/* Runs the loop until p's continuation has run. */
static void run_until_called(const probe *p)
{
    while (p->calls == 0)
        ASSERT_GE(tvc_cb_run_once(loop, 1), 0);
}

/* The four reads, each asking for more than "ab". */
enum { READS = 4 };
static const int read_ops[READS] = {P_READ, P_READEXACT, P_READLINE,
                                    P_READUNTIL};

static probe read_probe(int i, tvc_cb_stream *s)
{
    return (probe){.op = read_ops[i], .obj = s, .n = 5, .sep = "::"};
}

/* What each read gets at EOF, the same after "ab" and with nothing left:
 * read and readline give what there is, the others TVC_EINCOMPLETE. */
static void reads_at_eof(int lfd, int port)
{
    static const int at_eof[READS] = {0, TVC_EINCOMPLETE, 0, TVC_EINCOMPLETE};
    for (int i = 0; i < READS; i++) {
        int peer;
        tvc_cb_stream *s = connect_raw(lfd, port, &peer);
        send_all(peer, "ab");
        shutdown(peer, SHUT_WR);
        probe p = read_probe(i, s);
        probe_spawn(loop, &p, NULL);
        run_until_called(&p);
        ONCE(p, at_eof[i]);
        ASSERT_STREQ(p.copy, "ab"); /* the partial bytes, either way */
        probe q = read_probe(i, s);
        probe_spawn(loop, &q, NULL);
        settle(loop);
        ONCE(q, at_eof[i]);
        ASSERT_EQ(q.data.len, 0);
        tvc_cb_stream_free(s);
        close(peer);
    }
}

/* Each read cancelled while pending; a second reader while one is
 * pending is refused, and the first still gets its bytes. */
static void reads_cancelled_and_shared(int lfd, int port)
{
    int peer;
    tvc_cb_stream *s = connect_raw(lfd, port, &peer);
    for (int i = 0; i < READS; i++) {
        tvc_cb_task *h;
        probe p = read_probe(i, s);
        probe_spawn(loop, &p, &h);
        settle(loop);
        ASSERT_EQ(p.calls, 0);
        ASSERT_EQ(tvc_cb_task_cancel(h), 1);
        settle(loop);
        ONCE(p, -ECANCELED);
        tvc_cb_task_release(h);
    }
    probe first = read_probe(1, s), second = read_probe(2, s);
    probe_spawn(loop, &first, NULL);
    settle(loop);
    probe_spawn(loop, &second, NULL);
    settle(loop);
    ONCE(second, TVC_EINVALSTATE);
    ASSERT_EQ(first.calls, 0);
    send_all(peer, "hello\n");
    run_until_called(&first);
    ONCE(first, 0);
    ASSERT_STREQ(first.copy, "hello");
    tvc_cb_stream_free(s);
    close(peer);
}

/* Closed by us: a read the buffered bytes answer is answered; one that
 * needs more, pending or new, is refused; there was no EOF. */
static void reads_after_close(int lfd, int port)
{
    int peer;
    tvc_cb_stream *s = connect_raw(lfd, port, &peer);
    send_all(peer, "abc");
    probe a = {.op = P_READEXACT, .obj = s, .n = 1};
    probe_spawn(loop, &a, NULL);
    run_until_called(&a);
    ONCE(a, 0);
    probe pending = read_probe(1, s); /* 5 bytes, "bc" buffered */
    probe_spawn(loop, &pending, NULL);
    settle(loop);
    ASSERT_EQ(pending.calls, 0);
    ASSERT_OK(tvc_cb_stream_close(s));
    settle(loop);
    ONCE(pending, TVC_EINVALSTATE);
    probe bc = {.op = P_READEXACT, .obj = s, .n = 2};
    probe_spawn(loop, &bc, NULL);
    settle(loop);
    ONCE(bc, 0);
    ASSERT_STREQ(bc.copy, "bc");
    for (int i = 0; i < READS; i++) {
        probe p = read_probe(i, s);
        probe_spawn(loop, &p, NULL);
        settle(loop);
        ONCE(p, TVC_EINVALSTATE);
    }
    ASSERT(!tvc_cb_stream_at_eof(s));
    tvc_cb_stream_free(s);
    close(peer);
}

/* The peer resets while each read waits: -ECONNRESET, for each read
 * that what is buffered cannot answer. */
static void reads_reset(int lfd, int port)
{
    for (int i = 0; i < READS; i++) {
        int peer;
        tvc_cb_stream *s = connect_raw(lfd, port, &peer);
        probe r = read_probe(i, s);
        probe_spawn(loop, &r, NULL);
        settle(loop);
        struct linger lg = {1, 0};
        ASSERT_OK(setsockopt(peer, SOL_SOCKET, SO_LINGER, &lg, sizeof lg));
        close(peer);
        run_until_called(&r);
        ONCE(r, -ECONNRESET);
        tvc_cb_stream_free(s);
    }

    /* Bytes already buffered still answer the reads they can. */
    int peer;
    tvc_cb_stream *s = connect_raw(lfd, port, &peer);
    send_all(peer, "cd");
    probe x = {.op = P_READEXACT, .obj = s, .n = 3};
    probe_spawn(loop, &x, NULL);
    settle(loop);
    ASSERT_EQ(x.calls, 0);
    struct linger lg = {1, 0};
    ASSERT_OK(setsockopt(peer, SOL_SOCKET, SO_LINGER, &lg, sizeof lg));
    close(peer);
    run_until_called(&x);
    ONCE(x, -ECONNRESET);
    probe y = {.op = P_READEXACT, .obj = s, .n = 2}, z = read_probe(0, s);
    probe_spawn(loop, &y, NULL);
    settle(loop);
    ONCE(y, 0);
    ASSERT_STREQ(y.copy, "cd");
    probe_spawn(loop, &z, NULL);
    settle(loop);
    ONCE(z, -ECONNRESET);
    tvc_cb_stream_free(s);
}

static void reads(int lfd, int port)
{
    int peer;
    tvc_cb_stream *s = connect_raw(lfd, port, &peer);

    /* A line in two pieces: the read waits for the rest. */
    send_all(peer, "hel");
    probe l1 = {.op = P_READLINE, .obj = s};
    probe_spawn(loop, &l1, NULL);
    settle(loop);
    ASSERT_EQ(l1.calls, 0);
    send_all(peer, "lo\nab::cdXY");
    while (l1.calls == 0)
        ASSERT_GE(tvc_cb_run_once(loop, 1), 0);
    ASSERT_OK(l1.status);
    ASSERT_STREQ(l1.copy, "hello\n");

    probe u = {.op = P_READUNTIL, .obj = s, .sep = "::"};
    probe_spawn(loop, &u, NULL);
    settle(loop);
    ASSERT_OK(u.status);
    ASSERT_STREQ(u.copy, "ab::");
    probe x = {.op = P_READEXACT, .obj = s, .n = 2};
    probe_spawn(loop, &x, NULL);
    settle(loop);
    ASSERT_OK(x.status);
    ASSERT_STREQ(x.copy, "cd");

    /* A pending read cancelled; the next read still gets the bytes. */
    tvc_cb_task *h;
    probe rc = {.op = P_READEXACT, .obj = s, .n = 10};
    probe_spawn(loop, &rc, &h);
    settle(loop);
    ASSERT_EQ(tvc_cb_task_cancel(h), 1);
    settle(loop);
    ASSERT_EQ(rc.calls, 1);
    ASSERT_EQ(rc.status, -ECANCELED);
    tvc_cb_task_release(h);

    /* Our side: writelines, then write_eof; the peer reads it all and
     * then EOF, and writing after write_eof fails. */
    struct iovec iov[2] = {{"ab", 2}, {"cd\n", 3}};
    ASSERT_OK(tvc_cb_stream_writelines(s, iov, 2));
    ASSERT_OK(tvc_cb_stream_write_eof(s));
    ASSERT_ERR(tvc_cb_stream_write(s, "x", 1), -EPIPE);
    char got[16];
    size_t have = 0;
    for (ssize_t k; (k = recv(peer, got + have, sizeof got - have, 0)) > 0;)
        have += (size_t)k;
    ASSERT_EQ(have, 5);
    ASSERT(memcmp(got, "abcd\n", 5) == 0);

    /* EOF: the partial line, then an incomplete exact read. */
    send_all(peer, "tail");
    shutdown(peer, SHUT_WR);
    probe l2 = {.op = P_READLINE, .obj = s};
    probe_spawn(loop, &l2, NULL);
    while (l2.calls == 0)
        ASSERT_GE(tvc_cb_run_once(loop, 1), 0);
    ASSERT_OK(l2.status);
    ASSERT_STREQ(l2.copy, "XYtail");
    ASSERT(tvc_cb_stream_at_eof(s));
    probe x2 = {.op = P_READEXACT, .obj = s, .n = 3};
    probe_spawn(loop, &x2, NULL);
    settle(loop);
    ASSERT_EQ(x2.status, TVC_EINCOMPLETE);

    /* Close and wait_closed. */
    ASSERT_OK(tvc_cb_stream_close(s));
    ASSERT(tvc_cb_stream_is_closing(s));
    ASSERT_ERR(tvc_cb_stream_write(s, "x", 1), -EPIPE);
    probe wc = {.op = P_CLOSED, .obj = s};
    probe_spawn(loop, &wc, NULL);
    settle(loop);
    ASSERT_EQ(wc.calls, 1);
    ASSERT_OK(wc.status);
    tvc_cb_stream_free(s);
    close(peer);
}

static void garbage_and_reset(int lfd, int port)
{
    /* A line longer than the limit: an error for this stream. */
    int peer;
    tvc_cb_stream *s = connect_raw(lfd, port, &peer);
    static char junk[TVC_STREAM_LIMIT_DEFAULT + 100];
    memset(junk, 'z', sizeof junk);
    ssize_t sent = 0;
    while (sent < (ssize_t)sizeof junk) {
        ssize_t k = send(peer, junk + sent, sizeof junk - (size_t)sent, 0);
        ASSERT_GT(k, 0);
        sent += k;
    }
    probe l = {.op = P_READLINE, .obj = s};
    probe_spawn(loop, &l, NULL);
    run_until_called(&l);
    ONCE(l, TVC_ELIMIT);
    /* The bytes stay: readuntil finds no separator within them either. */
    probe u = read_probe(3, s);
    probe_spawn(loop, &u, NULL);
    run_until_called(&u);
    ONCE(u, TVC_ELIMIT);
    probe e = {.op = P_READUNTIL, .obj = s, .sep = ""};
    probe_spawn(loop, &e, NULL);
    settle(loop);
    ONCE(e, -EINVAL);
    tvc_cb_stream_free(s);
    close(peer);
    reads_reset(lfd, port);
}

static void drain_and_refused(int lfd, int port)
{
    int peer;
    tvc_cb_stream *s = connect_raw(lfd, port, &peer);
    /* The peer reads nothing: writes pile up past the high-water mark. */
    static char block[256 * 1024];
    for (int i = 0; i < 64; i++)
        ASSERT_OK(tvc_cb_stream_write(s, block, sizeof block));
    tvc_cb_task *h;
    probe d = {.op = P_DRAIN, .obj = s};
    probe_spawn(loop, &d, &h);
    settle(loop);
    ASSERT_EQ(d.calls, 0);
    tvc_cb_task_cancel(h);
    settle(loop);
    ASSERT_EQ(d.calls, 1);
    ASSERT_EQ(d.status, -ECANCELED);
    tvc_cb_task_release(h);
    tvc_cb_stream_free(s); /* unsent output dropped */
    close(peer);

    /* Nothing listens on a port just closed: refused. */
    int fd, p2;
    fd = raw_listener(&p2);
    close(fd);
    probe c = {.op = P_CONNECT, .port = p2};
    probe_spawn(loop, &c, NULL);
    while (c.calls == 0)
        ASSERT_GE(tvc_cb_run_once(loop, 1), 0);
    ASSERT_EQ(c.status, -ECONNREFUSED);
}

/* ---- a server whose handlers echo lines ------------------------------- */

static void server(void)
{
    tvc_cb_server *srv;
    ASSERT_OK(tvc_cb_start_server(loop, &srv, cb_echo, NULL, NULL));
    probe c = {.op = P_CONNECT, .port = tvc_cb_server_port(srv)};
    probe_spawn(loop, &c, NULL);
    settle(loop);
    ASSERT_OK(c.status);
    tvc_cb_stream *s = c.value;
    ASSERT_OK(tvc_cb_stream_write(s, "ping\n", 5));
    probe l = {.op = P_READLINE, .obj = s};
    probe_spawn(loop, &l, NULL);
    while (l.calls == 0)
        ASSERT_GE(tvc_cb_run_once(loop, 1), 0);
    ASSERT_STREQ(l.copy, "ping\n");
    ASSERT_EQ(tvc_cb_server_connections(srv), 1);

    /* Close cancels the live handler (blocked in readline) and waits. */
    probe cl = {.obj = srv};
    ASSERT_OK(tvc_cb_spawn(loop, NULL, cb_close_server, &cl));
    settle(loop);
    ASSERT_EQ(cl.calls, 1);
    ASSERT_OK(cl.status);
    tvc_cb_stream_free(s);
}

enum { UNSENT_BYTES = 4 << 20 };

/* Writes more than the kernel takes at once and returns without drain
 * or close: the server must send the rest before freeing the stream. */
static void write_and_return(tvc_cb_task *t, int status)
{
    char *big = status == 0 ? malloc(UNSENT_BYTES) : NULL;
    int r = status != 0 ? status : big ? 0 : -ENOMEM;
    if (big) {
        memset(big, 'u', UNSENT_BYTES);
        r = tvc_cb_stream_write(tvc_cb_task_arg(t), big, UNSENT_BYTES);
        free(big);
    }
    tvc_cb_task_return(t, r, NULL);
}

/* A client that reads until EOF: p->n counts the bytes, p->status is
 * the first error (0 at EOF), p->calls 1 once done. */
static void count_got(tvc_cb_task *t, int rc, tvc_slice data);

static void count_read(tvc_cb_task *t, int status)
{
    probe *p = tvc_cb_task_arg(t);
    if (status != 0) {
        count_got(t, status, (tvc_slice){NULL, 0});
        return;
    }
    tvc_cb_read(t, p->obj, 65536, count_got);
}

static void count_got(tvc_cb_task *t, int rc, tvc_slice data)
{
    probe *p = tvc_cb_task_arg(t);
    if (rc != 0 || data.len == 0) {
        p->calls++;
        p->status = rc;
        tvc_cb_task_return(t, 0, NULL);
        return;
    }
    p->n += data.len;
    tvc_cb_read(t, p->obj, 65536, count_got);
}

/* A handler that returns with output it did not drain: the server still
 * sends all of it, then closes the connection; closing the server ends a
 * sending that waits on a peer that does not read. */
static void handler_output_sent(void)
{
    tvc_cb_server *srv;
    ASSERT_OK(tvc_cb_start_server(loop, &srv, write_and_return, NULL, NULL));
    probe c = {.op = P_CONNECT, .port = tvc_cb_server_port(srv)};
    probe_spawn(loop, &c, NULL);
    while (c.calls == 0)
        ASSERT_GE(tvc_cb_run_once(loop, 1), 0);
    ASSERT_OK(c.status);
    probe rd = {.obj = c.value};
    ASSERT_OK(tvc_cb_spawn(loop, NULL, count_read, &rd));
    while (rd.calls == 0)
        ASSERT_GE(tvc_cb_run_once(loop, 1), 0);
    ASSERT_OK(rd.status);
    ASSERT_EQ(rd.n, UNSENT_BYTES);
    settle(loop);
    ASSERT_EQ(tvc_cb_server_connections(srv), 0);
    tvc_cb_stream_free(c.value);

    /* A client that does not read: the sending waits, and closing the
     * server ends it (the stream freed with its output unsent). */
    probe c2 = {.op = P_CONNECT, .port = tvc_cb_server_port(srv)};
    probe_spawn(loop, &c2, NULL);
    while (c2.calls == 0)
        ASSERT_GE(tvc_cb_run_once(loop, 1), 0);
    ASSERT_OK(c2.status);
    settle(loop);
    ASSERT_EQ(tvc_cb_server_connections(srv), 1);
    probe cl = {.obj = srv};
    ASSERT_OK(tvc_cb_spawn(loop, NULL, cb_close_server, &cl));
    settle(loop);
    ASSERT_EQ(cl.calls, 1);
    ASSERT_OK(cl.status);
    tvc_cb_stream_free(c2.value);
}

int main(void)
{
    tvc_test_baseline base = tvc_test_baseline_take();
    ASSERT_OK(tvc_cb_loop_new(&loop, 0));
    int port, lfd = raw_listener(&port);
    reads(lfd, port);
    reads_at_eof(lfd, port);
    reads_cancelled_and_shared(lfd, port);
    reads_after_close(lfd, port);
    garbage_and_reset(lfd, port);
    drain_and_refused(lfd, port);
    close(lfd);
    server();
    handler_output_sent();
    ASSERT_EQ(tvc_cb_loop_task_count(loop), 0);
    ASSERT_EQ(tvc_cb_loop_close(loop), 0);
    ASSERT_NO_LEAKS(base, 0);
    return 0;
}
