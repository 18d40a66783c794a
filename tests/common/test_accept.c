/*
 * The accept path (accept.h) says why it failed: every failure is the
 * real -errno, never a bare -1 (which tvc_strerror would call EPERM).
 * The listen setup fills in the defaults and refuses bad options; out of
 * descriptors, a batch sheds a waiting connection with the spare, and
 * with no spare to be had every call says -EMFILE; a descriptor that is
 * closed, no socket, or a socket not listening gives accept's own code.
 */
#include "fd_fill.h"
#include "tvc/accept.h"
#include "tvc/addr.h"
#include "tvc/streambuf.h"
#include "tvc_test.h"

#include <errno.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

/* serve for tvc_accept_batch: counts and closes. */
static void count(void *ctx, int fd)
{
    ++*(int *)ctx;
    close(fd);
}

static void listen_setup(void)
{
    tvc_server_opts o;
    int lfd = tvc_server_listen(NULL, &o);
    ASSERT_GE(lfd, 0);
    ASSERT(o.host == NULL);
    ASSERT_GT(o.port, 0);
    ASSERT_EQ(o.limit, TVC_STREAM_LIMIT_DEFAULT);
    ASSERT_EQ(o.backlog, TVC_ADDR_BACKLOG);
    tvc_server_opts again;
    ASSERT_ERR(tvc_server_listen(&(tvc_server_opts){.port = o.port}, &again),
               -EADDRINUSE);
    ASSERT_ERR(tvc_server_listen(&(tvc_server_opts){.host = "a.name"}, &again),
               -EINVAL);
    ASSERT_ERR(tvc_server_listen(&(tvc_server_opts){.backlog = -1}, &again),
               -EINVAL);
    close(lfd);
}

/* A listener with one connection waiting, and the client's fd. */
static int listener_with_client(int *client)
{
    tvc_server_opts o;
    int lfd = tvc_server_listen(NULL, &o);
    ASSERT_GE(lfd, 0);
    *client = tvc_addr_connect_to(NULL, o.port);
    ASSERT_GE(*client, 0);
    struct pollfd p = {.fd = lfd, .events = POLLIN};
    ASSERT_EQ(poll(&p, 1, 10000), 1);
    return lfd;
}

static void out_of_fds(void)
{
    int client;
    int lfd = listener_with_client(&client);
    static fd_fill fill;
    fd_fill_take(&fill);
    int spare = tvc_spare_open(); /* the last free descriptor */
    ASSERT_GE(spare, 0);

    /* The waiting connection is shed with the spare, not served. */
    int served = 0;
    ASSERT_EQ(tvc_accept_batch(lfd, &spare, count, &served), 0);
    ASSERT_EQ(served, 0);
    ASSERT_GE(spare, 0);

    /* No spare to be had: each call says so. */
    int held = spare;
    spare = -1;
    ASSERT_ERR(tvc_spare_open(), -EMFILE);
    ASSERT_ERR(tvc_spare_shed(&spare, lfd), -EMFILE);
    ASSERT_ERR(tvc_accept_batch(lfd, &spare, count, &served), -EMFILE);
    ASSERT_ERR(spare, -EMFILE); /* and says why */
    close(held);
    fd_fill_give_back(&fill);
    close(client);
    close(lfd);
}

static void no_listener(void)
{
    int spare = tvc_spare_open();
    ASSERT_GE(spare, 0);
    int served = 0;
    int sock = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    ASSERT_GE(sock, 0);
    ASSERT_ERR(tvc_accept_batch(sock, &spare, count, &served), -EINVAL);
    ASSERT_ERR(tvc_spare_shed(&spare, sock), -EINVAL);
    ASSERT_GE(spare, 0); /* reopened after the failed accept */
    close(sock);
    ASSERT_ERR(tvc_accept_batch(sock, &spare, count, &served), -EBADF);
    ASSERT_ERR(tvc_spare_shed(&spare, sock), -EBADF);
    int file = tvc_spare_open();
    ASSERT_GE(file, 0);
    ASSERT_ERR(tvc_accept_batch(file, &spare, count, &served), -ENOTSOCK);
    close(file);
    ASSERT_EQ(served, 0);
    close(spare);
}

int main(void)
{
    tvc_test_baseline base = tvc_test_baseline_take();
    listen_setup();
    out_of_fds();
    no_listener();
    ASSERT_NO_LEAKS(base, 0);
    return 0;
}
