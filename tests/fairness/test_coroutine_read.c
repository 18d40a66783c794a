/*
 * A busy connection does not hold the loop: with many lines already
 * queued on connection A and one on connection B, the coroutine server
 * serves B's line after at most one receive's worth of A's lines, not
 * after all of them.  A handler that always finds data when it receives
 * again would otherwise never suspend, and B's readable edge would wait
 * for A's queue to run dry (coroutine/stream.c, the fair turn).
 */
#include <stdlib.h>
#include <string.h>

#include "tvc/tvc.h"
#include "tvc_test.h"

/* Lines queued on A before the server runs: several receives' worth. */
#define A_LINES 400
#define LINE    64

/* What the handlers saw, in the order they served it. */
static struct {
    int a_served;      /* A's lines echoed so far */
    int a_before_b;    /* A's lines echoed before B's first, or -1 */
    int handlers_done; /* handlers that returned */
} seen = {0, -1, 0};

/* Echoes lines until EOF; lines starting with 'a' are A's. */
static int echo(tvc_stream *s, void *arg)
{
    (void)arg;
    for (;;) {
        tvc_slice line;
        int r = tvc_stream_readline(s, &line);
        if (r < 0 || line.len == 0)
            break;
        if (line.data[0] == 'a')
            seen.a_served++;
        else if (seen.a_before_b < 0)
            seen.a_before_b = seen.a_served;
        if (tvc_stream_write(s, line.data, line.len) < 0 ||
            tvc_stream_drain(s) < 0)
            break;
    }
    seen.handlers_done++;
    return 0;
}

static void line_of(char *buf, char who)
{
    memset(buf, who, LINE - 1);
    buf[LINE - 1] = '\n';
}

/* Sends one line and reads its echo, so the handler is up and waiting. */
static void round_trip(tvc_stream *s, char who)
{
    char buf[LINE];
    tvc_slice reply;
    line_of(buf, who);
    ASSERT_OK(tvc_stream_write(s, buf, LINE));
    ASSERT_OK(tvc_stream_readline(s, &reply));
    ASSERT_EQ(reply.len, LINE);
}

static int run(void *arg, void **result)
{
    (void)arg;
    (void)result;
    tvc_server *srv;
    ASSERT_OK(tvc_start_server(&srv, echo, NULL, NULL));
    int port = tvc_server_port(srv);
    tvc_stream *a, *b;
    ASSERT_OK(tvc_open_connection(&a, "127.0.0.1", port, 0));
    ASSERT_OK(tvc_open_connection(&b, "127.0.0.1", port, 0));
    round_trip(a, 'a');
    round_trip(b, 'b');
    int a_first = seen.a_served;
    seen.a_before_b = -1;

    /* Both queued before this task suspends, so before the server runs;
     * a write the socket does not take at once is buffered, not
     * waited for. */
    char *many = malloc((size_t)A_LINES * LINE);
    ASSERT(many != NULL);
    for (int i = 0; i < A_LINES; i++)
        line_of(many + (size_t)i * LINE, 'a');
    ASSERT_OK(tvc_stream_write(a, many, (size_t)A_LINES * LINE));
    char one[LINE];
    line_of(one, 'b');
    ASSERT_OK(tvc_stream_write(b, one, LINE));

    tvc_slice reply;
    ASSERT_OK(tvc_stream_readline(b, &reply));
    ASSERT_EQ(reply.len, LINE);
    ASSERT(seen.a_before_b >= 0);
    /* One receive takes a few kilobytes: far fewer than A_LINES lines. */
    ASSERT_LT(seen.a_before_b - a_first, A_LINES / 2);
    for (int i = 0; i < A_LINES; i++) {
        ASSERT_OK(tvc_stream_readline(a, &reply));
        ASSERT_EQ(reply.len, LINE);
    }
    ASSERT_EQ(seen.a_served, a_first + A_LINES);
    free(many);
    tvc_stream_free(a);
    tvc_stream_free(b);
    ASSERT_OK(tvc_server_close(srv));
    ASSERT_EQ(seen.handlers_done, 2);
    return 0;
}

int main(void)
{
    tvc_test_baseline base = tvc_test_baseline_take();
    ASSERT_OK(tvc_run(run, NULL, NULL, NULL));
    ASSERT_NO_LEAKS(base, 0);
    return 0;
}
