/*
 * A coroutine server that runs out of descriptors neither spins nor stops
 * serving.  With every descriptor taken, a new connection is dropped (the
 * client reads EOF or a reset instead of hanging in the backlog), the
 * connection already open keeps working, the loop then goes through the
 * reactor without calling accept again, and once descriptors are free a
 * new connection is served.
 *
 * The spin is counted, not timed: the test binary is linked with
 * --wrap=accept4, so every accept the server makes passes through
 * __wrap_accept4, which counts the ones that fail for lack of a
 * descriptor.  A listener left armed with a connection in its backlog
 * fails once per reactor pass; a quiet one does not fail at all.
 */
#include "tvc/mem.h"
#include "tvc/tvc.h"
#include "tvc_test.h"

#include <errno.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

enum {
    MAX_FILL = 1024, /* descriptors the test may take to fill the table */
    PASSES = 20,     /* reactor passes that must not accept */
};

static int out_of_fds; /* accept4 calls that failed with EMFILE/ENFILE */

int __real_accept4(int fd, struct sockaddr *addr, socklen_t *len, int flags);
int __wrap_accept4(int fd, struct sockaddr *addr, socklen_t *len, int flags);

int __wrap_accept4(int fd, struct sockaddr *addr, socklen_t *len, int flags)
{
    int r = __real_accept4(fd, addr, len, flags);
    if (r < 0 && (errno == EMFILE || errno == ENFILE))
        out_of_fds++;
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

/* A task: the result of one ping, as a pointer-sized int. */
static int ping_task(void *arg, void **result)
{
    *result = (void *)(intptr_t)ping(arg);
    return 0;
}

static int body(void *arg, void **result)
{
    (void)arg;
    (void)result;
    tvc_server *srv;
    ASSERT_OK(tvc_start_server(&srv, "127.0.0.1", 0, echo_line, NULL, 0));
    int port = tvc_server_port(srv);
    tvc_stream *kept;
    ASSERT_OK(tvc_open_connection(&kept, "127.0.0.1", port, 0));
    ASSERT_OK(ping(kept));

    /* Take every descriptor under a lowered limit, then give one back
     * for the next client's socket: the server's end has none left. */
    struct rlimit old, low;
    ASSERT_OK(getrlimit(RLIMIT_NOFILE, &old));
    tvc_mem m;
    ASSERT_OK(tvc_mem_sample(&m));
    low = old;
    low.rlim_cur = (rlim_t)m.open_fds + 16;
    ASSERT_OK(setrlimit(RLIMIT_NOFILE, &low));
    static int fill[MAX_FILL];
    int nfill = 0;
    for (int fd; nfill < MAX_FILL && (fd = dup(0)) >= 0;)
        fill[nfill++] = fd;
    ASSERT(nfill < MAX_FILL);
    ASSERT_GT(nfill, 0);
    close(fill[--nfill]);

    /* Dropped, not left hanging: the wait's bound only guards against a
     * hang failing as a ctest timeout, it decides nothing. */
    tvc_stream *extra;
    ASSERT_OK(tvc_open_connection(&extra, "127.0.0.1", port, 0));
    tvc_task *t;
    ASSERT_OK(tvc_spawn(&t, ping_task, extra, NULL));
    void *res;
    ASSERT_OK(tvc_wait_for(tvc_task_future(t), TVC_SEC(10), &res));
    tvc_task_release(t);
    int r = (int)(intptr_t)res;
    ASSERT(r == -ECONNRESET || r == -EPIPE);
    tvc_stream_free(extra);
    ASSERT_GE(out_of_fds, 1);

    /* Still out of fds, nothing waiting: each sleep is one trip through
     * the reactor (its timer must fire), and none of them accepts. */
    int failed = out_of_fds;
    for (int i = 0; i < PASSES; i++)
        ASSERT_OK(tvc_sleep(1));
    ASSERT_EQ(out_of_fds, failed);
    ASSERT_OK(ping(kept));

    /* Descriptors free again: a new connection is served. */
    while (nfill > 0)
        close(fill[--nfill]);
    ASSERT_OK(setrlimit(RLIMIT_NOFILE, &old));
    ASSERT_OK(tvc_open_connection(&extra, "127.0.0.1", port, 0));
    ASSERT_OK(ping(extra));
    ASSERT_EQ(out_of_fds, failed);
    tvc_stream_free(extra);
    tvc_stream_free(kept);
    ASSERT_OK(tvc_server_close(srv));
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
