/*
 * Socket addresses (addr.h): what parses and what is refused, the
 * loopback check the load tools rely on, formatting, and a listener on
 * port 0 that says which port it got and takes a connection started by
 * tvc_addr_connect.
 */
#include "tvc/addr.h"
#include "tvc_test.h"

#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <unistd.h>

static void parse(void)
{
    struct sockaddr_storage ss;
    socklen_t len;
    char buf[64];
    ASSERT_OK(tvc_addr_parse("localhost", 80, &ss, &len));
    tvc_addr_format(&ss, buf, sizeof buf);
    ASSERT_STREQ(buf, "127.0.0.1:80");
    ASSERT_EQ(len, sizeof(struct sockaddr_in));
    ASSERT_OK(tvc_addr_parse(NULL, 1, &ss, &len));
    ASSERT_EQ(tvc_addr_is_loopback(&ss), 1);
    ASSERT_OK(tvc_addr_parse("::1", 65535, &ss, &len));
    tvc_addr_format(&ss, buf, sizeof buf);
    ASSERT_STREQ(buf, "[::1]:65535");
    ASSERT_EQ(tvc_addr_port(&ss), 65535);
    ASSERT_EQ(tvc_addr_is_loopback(&ss), 1);
    ASSERT_OK(tvc_addr_parse("127.9.8.7", 0, &ss, &len));
    ASSERT_EQ(tvc_addr_is_loopback(&ss), 1);
    ASSERT_OK(tvc_addr_parse("10.0.0.1", 0, &ss, &len));
    ASSERT_EQ(tvc_addr_is_loopback(&ss), 0);
    ASSERT_OK(tvc_addr_parse("::2", 0, &ss, &len));
    ASSERT_EQ(tvc_addr_is_loopback(&ss), 0);
    /* Names are never looked up; ports stay in range. */
    ASSERT_EQ(tvc_addr_parse("example.com", 80, &ss, &len), -EINVAL);
    ASSERT_EQ(tvc_addr_parse("127.0.0.1", -1, &ss, &len), -EINVAL);
    ASSERT_EQ(tvc_addr_parse("127.0.0.1", 65536, &ss, &len), -EINVAL);
}

/* HOST:PORT as command lines carry it: the port is an integer in
 * 0..65535 (never atoi's 0 for "abc"), the host numeric. */
static void split(void)
{
    char host[16];
    int port = -1;
    ASSERT_OK(tvc_addr_split("127.0.0.1:4242", host, sizeof host, &port));
    ASSERT_STREQ(host, "127.0.0.1");
    ASSERT_EQ(port, 4242);
    ASSERT_OK(tvc_addr_split("[::1]:0", host, sizeof host, &port));
    ASSERT_STREQ(host, "::1");
    ASSERT_EQ(port, 0);
    ASSERT_OK(tvc_addr_split("localhost:65535", host, sizeof host, &port));
    ASSERT_EQ(port, 65535);
    port = -1;
    ASSERT_EQ(tvc_addr_split("127.0.0.1:abc", host, sizeof host, &port),
              -EINVAL);
    ASSERT_EQ(tvc_addr_split("127.0.0.1:", host, sizeof host, &port), -EINVAL);
    ASSERT_EQ(tvc_addr_split("127.0.0.1:65536", host, sizeof host, &port),
              -EINVAL);
    ASSERT_EQ(tvc_addr_split("127.0.0.1:-1", host, sizeof host, &port),
              -EINVAL);
    ASSERT_EQ(tvc_addr_split("127.0.0.1", host, sizeof host, &port), -EINVAL);
    ASSERT_EQ(tvc_addr_split(":80", host, sizeof host, &port), -EINVAL);
    ASSERT_EQ(tvc_addr_split("example.com:80", host, sizeof host, &port),
              -EINVAL);
    ASSERT_EQ(tvc_addr_split("[::1:80", host, sizeof host, &port), -EINVAL);
    ASSERT_EQ(tvc_addr_split("127.000.000.001:80", host, 8, &port), -EINVAL);
    ASSERT_EQ(port, -1);
}

static void listen_any_port(void)
{
    struct sockaddr_storage ss;
    socklen_t len;
    ASSERT_OK(tvc_addr_parse("127.0.0.1", 0, &ss, &len));
    int lfd = tvc_addr_listen(&ss, &len, 0);
    ASSERT(lfd >= 0);
    ASSERT(tvc_addr_port(&ss) > 0);
    /* A second listener on the same port is refused. */
    struct sockaddr_storage again = ss;
    socklen_t alen = len;
    ASSERT_EQ(tvc_addr_listen(&again, &alen, 0), -EADDRINUSE);
    /* A connect to it starts (loopback: it completes in the backlog). */
    int c = tvc_addr_connect(&ss, len);
    ASSERT(c >= 0);
    struct pollfd p = {.fd = c, .events = POLLOUT};
    ASSERT_EQ(poll(&p, 1, 10000), 1);
    int err = -1;
    socklen_t elen = sizeof err;
    ASSERT_OK(getsockopt(c, SOL_SOCKET, SO_ERROR, &err, &elen));
    ASSERT_EQ(err, 0);
    close(c);
    close(lfd);
}

int main(void)
{
    tvc_test_baseline base = tvc_test_baseline_take();
    split();
    parse();
    listen_any_port();
    ASSERT_NO_LEAKS(base, 0);
    return 0;
}
