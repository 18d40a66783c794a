/*
 * The output buffer (outbuf.h) over a non-blocking socketpair: bytes
 * arrive once and in order however the kernel splits the sends, more
 * iovecs than one sendmsg gathers, a full socket queues the rest, a
 * closed peer gives -EPIPE (no SIGPIPE) and drops the queue.
 */
#include "tvc/outbuf.h"
#include "tvc_test.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

/* Byte i of the test stream. */
static char pat(size_t i)
{
    return (char)('a' + (i * 7 + i / 251) % 26);
}

static void pair(int sv[2])
{
    ASSERT_EQ(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
    for (int k = 0; k < 2; k++)
        ASSERT_EQ(fcntl(sv[k], F_SETFL, O_NONBLOCK), 0);
}

/* Reads what is there and checks it continues the pattern at *got. */
static void take(int fd, size_t *got)
{
    char b[8192];
    ssize_t n;
    while ((n = read(fd, b, sizeof b)) > 0)
        for (ssize_t i = 0; i < n; i++, ++*got)
            if (b[i] != pat(*got))
                TVC__FAIL("byte %zu is '%c', want '%c'", *got, b[i], pat(*got));
}

/* Writes TOTAL bytes as many small iovecs (more than one sendmsg
 * gathers), the reader taking them only when the socket is full. */
static void order(void)
{
    enum { TOTAL = 1 << 20, PIECE = 97, PER_CALL = 150 };
    static char data[TOTAL];
    for (size_t i = 0; i < TOTAL; i++)
        data[i] = pat(i);
    int sv[2];
    pair(sv);
    tvc_outbuf o = {0};
    size_t sent = 0, got = 0;
    int saw_full = 0;
    while (sent < TOTAL) {
        struct iovec v[PER_CALL];
        int n = 0;
        for (; n < PER_CALL && sent < TOTAL; n++) {
            size_t len = TOTAL - sent < PIECE ? TOTAL - sent : PIECE;
            v[n] = (struct iovec){data + sent, len};
            sent += len;
        }
        int r = tvc_outbuf_send(&o, sv[0], v, n);
        if (r == -EAGAIN) {
            /* Full: the reader catches up only now, so the queue grows
             * and later sends gather queue and new bytes. */
            saw_full = 1;
            ASSERT(tvc_outbuf_len(&o) > 0);
            take(sv[1], &got);
        } else {
            ASSERT_EQ(r, 0);
            ASSERT_EQ(tvc_outbuf_len(&o), 0);
        }
    }
    for (int rounds = 0; tvc_outbuf_len(&o) > 0; rounds++) {
        ASSERT(rounds < 100000);
        int r = tvc_outbuf_send(&o, sv[0], NULL, 0);
        ASSERT(r == 0 || r == -EAGAIN);
        take(sv[1], &got);
    }
    take(sv[1], &got);
    ASSERT_EQ(got, TOTAL);
    ASSERT(saw_full); /* 1 MiB does not fit a socketpair's buffers */
    tvc_outbuf_free(&o);
    close(sv[0]);
    close(sv[1]);
}

static void append_then_send(void)
{
    int sv[2];
    pair(sv);
    tvc_outbuf o = {0};
    char a[] = {pat(0), pat(1), pat(2)}, b[] = {pat(3), pat(4)};
    struct iovec v[] = {{a, sizeof a}, {NULL, 0}, {b, sizeof b}};
    ASSERT_EQ(tvc_outbuf_append(&o, v, 3), 0);
    ASSERT_EQ(tvc_outbuf_len(&o), 5);
    ASSERT_EQ(tvc_outbuf_send(&o, sv[0], NULL, 0), 0);
    size_t got = 0;
    take(sv[1], &got);
    ASSERT_EQ(got, 5);
    ASSERT_EQ(tvc_outbuf_send(&o, sv[0], NULL, 0), 0); /* nothing left */
    tvc_outbuf_free(&o);
    close(sv[0]);
    close(sv[1]);
}

static void peer_gone(void)
{
    int sv[2];
    pair(sv);
    tvc_outbuf o = {0};
    char x[] = "queued";
    struct iovec v = {x, sizeof x};
    ASSERT_EQ(tvc_outbuf_append(&o, &v, 1), 0);
    close(sv[1]);
    ASSERT_EQ(tvc_outbuf_send(&o, sv[0], &v, 1), -EPIPE);
    ASSERT_EQ(tvc_outbuf_len(&o), 0);
    tvc_outbuf_free(&o);
    close(sv[0]);
}

int main(void)
{
    tvc_test_baseline base = tvc_test_baseline_take();
    order();
    append_then_send();
    peer_gone();
    ASSERT_NO_LEAKS(base, 0);
    return 0;
}
