/*
 * A coroutine server that runs out of descriptors neither spins nor stops
 * serving.  With every descriptor taken, a new connection is dropped (the
 * client reads EOF or a reset instead of hanging in the backlog), the
 * loop then goes through the reactor without calling accept again, and
 * once descriptors are free a new connection is served.
 *
 * The spin is counted, not timed: the test binary is linked with
 * --wrap=accept4, so every accept the server makes passes through
 * __wrap_accept4, which counts the ones that fail for lack of a
 * descriptor.  A listener left armed with a connection in its backlog
 * fails once per reactor pass; a quiet one does not fail at all.
 */
#include "direct/direct_test.h"
#include "tvc/mem.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <string.h>
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

#define HELLO "hi"

/* The handler: greets and hangs up, so a greeting proves a connection was
 * served, and EOF before it that it was dropped. */
static int greet(tvc_stream *s, void *arg)
{
    (void)arg;
    int r = tvc_stream_write(s, HELLO, sizeof HELLO - 1);
    return r < 0 ? r : tvc_stream_drain(s);
}

/* A task: reads the greeting from the stream arg; 0 or the read's error
 * as *result. */
static int read_greeting(void *arg, void **result)
{
    tvc_slice got;
    int r = tvc_stream_readexactly(arg, sizeof HELLO - 1, &got);
    ASSERT(r < 0 || memcmp(got.data, HELLO, got.len) == 0);
    *result = (void *)(intptr_t)r;
    return 0;
}

/* Connects and reads the greeting: 0, or the error that came instead.
 * The wait's bound only turns a hang into a failure here rather than a
 * ctest timeout; it decides nothing. */
static int visit(int port)
{
    tvc_stream *s;
    ASSERT_OK(tvc_open_connection(&s, "127.0.0.1", port, 0));
    tvc_task *t;
    ASSERT_OK(tvc_spawn(&t, read_greeting, s, NULL));
    void *res;
    ASSERT_OK(tvc_wait_for(tvc_task_future(t), TVC_SEC(10), &res));
    tvc_task_release(t);
    tvc_stream_free(s);
    return (int)(intptr_t)res;
}

static void emfile(void)
{
    tvc_server *srv;
    ASSERT_OK(tvc_start_server(&srv, "127.0.0.1", 0, greet, NULL, 0));
    int port = tvc_server_port(srv);
    ASSERT_OK(visit(port));

    /* Take every descriptor under a lowered limit, then give one back
     * for the next client's socket: the server's end has none left. */
    int any = open("/dev/null", O_RDONLY | O_CLOEXEC);
    ASSERT_GE(any, 0);
    struct rlimit old, low;
    ASSERT_OK(getrlimit(RLIMIT_NOFILE, &old));
    tvc_mem m;
    ASSERT_OK(tvc_mem_sample(&m));
    low = old;
    low.rlim_cur = (rlim_t)m.open_fds + 16;
    ASSERT_OK(setrlimit(RLIMIT_NOFILE, &low));
    static int fill[MAX_FILL];
    int nfill = 0;
    for (int fd; nfill < MAX_FILL && (fd = dup(any)) >= 0;)
        fill[nfill++] = fd;
    ASSERT(nfill < MAX_FILL);
    ASSERT_GT(nfill, 0);
    close(fill[--nfill]);

    /* Dropped, not left hanging in the backlog. */
    ASSERT(visit(port) < 0);
    ASSERT_GE(out_of_fds, 1);

    /* Still out of fds, nothing waiting: each sleep is one trip through
     * the reactor (its timer must fire), and none of them accepts. */
    int failed = out_of_fds;
    for (int i = 0; i < PASSES; i++)
        ASSERT_OK(tvc_sleep(1));
    ASSERT_EQ(out_of_fds, failed);

    /* Descriptors free again: a new connection is served. */
    while (nfill > 0)
        close(fill[--nfill]);
    close(any);
    ASSERT_OK(setrlimit(RLIMIT_NOFILE, &old));
    ASSERT_OK(visit(port));
    ASSERT_EQ(out_of_fds, failed);
    ASSERT_OK(tvc_server_close(srv));
}

DIRECT_TEST_MAIN(emfile)
