/*
 * tvc-floor: the echo workload's server role as a bare epoll loop, the
 * floor under every echo server here (runtime "floor" in the servers
 * experiment): one thread, level-triggered epoll, non-blocking sockets,
 * no framework.  Each connection has one buffer: what is read goes in,
 * and what is ready goes straight back out; a write the kernel takes only
 * in part leaves the rest to EPOLLOUT and stops reading that connection
 * until it is gone.  --framing=line sends back whole lines (the partial
 * line waits for its newline), --framing=raw whatever came; both count
 * what they echoed as the tvc servers do.  It takes the echo workload's
 * own parameter table and driver, so the command line, "listening on
 * HOST:PORT", the SIGINT/SIGTERM stop and the record are the runtimes'.
 * --role=self and --framing=exact are not applicable (exit 3).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "tvc/clock.h"
#include "tvc/workload.h"
#include "wl_spec.h"

#define BUF_BYTES    (64 * 1024) /* WL_ECHO_RAW_READ: what one read takes */
#define STOP_POLL_MS 20          /* the stop flag's pace, as the servers' */

typedef struct conn {
    struct conn *prev, *next; /* the open connections, freed at the stop */
    int fd;
    int out;      /* waiting for EPOLLOUT (else for EPOLLIN) */
    size_t len;   /* bytes read into buf */
    size_t ready; /* buf[0, ready) are whole messages, to go back */
    size_t sent;  /* of those, the bytes the kernel took */
    char buf[BUF_BYTES];
} conn;

typedef struct floor_srv {
    int ep, line;
    conn *open; /* the open connections' list */
    long long conns, msgs, bytes, errors;
} floor_srv;

static void conn_end(floor_srv *s, conn *c, int error)
{
    s->errors += error;
    if (c->prev)
        c->prev->next = c->next;
    else
        s->open = c->next;
    if (c->next)
        c->next->prev = c->prev;
    close(c->fd); /* also leaves the epoll set */
    free(c);
}

/* Sends buf[sent, ready); 0 when all went, 1 when the rest waits for
 * EPOLLOUT, -1 on an error. */
static int conn_flush(conn *c)
{
    while (c->sent < c->ready) {
        ssize_t n =
            send(c->fd, c->buf + c->sent, c->ready - c->sent, MSG_NOSIGNAL);
        if (n < 0)
            return errno == EAGAIN ? 1 : -1;
        c->sent += (size_t)n;
    }
    /* Keep the partial line; everything before it went back. */
    memmove(c->buf, c->buf + c->ready, c->len - c->ready);
    c->len -= c->ready;
    c->sent = c->ready = 0;
    return 0;
}

/* One readable or writable connection. */
static void conn_event(floor_srv *s, conn *c, uint32_t ev)
{
    int rc = 0;
    if (c->sent < c->ready) {
        rc = conn_flush(c);
    } else if (ev & (EPOLLIN | EPOLLHUP | EPOLLERR)) {
        ssize_t n = recv(c->fd, c->buf + c->len, sizeof c->buf - c->len, 0);
        if (n <= 0) {
            if (n < 0 && errno == EAGAIN)
                return;
            conn_end(s, c, n < 0 || c->len > 0);
            return;
        }
        char *from = c->buf + c->len, *nl;
        c->len += (size_t)n;
        if (!s->line) {
            s->msgs++;
            c->ready = c->len;
        } else {
            for (; (nl = memchr(from, '\n', (size_t)(c->buf + c->len - from)));
                 from = nl + 1)
                s->msgs++;
            c->ready = (size_t)(from - c->buf);
            if (c->ready == 0 && c->len == sizeof c->buf)
                rc = -1; /* a line longer than the buffer */
        }
        s->bytes += (long long)c->ready;
        if (rc == 0)
            rc = conn_flush(c);
    }
    if (rc < 0) {
        conn_end(s, c, 1);
        return;
    }
    /* While a write waits, wait for room instead of reading more; the
     * interest changes only then, so an echo costs a recv and a send. */
    struct epoll_event e = {rc == 1 ? EPOLLOUT : EPOLLIN, {.ptr = c}};
    if (c->out != (rc == 1) && epoll_ctl(s->ep, EPOLL_CTL_MOD, c->fd, &e) < 0)
        conn_end(s, c, 1);
    else
        c->out = rc == 1;
}

static void on_accept(floor_srv *s, int lfd)
{
    int fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0)
        return; /* gone before we took it, or out of fds: try again later */
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    conn *c = calloc(1, sizeof *c);
    struct epoll_event e = {EPOLLIN, {.ptr = c}};
    if (c == NULL || (c->fd = fd, epoll_ctl(s->ep, EPOLL_CTL_ADD, fd, &e))) {
        close(fd);
        free(c);
        s->errors++;
        return;
    }
    s->conns++;
    c->next = s->open;
    if (s->open)
        s->open->prev = c;
    s->open = c;
}

/* A listening socket on host:port (IPv4 or IPv6 literal), or -errno. */
static int listen_on(const char *host, int port, int *bound)
{
    struct sockaddr_storage ss = {0};
    struct sockaddr_in *a4 = (struct sockaddr_in *)&ss;
    struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)&ss;
    socklen_t len = sizeof *a4;
    if (inet_pton(AF_INET, host, &a4->sin_addr) == 1) {
        a4->sin_family = AF_INET;
        a4->sin_port = htons((uint16_t)port);
    } else if (inet_pton(AF_INET6, host, &a6->sin6_addr) == 1) {
        a6->sin6_family = AF_INET6;
        a6->sin6_port = htons((uint16_t)port);
        len = sizeof *a6;
    } else {
        return -EINVAL;
    }
    int fd =
        socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    int one = 1;
    if (fd < 0)
        return -errno;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (bind(fd, (struct sockaddr *)&ss, len) < 0 ||
        listen(fd, SOMAXCONN) < 0 ||
        getsockname(fd, (struct sockaddr *)&ss, &len) < 0) {
        int err = -errno;
        close(fd);
        return err;
    }
    *bound = ntohs(ss.ss_family == AF_INET6 ? a6->sin6_port : a4->sin_port);
    return fd;
}

static int floor_run(tvc_wl *w)
{
    const char *host = tvc_wl_str(w, "host");
    int64_t duration_ms = tvc_wl_int(w, "duration_ms");
    if (strcmp(tvc_wl_str(w, "framing"), "exact") == 0) {
        tvc_wl_not_applicable(w, "--framing=exact: the floor echoes lines "
                                 "or raw reads");
        return 0;
    }
    if (strcmp(tvc_wl_str(w, "role"), "server") != 0) {
        tvc_wl_not_applicable(w, "--role=%s: the floor is a server only",
                              tvc_wl_str(w, "role"));
        return 0;
    }
    floor_srv s = {.line = strcmp(tvc_wl_str(w, "framing"), "line") == 0};
    int port, lfd = listen_on(host, (int)tvc_wl_int(w, "port"), &port);
    if (lfd < 0) {
        tvc_wl_fail(w, lfd, "cannot listen on %s:%lld", host,
                    (long long)tvc_wl_int(w, "port"));
        return 0;
    }
    s.ep = epoll_create1(EPOLL_CLOEXEC);
    struct epoll_event e = {EPOLLIN, {.ptr = NULL}}; /* NULL: the listener */
    if (s.ep < 0 || epoll_ctl(s.ep, EPOLL_CTL_ADD, lfd, &e) < 0) {
        int err = -errno;
        close(lfd);
        if (s.ep >= 0)
            close(s.ep);
        return err;
    }
    tvc_wl_note(w, "peer", "a bare level-triggered epoll loop, one thread");
    fprintf(stderr, "listening on %s:%d\n", host, port);
    fflush(stderr);
    int64_t end = duration_ms > 0 ? tvc_now() + TVC_MS(duration_ms) : -1;
    struct epoll_event evs[64];
    while (!tvc_wl_stop_requested() && (end < 0 || tvc_now() < end)) {
        int n = epoll_wait(s.ep, evs, 64, STOP_POLL_MS);
        for (int i = 0; i < n; i++) {
            if (evs[i].data.ptr == NULL)
                on_accept(&s, lfd);
            else
                conn_event(&s, evs[i].data.ptr, evs[i].events);
        }
    }
    tvc_wl_note(w, "stopped_by",
                tvc_wl_stop_requested() ? "signal" : "duration_ms");
    while (s.open != NULL) /* the stop ends these: not errors */
        conn_end(&s, s.open, 0);
    close(lfd);
    close(s.ep);
    tvc_wl_figure(w, "server_connections", (double)s.conns);
    tvc_wl_figure(w, "server_msgs", (double)s.msgs);
    tvc_wl_figure(w, "server_bytes", (double)s.bytes);
    tvc_wl_figure(w, "server_connection_errors", (double)s.errors);
    return 0;
}

static const tvc_workload floor_echo = {"echo", wl_echo_summary, wl_echo_params,
                                        floor_run};
static const tvc_workload *const workloads[] = {&floor_echo, NULL};

/* No runtime around the workload: the loop is the workload's own. */
static int invoke(const tvc_workload *wl, tvc_wl *w)
{
    return wl->run(w);
}

int main(int argc, char **argv)
{
    return tvc_wl_main(argc, argv, "floor", workloads, invoke);
}
