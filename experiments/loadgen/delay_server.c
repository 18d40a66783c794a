/*
 * tvc-delay-server: the slow server the fanout workload downloads from,
 * one process shared by every runtime so they all wait on the same thing.
 *
 * Protocol (the one common/workloads/fanout.c speaks): the client sends a
 * line, the server sends the same line back after --delay_ns, and keeps
 * doing so on that connection until the client closes.  One thread, epoll
 * plus one timerfd: the delay is the same for every line, so due times
 * arrive in order and one FIFO of pending answers is enough.
 *
 * Loopback only, bounded: it stops at SIGINT/SIGTERM, when the process
 * that started it dies (so a killed harness leaves nothing behind), or
 * after --lifetime_ms, then prints one JSON record (lines answered,
 * errors).
 */
#include "net.h"
#include "tool.h"

#include "tvc/addr.h"
#include "tvc/clock.h"

#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/timerfd.h>
#include <unistd.h>

/* Longest line; a longer one closes that connection. */
#define MAX_LINE 1024

typedef struct client {
    int fd;                 /* -1 when free */
    uint32_t gen;           /* bumped on close: stale answers are dropped */
    char buf[MAX_LINE + 1]; /* the line being read */
    size_t len;             /* bytes in buf */
} client;

typedef struct answer {
    struct answer *next;
    int64_t due;   /* when to send */
    uint32_t slot; /* client index */
    uint32_t gen;  /* its generation when the line came */
    size_t len;    /* bytes of line */
    char line[];   /* the line to send back, with its '\n' */
} answer;

typedef struct server {
    int ep, lfd, tfd, sfd;
    client *cl;
    int64_t max_clients;
    int64_t delay;
    answer *head, *tail; /* pending answers, due times ascending */
    int64_t answered, errors, accepted;
} server;

enum { ID_LISTEN = -1, ID_TIMER = -2, ID_SIGNAL = -3 };

static void close_client(server *s, int64_t i)
{
    client *c = &s->cl[i];
    if (c->fd < 0)
        return;
    epoll_ctl(s->ep, EPOLL_CTL_DEL, c->fd, NULL);
    close(c->fd);
    c->fd = -1;
    c->gen++;
    c->len = 0;
}

static void arm(server *s)
{
    int64_t at = s->head ? s->head->due : 0;
    struct itimerspec its = {{0, 0}, {at / TVC_SEC(1), at % TVC_SEC(1)}};
    if (s->head && at == 0)
        its.it_value.tv_nsec = 1; /* 0 would disarm */
    timerfd_settime(s->tfd, TFD_TIMER_ABSTIME, &its, NULL);
}

static void enqueue(server *s, int64_t i, const char *line, size_t len)
{
    answer *a = malloc(sizeof *a + len);
    if (!a) {
        s->errors++;
        close_client(s, i);
        return;
    }
    *a = (answer){NULL, tvc_now() + s->delay, (uint32_t)i, s->cl[i].gen, len};
    memcpy(a->line, line, len);
    if (s->tail)
        s->tail->next = a;
    else
        s->head = a;
    s->tail = a;
    if (s->head == a)
        arm(s);
}

/* Sends every answer that is due.  A client too slow to take a short
 * line into its socket buffer is dropped rather than waited for. */
static void send_due(server *s)
{
    int64_t now = tvc_now();
    while (s->head && s->head->due <= now) {
        answer *a = s->head;
        s->head = a->next;
        if (!s->head)
            s->tail = NULL;
        client *c = &s->cl[a->slot];
        if (c->fd >= 0 && c->gen == a->gen) {
            ssize_t w = write(c->fd, a->line, a->len);
            if (w == (ssize_t)a->len) {
                s->answered++;
            } else {
                s->errors++;
                close_client(s, a->slot);
            }
        }
        free(a);
    }
    arm(s);
}

static void on_read(server *s, int64_t i)
{
    client *c = &s->cl[i];
    for (;;) {
        ssize_t r = read(c->fd, c->buf + c->len, MAX_LINE - c->len);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0 && errno == EAGAIN)
            return;
        if (r <= 0) {
            if (r < 0 || c->len)
                s->errors++;
            close_client(s, i);
            return;
        }
        c->len += (size_t)r;
        char *nl;
        while (c->fd >= 0 && (nl = memchr(c->buf, '\n', c->len))) {
            size_t n = (size_t)(nl - c->buf) + 1;
            enqueue(s, i, c->buf, n);
            memmove(c->buf, c->buf + n, c->len - n);
            c->len -= n;
        }
        if (c->fd >= 0 && c->len == MAX_LINE) {
            s->errors++; /* a line longer than MAX_LINE */
            close_client(s, i);
        }
        if (c->fd < 0)
            return;
    }
}

static void on_accept(server *s)
{
    for (;;) {
        int fd = accept4(s->lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd < 0) {
            if (errno != EAGAIN && errno != EINTR)
                s->errors++;
            return;
        }
        int64_t i = 0;
        while (i < s->max_clients && s->cl[i].fd >= 0)
            i++;
        if (i == s->max_clients) {
            s->errors++;
            close(fd);
            continue;
        }
        s->cl[i].fd = fd;
        s->cl[i].len = 0;
        s->accepted++;
        struct epoll_event ev = {.events = EPOLLIN, .data.u64 = (uint64_t)i};
        epoll_ctl(s->ep, EPOLL_CTL_ADD, fd, &ev);
    }
}

static void print_record(server *s, const char *host, int64_t port,
                         int64_t lifetime_ms, int64_t wall)
{
    tvc_json j;
    tvc_json_init(&j);
    tvc_tool_record_begin(&j, "delay-server", "delay");
    tvc_json_key(&j, "params");
    tvc_json_object_begin(&j);
    tvc_json_key(&j, "host");
    tvc_json_string(&j, host);
    tvc_json_key(&j, "port");
    tvc_json_int(&j, port);
    tvc_json_key(&j, "delay_ns");
    tvc_json_int(&j, s->delay);
    tvc_json_key(&j, "lifetime_ms");
    tvc_json_int(&j, lifetime_ms);
    tvc_json_object_end(&j);
    tvc_tool_record_ok(&j, s->errors == 0,
                       "some connections failed (see figures)");
    tvc_json_key(&j, "figures");
    tvc_json_object_begin(&j);
    tvc_json_key(&j, "answered");
    tvc_json_int(&j, s->answered);
    tvc_json_key(&j, "accepted");
    tvc_json_int(&j, s->accepted);
    tvc_json_key(&j, "errors");
    tvc_json_int(&j, s->errors);
    tvc_json_object_end(&j);
    tvc_json_key(&j, "wall_ns");
    tvc_json_int(&j, wall);
    tvc_tool_record_print(&j, "tvc-delay-server");
}

static const char usage[] =
    "usage: tvc-delay-server [--name=value ...]\n"
    "Answers each request line with the same line after a delay; prints\n"
    "\"listening on HOST:PORT\" on stderr, runs until SIGINT/SIGTERM, its\n"
    "parent process exits or its lifetime ends, then prints one JSON\n"
    "record on stdout.\n"
    "  --host=127.0.0.1        loopback only\n"
    "  --port=0                0: any free port\n"
    "  --delay_ns=2000000      delay before each answer\n"
    "  --lifetime_ms=3600000   stop after this long whatever happens\n"
    "  --max_connections=10000\n";

int main(int argc, char **argv)
{
    static const char *const names[] = {
        "host", "port", "delay_ns", "lifetime_ms", "max_connections", NULL};
    const char *val[5] = {"127.0.0.1", "0", "2000000", "3600000", "10000"};
    int64_t num[5] = {0};
    int args = tvc_tool_args("tvc-delay-server", argc, argv, names, val,
                             num, 1, usage);
    if (args != 0)
        return args > 0 ? 0 : 2;
    struct sockaddr_storage ss;
    socklen_t len;
    char err[256];
    if (tvc_net_loopback(val[0], val[1], &ss, &len, err, sizeof err) < 0) {
        fprintf(stderr, "tvc-delay-server: %s\n", err);
        return 2;
    }
    if (num[4] < 1) {
        fprintf(stderr, "tvc-delay-server: --max_connections must be >= 1\n");
        return 2;
    }
    tvc_net_raise_nofile();
    int64_t start = tvc_now();
    server s = {.delay = num[2], .max_clients = num[4]};
    s.cl = calloc((size_t)s.max_clients, sizeof *s.cl);
    sigset_t sigs;
    sigemptyset(&sigs);
    sigaddset(&sigs, SIGINT);
    sigaddset(&sigs, SIGTERM);
    sigprocmask(SIG_BLOCK, &sigs, NULL);
    pid_t parent = getppid();
    /* Its parent's death arrives as SIGTERM, through the signalfd. */
    if (prctl(PR_SET_PDEATHSIG, SIGTERM) < 0 || getppid() != parent)
        return 1;
    s.ep = epoll_create1(EPOLL_CLOEXEC);
    s.tfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
    s.sfd = signalfd(-1, &sigs, SFD_NONBLOCK | SFD_CLOEXEC);
    if (!s.cl || s.ep < 0 || s.tfd < 0 || s.sfd < 0) {
        fprintf(stderr, "tvc-delay-server: out of resources\n");
        return 1;
    }
    s.lfd = tvc_addr_listen(&ss, &len, 0);
    if (s.lfd < 0) {
        fprintf(stderr, "tvc-delay-server: cannot listen: %s\n",
                strerror(-s.lfd));
        return 1;
    }
    for (int64_t i = 0; i < s.max_clients; i++)
        s.cl[i].fd = -1;
    struct epoll_event ev = {.events = EPOLLIN};
    ev.data.u64 = (uint64_t)(int64_t)ID_LISTEN;
    epoll_ctl(s.ep, EPOLL_CTL_ADD, s.lfd, &ev);
    ev.data.u64 = (uint64_t)(int64_t)ID_TIMER;
    epoll_ctl(s.ep, EPOLL_CTL_ADD, s.tfd, &ev);
    ev.data.u64 = (uint64_t)(int64_t)ID_SIGNAL;
    epoll_ctl(s.ep, EPOLL_CTL_ADD, s.sfd, &ev);
    char addr[80];
    tvc_addr_format(&ss, addr, sizeof addr);
    fprintf(stderr, "listening on %s\n", addr);
    int64_t end = start + TVC_MS(num[3]);
    bool stop = false;
    struct epoll_event evs[256];
    while (!stop) {
        int64_t now = tvc_now();
        if (now >= end)
            break;
        int ms = (int)((end - now) / TVC_MS(1)) + 1;
        int n = epoll_wait(s.ep, evs, 256, ms > 1000 ? 1000 : ms);
        for (int k = 0; k < n; k++) {
            int64_t id = (int64_t)evs[k].data.u64;
            if (id == ID_LISTEN)
                on_accept(&s);
            else if (id == ID_TIMER) {
                uint64_t ticks; /* the count does not matter, due does */
                ssize_t r = read(s.tfd, &ticks, sizeof ticks);
                (void)r;
                send_due(&s);
            } else if (id == ID_SIGNAL)
                stop = true;
            else if (s.cl[id].fd >= 0)
                on_read(&s, id);
        }
    }
    for (int64_t i = 0; i < s.max_clients; i++)
        close_client(&s, i);
    while (s.head) {
        answer *a = s.head;
        s.head = a->next;
        free(a);
    }
    print_record(&s, val[0], num[1], num[3], tvc_now() - start);
    close(s.lfd);
    close(s.ep);
    close(s.tfd);
    close(s.sfd);
    free(s.cl);
    return 0;
}
