/*
 * Streams over loopback, on every direct-style runtime.
 *
 * Data: a line echo, and a large payload through partial reads and
 * writes in both directions at once.
 *
 * Read errors: readexactly's incomplete read at EOF; readuntil's limit
 * overrun, on the client side and in a server handler (the server's other
 * connections unaffected); readline at EOF; a peer that resets
 * (-ECONNRESET or -EPIPE on that connection only); a reset that comes
 * while a handler waits in a read (the bytes before it are read first,
 * then -ECONNRESET, for every later read that needs more).
 *
 * Closing: half-close with write_eof; close then wait_closed sending what
 * was buffered; a handler that returns with output it did not drain (the
 * runtime still sends it all).
 *
 * Connecting: a refused connection, and IPv6.
 */
#include "direct_test.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* What a handler reports back to the test, one per connection. */
typedef struct report {
    tvc_queue *done; /* handlers put their final status here */
} report;

static void handler_done(report *rep, int status)
{
    ASSERT_OK(tvc_queue_put(rep->done, (void *)(intptr_t)status));
}

static int next_status(report *rep)
{
    void *item;
    ASSERT_OK(tvc_queue_get(rep->done, &item));
    return (int)(intptr_t)item;
}

/* Echoes lines until EOF, reporting the first error (0 at EOF). */
static int line_echo(tvc_stream *s, void *arg)
{
    int r;
    for (;;) {
        tvc_slice line;
        r = tvc_stream_readline(s, &line);
        if (r < 0 || line.len == 0)
            break;
        if ((r = tvc_stream_write(s, line.data, line.len)) < 0 ||
            (r = tvc_stream_drain(s)) < 0)
            break;
    }
    handler_done(arg, r);
    return r;
}

/* Echoes bytes as they come until EOF, then half-closes. */
static int bulk_echo(tvc_stream *s, void *arg)
{
    int r;
    for (;;) {
        tvc_slice chunk;
        r = tvc_stream_read(s, 65536, &chunk);
        if (r < 0 || chunk.len == 0)
            break;
        if ((r = tvc_stream_write(s, chunk.data, chunk.len)) < 0 ||
            (r = tvc_stream_drain(s)) < 0)
            break;
    }
    if (r == 0)
        r = tvc_stream_write_eof(s);
    handler_done(arg, r);
    return r;
}

static tvc_server *start(tvc_conn_fn *fn, report *rep, size_t limit)
{
    tvc_server *srv;
    ASSERT_OK(
        tvc_start_server(&srv, fn, rep, &(tvc_server_opts){.limit = limit}));
    ASSERT_GT(tvc_server_port(srv), 0);
    return srv;
}

static tvc_stream *connect_to(tvc_server *srv, size_t limit)
{
    tvc_stream *s;
    ASSERT_OK(
        tvc_open_connection(&s, "127.0.0.1", tvc_server_port(srv), limit));
    return s;
}

static void test_line_echo(report *rep)
{
    tvc_server *srv = start(line_echo, rep, 0);
    tvc_stream *s;
    ASSERT_OK(tvc_open_connection(&s, "localhost", tvc_server_port(srv), 0));
    for (int i = 0; i < 50; i++) {
        char msg[32];
        int n = snprintf(msg, sizeof msg, "line %d\n", i);
        ASSERT_OK(tvc_stream_write(s, msg, (size_t)n));
        ASSERT_OK(tvc_stream_drain(s));
        tvc_slice line;
        ASSERT_OK(tvc_stream_readline(s, &line));
        ASSERT_EQ(line.len, n);
        ASSERT(memcmp(line.data, msg, (size_t)n) == 0);
    }
    /* writelines, then readuntil with a two-byte separator. */
    struct iovec iov[3] = {{"ab", 2}, {"c\r", 2}, {"\n", 1}};
    ASSERT_OK(tvc_stream_writelines(s, iov, 3));
    ASSERT_OK(tvc_stream_drain(s));
    tvc_slice got;
    ASSERT_OK(tvc_stream_readuntil(s, "\r\n", 2, &got));
    ASSERT_EQ(got.len, 5);
    ASSERT(memcmp(got.data, "abc\r\n", 5) == 0);
    ASSERT(!tvc_stream_is_closing(s));
    ASSERT_OK(tvc_stream_close(s));
    ASSERT(tvc_stream_is_closing(s));
    ASSERT_OK(tvc_stream_wait_closed(s));
    ASSERT_OK(next_status(rep));
    tvc_stream_free(s);
    ASSERT_OK(tvc_server_close(srv));
}

enum { BULK_BYTES = 4 << 20 };

static unsigned char pattern(size_t i)
{
    return (unsigned char)(i * 7 + i / 251);
}

/* Writes BULK_BYTES in odd-sized pieces, then half-closes. */
static int bulk_writer(void *arg, void **result)
{
    tvc_stream *s = arg;
    unsigned char buf[7001];
    size_t sent = 0;
    while (sent < BULK_BYTES) {
        size_t n = sizeof buf;
        if (n > BULK_BYTES - sent)
            n = BULK_BYTES - sent;
        for (size_t i = 0; i < n; i++)
            buf[i] = pattern(sent + i);
        int r = tvc_stream_write(s, buf, n);
        if (r == 0)
            r = tvc_stream_drain(s);
        if (r < 0)
            return r;
        sent += n;
    }
    return tvc_stream_write_eof(s);
}

static void test_bulk(report *rep)
{
    tvc_server *srv = start(bulk_echo, rep, 0);
    tvc_stream *s = connect_to(srv, 0);
    tvc_task *w = direct_spawn(bulk_writer, s);
    size_t got = 0, step = 1;
    while (got < BULK_BYTES) {
        size_t n = step % 9973 + 1;
        if (n > BULK_BYTES - got)
            n = BULK_BYTES - got;
        tvc_slice sl;
        ASSERT_OK(tvc_stream_readexactly(s, n, &sl));
        ASSERT_EQ(sl.len, n);
        for (size_t i = 0; i < n; i++)
            if ((unsigned char)sl.data[i] != pattern(got + i))
                ASSERT_EQ((unsigned char)sl.data[i], pattern(got + i));
        got += n;
        step = step * 31 + 7;
    }
    ASSERT_OK(tvc_task_join(w, NULL));
    tvc_task_release(w);
    tvc_slice end;
    ASSERT_OK(tvc_stream_read(s, 100, &end));
    ASSERT_EQ(end.len, 0);
    ASSERT(tvc_stream_at_eof(s));
    ASSERT_OK(next_status(rep));
    tvc_stream_free(s);
    ASSERT_OK(tvc_server_close(srv));
}

/* Sends a fixed text, then closes (the runtime frees the stream). */
static int send_text(tvc_stream *s, void *arg)
{
    report *rep = arg;
    const char *text = "abc\ndef";
    int r = tvc_stream_write(s, text, strlen(text));
    if (r == 0)
        r = tvc_stream_write_eof(s);
    handler_done(rep, r);
    return r;
}

static void test_eof_reads(report *rep)
{
    tvc_server *srv = start(send_text, rep, 0);

    /* readline: a full line, the partial last line, then empty. */
    tvc_stream *s = connect_to(srv, 0);
    tvc_slice sl;
    ASSERT_OK(tvc_stream_readline(s, &sl));
    ASSERT_EQ(sl.len, 4);
    ASSERT_OK(tvc_stream_readline(s, &sl));
    ASSERT_EQ(sl.len, 3);
    ASSERT(memcmp(sl.data, "def", 3) == 0);
    ASSERT_OK(tvc_stream_readline(s, &sl));
    ASSERT_EQ(sl.len, 0);
    ASSERT(tvc_stream_at_eof(s));
    tvc_stream_free(s);
    ASSERT_OK(next_status(rep));

    /* readexactly past EOF: incomplete, with the partial bytes. */
    s = connect_to(srv, 0);
    ASSERT_ERR(tvc_stream_readexactly(s, 100, &sl), TVC_EINCOMPLETE);
    ASSERT_EQ(sl.len, 7);
    tvc_stream_free(s);
    ASSERT_OK(next_status(rep));

    /* readuntil at EOF without the separator: incomplete too. */
    s = connect_to(srv, 0);
    ASSERT_OK(tvc_stream_readuntil(s, "\n", 1, &sl));
    ASSERT_ERR(tvc_stream_readuntil(s, "\n", 1, &sl), TVC_EINCOMPLETE);
    ASSERT_EQ(sl.len, 3);
    tvc_stream_free(s);
    ASSERT_OK(next_status(rep));
    ASSERT_OK(tvc_server_close(srv));
}

/* Reads one line with a small limit and reports how that went. */
static int one_line(tvc_stream *s, void *arg)
{
    tvc_slice line;
    int r = tvc_stream_readline(s, &line);
    if (r == 0)
        r = tvc_stream_write(s, line.data, line.len);
    if (r == 0)
        r = tvc_stream_drain(s);
    handler_done(arg, r);
    return r;
}

static void test_limits(report *rep)
{
    enum { LIMIT = 64 };
    char longline[4 * LIMIT];
    memset(longline, 'x', sizeof longline);
    longline[sizeof longline - 1] = '\n';

    /* Server side: the over-long line fails that handler only. */
    tvc_server *srv = start(one_line, rep, LIMIT);
    tvc_stream *bad = connect_to(srv, 0);
    ASSERT_OK(tvc_stream_write(bad, longline, sizeof longline));
    ASSERT_OK(tvc_stream_drain(bad));
    ASSERT_ERR(next_status(rep), TVC_ELIMIT);
    tvc_stream *good = connect_to(srv, 0);
    ASSERT_OK(tvc_stream_write(good, "fine\n", 5));
    tvc_slice sl;
    ASSERT_OK(tvc_stream_readline(good, &sl));
    ASSERT_EQ(sl.len, 5);
    ASSERT_OK(next_status(rep));
    tvc_stream_free(good);
    tvc_stream_free(bad);
    ASSERT_OK(tvc_server_close(srv));

    /* Client side: readuntil past the limit, with the data left
     * intact. */
    srv = start(line_echo, rep, 0);
    tvc_stream *s = connect_to(srv, LIMIT);
    ASSERT_OK(tvc_stream_write(s, longline, sizeof longline));
    ASSERT_OK(tvc_stream_drain(s));
    ASSERT_ERR(tvc_stream_readuntil(s, "\n", 1, &sl), TVC_ELIMIT);
    ASSERT_OK(tvc_stream_read(s, 10, &sl));
    ASSERT_EQ(sl.len, 10);
    ASSERT(sl.data[0] == 'x');
    tvc_stream_free(s);
    ASSERT_OK(next_status(rep));
    ASSERT_OK(tvc_server_close(srv));
}

/* Reads one byte, then returns with the rest unread: the kernel answers
 * the peer's further data with a reset. */
static int read_one_and_drop(tvc_stream *s, void *arg)
{
    tvc_slice sl;
    int r = tvc_stream_readexactly(s, 1, &sl);
    handler_done(arg, r);
    return r;
}

static void test_reset(report *rep)
{
    tvc_server *srv = start(read_one_and_drop, rep, 0);
    tvc_stream *s = connect_to(srv, 0);
    tvc_stream *other = connect_to(srv, 0);
    static char chunk[64 * 1024];
    ASSERT_OK(tvc_stream_write(s, "y", 1));
    ASSERT_OK(tvc_stream_drain(s));
    ASSERT_OK(next_status(rep));
    /* Keep sending until the reset surfaces: a bounded number of chunks,
     * far more than loopback buffers hold. */
    int r = 0;
    for (int i = 0; i < 4096 && r == 0; i++) {
        r = tvc_stream_write(s, chunk, sizeof chunk);
        if (r == 0)
            r = tvc_stream_drain(s);
    }
    ASSERT(r == -ECONNRESET || r == -EPIPE);
    /* The error sticks on that connection ... */
    ASSERT_ERR(tvc_stream_write(s, "z", 1), r);
    tvc_slice sl;
    int rr = tvc_stream_read(s, 10, &sl);
    ASSERT(rr == -ECONNRESET || (rr == 0 && sl.len == 0));
    tvc_stream_free(s);
    /* ... and the other connection works on. */
    ASSERT_OK(tvc_stream_write(other, "w", 1));
    ASSERT_OK(tvc_stream_drain(other));
    ASSERT_OK(next_status(rep));
    tvc_stream_free(other);
    ASSERT_OK(tvc_server_close(srv));
}

/* Waits for more than the peer sends before it resets; reports the
 * partial read's bytes, then the read's error. */
static int read_until_reset(tvc_stream *s, void *arg)
{
    tvc_slice sl;
    int r = tvc_stream_readexactly(s, 3, &sl);
    handler_done(arg, r == 0 && memcmp(sl.data, "abc", 3) == 0 ? 3 : -1);
    r = tvc_stream_readexactly(s, 100, &sl);
    handler_done(arg, r);
    return r;
}

static void test_reset_while_reading(report *rep)
{
    tvc_server *srv = start(read_until_reset, rep, 0);
    /* A plain socket: only it can be closed with a reset (SO_LINGER 0).
     * Connecting to loopback does not block. */
    struct sockaddr_in sin = {.sin_family = AF_INET,
                              .sin_port = htons(tvc_server_port(srv)),
                              .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    ASSERT(fd >= 0);
    ASSERT_OK(connect(fd, (struct sockaddr *)&sin, sizeof sin));
    ASSERT_EQ(write(fd, "abc", 3), 3);
    ASSERT_EQ(next_status(rep), 3);
    /* The handler now waits for 100 bytes; 10 come, then the reset. */
    ASSERT_EQ(write(fd, "0123456789", 10), 10);
    struct linger lg = {.l_onoff = 1, .l_linger = 0};
    ASSERT_OK(setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg));
    ASSERT_OK(close(fd));
    ASSERT_ERR(next_status(rep), -ECONNRESET);
    ASSERT_OK(tvc_server_close(srv));
}

/* A client stream whose peer is a plain socket (*peer), so the test
 * controls exactly what the stream receives. */
static tvc_stream *plain_peer(int *peer, size_t limit)
{
    struct sockaddr_in sin = {.sin_family = AF_INET,
                              .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t len = sizeof sin;
    int lfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    ASSERT(lfd >= 0);
    ASSERT_OK(bind(lfd, (struct sockaddr *)&sin, len));
    ASSERT_OK(listen(lfd, 1));
    ASSERT_OK(getsockname(lfd, (struct sockaddr *)&sin, &len));
    tvc_stream *s;
    ASSERT_OK(tvc_open_connection(&s, "127.0.0.1", ntohs(sin.sin_port),
                                  limit));
    /* Connected: it waits in the backlog, accept does not block. */
    *peer = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
    ASSERT(*peer >= 0);
    ASSERT_OK(close(lfd));
    return s;
}

static void reset_peer(int fd)
{
    struct linger lg = {.l_onoff = 1, .l_linger = 0};
    ASSERT_OK(setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg));
    ASSERT_OK(close(fd));
}

enum read_kind { READ_SOME, READ_EXACTLY, READ_LINE, READ_UNTIL };
enum { READ_KINDS = READ_UNTIL + 1 };

/* One read call of each kind, each wanting more than 4 bytes without a
 * line end. */
static int read_as(tvc_stream *s, int kind, tvc_slice *sl)
{
    switch ((enum read_kind)kind) {
    case READ_SOME:
        return tvc_stream_read(s, 100, sl);
    case READ_EXACTLY:
        return tvc_stream_readexactly(s, 100, sl);
    case READ_LINE:
        return tvc_stream_readline(s, sl);
    case READ_UNTIL:
        return tvc_stream_readuntil(s, "\r\n", 2, sl);
    }
    return -EINVAL;
}

/* The peer sends a few bytes without a line end, then resets: read
 * returns the bytes, then -ECONNRESET; the others need more than came
 * and get -ECONNRESET at once, the bytes left readable.  It sticks for
 * every later call that needs more bytes. */
static void test_reads_see_reset(void)
{
    for (int k = 0; k < READ_KINDS; k++) {
        int peer;
        tvc_stream *s = plain_peer(&peer, 0);
        ASSERT_EQ(write(peer, "part", 4), 4);
        reset_peer(peer);
        tvc_slice sl;
        if (k == READ_SOME) {
            ASSERT_OK(read_as(s, k, &sl));
            ASSERT_EQ(sl.len, 4);
        }
        ASSERT_ERR(read_as(s, k, &sl), -ECONNRESET);
        ASSERT_ERR(read_as(s, k, &sl), -ECONNRESET);
        if (k != READ_SOME) { /* the bytes before it are still there */
            ASSERT_OK(tvc_stream_read(s, 100, &sl));
            ASSERT_EQ(sl.len, 4);
        }
        ASSERT_ERR(tvc_stream_read(s, 100, &sl), -ECONNRESET);
        tvc_stream_free(s);
    }
}

/* readexactly may ask for more than the limit; a read on a closed
 * stream is refused. */
static void test_limit_and_close(void)
{
    enum { LIMIT = 64, BIG = 4 * LIMIT };
    int peer;
    tvc_stream *s = plain_peer(&peer, LIMIT);
    char big[BIG];
    memset(big, 'e', sizeof big);
    ASSERT_EQ(write(peer, big, sizeof big), sizeof big);
    tvc_slice sl;
    ASSERT_OK(tvc_stream_readexactly(s, BIG, &sl));
    ASSERT_EQ(sl.len, BIG);
    ASSERT_OK(tvc_stream_close(s));
    for (int k = 0; k < READ_KINDS; k++)
        ASSERT_ERR(read_as(s, k, &sl), TVC_EINVALSTATE);
    tvc_stream_free(s);
    ASSERT_OK(close(peer));
}

/* Reads to EOF, then answers with the byte count: the reply travels on
 * the half the client left open. */
static int count_then_reply(tvc_stream *s, void *arg)
{
    size_t total = 0;
    int r;
    for (;;) {
        tvc_slice sl;
        r = tvc_stream_read(s, 1000, &sl);
        if (r < 0 || sl.len == 0)
            break;
        total += sl.len;
    }
    if (r == 0) {
        char msg[32];
        int n = snprintf(msg, sizeof msg, "got %zu\n", total);
        r = tvc_stream_write(s, msg, (size_t)n);
        if (r == 0)
            r = tvc_stream_drain(s);
    }
    handler_done(arg, r);
    return r;
}

static void test_half_close(report *rep)
{
    tvc_server *srv = start(count_then_reply, rep, 0);
    tvc_stream *s = connect_to(srv, 0);
    ASSERT_OK(tvc_stream_write(s, "hello\n", 6));
    ASSERT_OK(tvc_stream_write_eof(s));
    ASSERT_ERR(tvc_stream_write(s, "more", 4), -EPIPE);
    tvc_slice sl;
    ASSERT_OK(tvc_stream_readline(s, &sl));
    ASSERT_EQ(sl.len, 6);
    ASSERT(memcmp(sl.data, "got 6\n", 6) == 0);
    ASSERT_OK(next_status(rep));
    tvc_stream_free(s);
    ASSERT_OK(tvc_server_close(srv));
}

/* Reads to EOF and reports the byte count as its status. */
static int count_bytes(tvc_stream *s, void *arg)
{
    intptr_t total = 0;
    tvc_slice sl;
    int r;
    while ((r = tvc_stream_read(s, 65536, &sl)) == 0 && sl.len > 0)
        total += (intptr_t)sl.len;
    handler_done(arg, r < 0 ? r : (int)total);
    return r;
}

/* close() with more output buffered than the kernel takes at once:
 * wait_closed sends all of it before the socket goes. */
static void test_close_flushes(report *rep)
{
    enum { BYTES = 2 << 20 };
    tvc_server *srv = start(count_bytes, rep, 0);
    tvc_stream *s = connect_to(srv, 0);
    char *big = malloc(BYTES);
    ASSERT(big != NULL);
    memset(big, 'b', BYTES);
    ASSERT_OK(tvc_stream_write(s, big, BYTES));
    free(big);
    ASSERT_OK(tvc_stream_close(s));
    ASSERT(tvc_stream_is_closing(s));
    ASSERT_OK(tvc_stream_wait_closed(s));
    ASSERT_EQ(next_status(rep), BYTES);
    tvc_stream_free(s);
    ASSERT_OK(tvc_server_close(srv));
}

enum { UNSENT_BYTES = 4 << 20 };

/* Writes more than the kernel takes at once and returns without drain
 * or close: the server must send the rest before freeing the stream. */
static int write_and_return(tvc_stream *s, void *arg)
{
    char *big = malloc(UNSENT_BYTES);
    int r = big ? 0 : -ENOMEM;
    if (big) {
        memset(big, 'u', UNSENT_BYTES);
        r = tvc_stream_write(s, big, UNSENT_BYTES);
        free(big);
    }
    handler_done(arg, r);
    return r;
}

static void test_handler_output_sent(report *rep)
{
    tvc_server *srv = start(write_and_return, rep, 0);
    tvc_stream *s = connect_to(srv, 0);
    /* The handler has written (and is returning) before we read. */
    ASSERT_OK(next_status(rep));
    size_t total = 0;
    tvc_slice sl;
    int r;
    while ((r = tvc_stream_read(s, 65536, &sl)) == 0 && sl.len > 0)
        total += sl.len;
    ASSERT_OK(r);
    ASSERT_EQ(total, UNSENT_BYTES);
    tvc_stream_free(s);
    ASSERT_OK(tvc_server_close(srv));
}

static void test_refused(report *rep)
{
    tvc_server *srv = start(line_echo, rep, 0);
    int port = tvc_server_port(srv);
    ASSERT_OK(tvc_server_close(srv));
    tvc_stream *s;
    ASSERT_ERR(tvc_open_connection(&s, "127.0.0.1", port, 0), -ECONNREFUSED);
    ASSERT_ERR(tvc_open_connection(&s, "not-an-address", port, 0), -EINVAL);
}

/* The options' errors (tvc.h), and a port already taken. */
static void test_server_opts(report *rep)
{
    tvc_server *srv = start(line_echo, rep, 0);
    tvc_server *again;
    tvc_server_opts taken = {.host = "127.0.0.1", .port = tvc_server_port(srv)};
    ASSERT_ERR(tvc_start_server(&again, line_echo, rep, &taken), -EADDRINUSE);
    const tvc_server_opts bad[] = {{.host = "not-an-address"},
                                   {.port = -1},
                                   {.port = 65536},
                                   {.backlog = -1}};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        ASSERT_ERR(tvc_start_server(&again, line_echo, rep, &bad[i]), -EINVAL);
    ASSERT_OK(tvc_server_close(srv));
}

/* IPv6 loopback, where the machine has it (containers may not). */
static void test_ipv6(report *rep)
{
    tvc_server *srv;
    int r = tvc_start_server(&srv, line_echo, rep,
                             &(tvc_server_opts){.host = "::1"});
    if (r == -EADDRNOTAVAIL || r == -EAFNOSUPPORT)
        return;
    ASSERT_OK(r);
    tvc_stream *s;
    ASSERT_OK(tvc_open_connection(&s, "::1", tvc_server_port(srv), 0));
    ASSERT_OK(tvc_stream_write(s, "six\n", 4));
    tvc_slice sl;
    ASSERT_OK(tvc_stream_readline(s, &sl));
    ASSERT_EQ(sl.len, 4);
    tvc_stream_free(s);
    ASSERT_OK(next_status(rep));
    ASSERT_OK(tvc_server_close(srv));
}

static void body(void)
{
    report rep;
    ASSERT_OK(tvc_queue_new(&rep.done, 0));
    test_line_echo(&rep);
    test_bulk(&rep);
    test_eof_reads(&rep);
    test_limits(&rep);
    test_reset(&rep);
    test_reset_while_reading(&rep);
    test_reads_see_reset();
    test_limit_and_close();
    test_half_close(&rep);
    test_close_flushes(&rep);
    test_handler_output_sent(&rep);
    test_refused(&rep);
    test_server_opts(&rep);
    test_ipv6(&rep);
    ASSERT_EQ(tvc_queue_size(rep.done), 0);
    tvc_queue_free(rep.done);
}

DIRECT_TEST_MAIN(body)
