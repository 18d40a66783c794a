/*
 * Stream reads over the buffer (readop.h), fed from a non-blocking
 * socketpair: each of the four reads, -EAGAIN until enough bytes came,
 * recv's -EAGAIN on an empty socket, and EOF; recv says 1 while it fills
 * all its room and 0 once it comes back short (the socket is empty).
 */
#include "tvc/readop.h"
#include "tvc_test.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

static void put(int fd, const char *s)
{
    ASSERT_EQ(write(fd, s, strlen(s)), (ssize_t)strlen(s));
}

static void expect(tvc_streambuf *sb, tvc_read_op op, const char *want)
{
    tvc_slice out;
    int r = tvc_read_op_parse(sb, &op, &out);
    ASSERT(r >= 0);
    ASSERT_EQ(out.len, strlen(want));
    ASSERT_EQ(memcmp(out.data, want, out.len), 0);
}

/* More bytes than one recv has room for: 1 (full) until the last recv,
 * which is short (0) or, when the room happened to fit, followed by
 * -EAGAIN; every byte arrives. */
static void full_and_short(void)
{
    enum { BYTES = 64 * 1024 };
    int sv[2];
    ASSERT_OK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
    ASSERT_OK(fcntl(sv[0], F_SETFL, O_NONBLOCK));
    static char data[BYTES];
    memset(data, 'f', sizeof data);
    ASSERT_EQ(write(sv[1], data, sizeof data), (ssize_t)sizeof data);
    tvc_streambuf sb;
    tvc_streambuf_init(&sb, 1 << 20);
    int r, full = 0;
    while ((r = tvc_read_op_recv(&sb, sv[0], 64)) == 1)
        full++;
    ASSERT_GT(full, 0);
    ASSERT(r == 0 || r == -EAGAIN);
    ASSERT_EQ(tvc_read_op_recv(&sb, sv[0], 64), -EAGAIN);
    tvc_slice out;
    tvc_read_op all = {.kind = TVC_READ_EXACTLY, .n = BYTES};
    ASSERT_OK(tvc_read_op_parse(&sb, &all, &out));
    ASSERT_EQ(out.len, BYTES);
    tvc_streambuf_free(&sb);
    close(sv[0]);
    close(sv[1]);
}

int main(void)
{
    tvc_test_baseline base = tvc_test_baseline_take();
    int sv[2];
    ASSERT_OK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
    ASSERT_OK(fcntl(sv[0], F_SETFL, O_NONBLOCK));
    tvc_streambuf sb;
    tvc_streambuf_init(&sb, 1 << 16);
    tvc_slice out;
    tvc_read_op line = {.kind = TVC_READ_LINE};

    ASSERT_EQ(tvc_read_op_recv(&sb, sv[0], 64), -EAGAIN); /* empty */
    ASSERT_EQ(tvc_read_op_parse(&sb, &line, &out), -EAGAIN);
    put(sv[1], "one\ntwo--three");
    ASSERT_OK(tvc_read_op_recv(&sb, sv[0], 64));
    expect(&sb, line, "one\n");
    expect(&sb, (tvc_read_op){.kind = TVC_READ_UNTIL, .sep = "--", .seplen = 2},
           "two--");
    tvc_read_op eight = {.kind = TVC_READ_EXACTLY, .n = 8};
    ASSERT_EQ(tvc_read_op_parse(&sb, &eight, &out), -EAGAIN);
    put(sv[1], "tail");
    ASSERT_OK(tvc_read_op_recv(&sb, sv[0], 64));
    expect(&sb, eight, "threetai");
    expect(&sb, (tvc_read_op){.kind = TVC_READ_SOME, .n = 100}, "l");
    close(sv[1]);
    ASSERT_OK(tvc_read_op_recv(&sb, sv[0], 64)); /* EOF fed */
    ASSERT(tvc_streambuf_at_eof(&sb));
    expect(&sb, (tvc_read_op){.kind = TVC_READ_SOME, .n = 100}, "");
    tvc_streambuf_free(&sb);
    close(sv[0]);
    full_and_short();
    ASSERT_NO_LEAKS(base, 0);
    return 0;
}
