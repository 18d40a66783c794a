/*
 * tvc-loadgen-echo: the load generator for the echo workload, a separate
 * single-threaded process (epoll) so the server under test never shares
 * its loop or its CPU with the client.
 *
 * Closed loop (--rate_per_s=0): each connection sends a message, waits for
 * the whole echo, verifies it and sends the next; latency is the round
 * trip.  Open loop (--rate_per_s=R): messages are due at fixed times
 * t0 + k/R, round-robin over the connections, and are pipelined whether
 * or not earlier ones came back; latency runs from the time a message was
 * DUE, not from when it could be sent, so a stalled server shows up in
 * the tail instead of slowing the client down (no coordinated omission).
 *
 * Every echoed byte is checked against the pattern that was sent (message
 * m on connection c has a known content), the run is bounded by
 * --duration_ms and --count, and the record is one JSON object on stdout
 * with msgs_per_s, bytes_per_s, errors and the rtt histogram.
 */
#include "net.h"
#include "tool.h"

#include "tvc/addr.h"
#include "tvc/clock.h"
#include "tvc/hist.h"
#include "tvc/json.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/timerfd.h>
#include <unistd.h>

/* Messages one connection may have due but not yet echoed (open loop);
 * more than that counts as an overflow error instead of growing without
 * bound. */
#define OPEN_QUEUE 4096
/* Connects in flight at once: a burst of 10,000 SYNs would overflow the
 * server's accept backlog and turn into one-second SYN retries. */
#define CONNECT_BATCH 128

typedef struct conn {
    int fd;         /* -1 once closed */
    bool connected; /* connect finished */
    bool want_out;  /* EPOLLOUT is armed */
    uint64_t sched; /* messages due on this connection */
    uint64_t sent;  /* messages fully written */
    size_t tx_off;  /* bytes of message `sent` already written */
    uint64_t done;  /* messages fully echoed and verified */
    size_t rx_off;  /* bytes of message `done` already received */
    int64_t *due;   /* ring of due times, indexed by message % qcap */
} conn;

typedef struct gen {
    const char *host, *port;
    int64_t conns, size, duration_ns, count, rate, drain_ns, connect_ns;
    size_t qcap; /* due-time ring size: 1 closed loop, else OPEN_QUEUE */
    conn *c;
    int ep, tfd;
    uint64_t scheduled; /* messages made due in all */
    uint64_t completed; /* messages echoed and verified */
    uint64_t verified_bytes, sent_bytes;
    uint64_t errors, connect_errors, io_errors, mismatches, overflows,
        unanswered;
    int64_t connected; /* connections that finished connecting */
    int64_t t0, t_end, t_last;
    bool stopping; /* no more messages are made due */
    tvc_hist rtt;
    char error[256]; /* first error, "" if none */
} gen;

/* Byte i of message m on connection c: lowercase letters ending in a
 * newline, so line-framed and length-framed servers both echo it. */
static uint8_t pattern(int64_t c, uint64_t m, size_t i, int64_t size)
{
    if (i == (size_t)size - 1)
        return '\n';
    return (uint8_t)('a' + (m * 131u + i * 7u + (uint64_t)c * 17u) % 26u);
}

static void note_error(gen *g, uint64_t *counter, const char *fmt,
                       const char *what)
{
    (*counter)++;
    if (!g->error[0])
        snprintf(g->error, sizeof g->error, fmt, what);
}

static void close_conn(gen *g, int64_t i)
{
    conn *c = &g->c[i];
    if (c->fd < 0)
        return;
    epoll_ctl(g->ep, EPOLL_CTL_DEL, c->fd, NULL);
    close(c->fd);
    c->fd = -1;
}

static void arm_out(gen *g, int64_t i, bool on)
{
    conn *c = &g->c[i];
    if (c->want_out == on || c->fd < 0)
        return;
    struct epoll_event ev = {.events = EPOLLIN | (on ? EPOLLOUT : 0),
                             .data.u64 = (uint64_t)i};
    epoll_ctl(g->ep, EPOLL_CTL_MOD, c->fd, &ev);
    c->want_out = on;
}

/* Writes as much of the due messages as the socket takes. */
static void flush(gen *g, int64_t i)
{
    conn *c = &g->c[i];
    uint8_t buf[65536];
    while (c->fd >= 0 && c->connected && c->sent < c->sched) {
        size_t n = 0;
        uint64_t m = c->sent;
        size_t off = c->tx_off;
        while (n < sizeof buf && m < c->sched) {
            buf[n++] = pattern(i, m, off, g->size);
            if (++off == (size_t)g->size)
                off = 0, m++;
        }
        ssize_t w = write(c->fd, buf, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w < 0 && errno == EAGAIN) {
            arm_out(g, i, true);
            return;
        }
        if (w <= 0) {
            note_error(g, &g->io_errors, "write failed: %s", strerror(errno));
            close_conn(g, i);
            return;
        }
        g->sent_bytes += (uint64_t)w;
        size_t total = c->tx_off + (size_t)w;
        c->sent += total / (size_t)g->size;
        c->tx_off = total % (size_t)g->size;
    }
    arm_out(g, i, false);
}

/* Makes one more message due on connection i at time due. */
static void schedule(gen *g, int64_t i, int64_t due)
{
    conn *c = &g->c[i];
    g->scheduled++;
    if (c->fd < 0) {
        note_error(g, &g->io_errors, "%s",
                   "message due on a closed "
                   "connection");
        return;
    }
    if (c->sched - c->done >= g->qcap) {
        note_error(g, &g->overflows, "%s",
                   "more messages due than a "
                   "connection may queue");
        return;
    }
    c->due[c->sched % g->qcap] = due;
    c->sched++;
}

static bool more_wanted(gen *g, int64_t now)
{
    return !g->stopping && now < g->t_end &&
           (g->count == 0 || (int64_t)g->scheduled < g->count);
}

static void on_readable(gen *g, int64_t i)
{
    conn *c = &g->c[i];
    uint8_t buf[65536];
    /* One read per readiness event: epoll is level-triggered, so what is
     * left is reported again after every other ready connection had its
     * turn.  Reading until EAGAIN favoured a connection whose echoes came
     * back at once, and the server's fairness then showed up as ours. */
    ssize_t r;
    do
        r = read(c->fd, buf, sizeof buf);
    while (r < 0 && errno == EINTR);
    if (r < 0 && errno == EAGAIN)
        return;
    if (r <= 0) {
        if (r == 0 && c->done == c->sched && g->stopping) {
            close_conn(g, i);
            return;
        }
        note_error(g, &g->io_errors, "connection lost: %s",
                   r == 0 ? "end of stream" : strerror(errno));
        close_conn(g, i);
        return;
    }
    int64_t now = tvc_now();
    for (ssize_t k = 0; k < r; k++) {
        /* Never more bytes back than were sent, each one as sent. */
        if (c->done * (uint64_t)g->size + c->rx_off >=
                c->sent * (uint64_t)g->size + c->tx_off ||
            buf[k] != pattern(i, c->done, c->rx_off, g->size)) {
            note_error(g, &g->mismatches, "%s",
                       "echoed bytes differ from those sent");
            close_conn(g, i);
            return;
        }
        g->verified_bytes++;
        if (++c->rx_off < (size_t)g->size)
            continue;
        c->rx_off = 0;
        tvc_hist_record(&g->rtt, now - c->due[c->done % g->qcap]);
        c->done++;
        g->completed++;
        g->t_last = now;
        /* Closed loop: the next message is due the moment the last
         * one came back. */
        if (g->rate == 0 && more_wanted(g, now))
            schedule(g, i, now);
    }
    flush(g, i);
}

static void start_connects(gen *g, int64_t *next, int64_t *pending,
                           struct sockaddr_storage *ss, socklen_t len)
{
    while (*next < g->conns && *pending < CONNECT_BATCH) {
        int64_t i = (*next)++;
        conn *c = &g->c[i];
        c->fd = tvc_addr_connect(ss, len);
        if (c->fd < 0) {
            note_error(g, &g->connect_errors, "connect: %s",
                       strerror(-c->fd));
            c->fd = -1;
            continue;
        }
        struct epoll_event ev = {.events = EPOLLIN | EPOLLOUT,
                                 .data.u64 = (uint64_t)i};
        epoll_ctl(g->ep, EPOLL_CTL_ADD, c->fd, &ev);
        c->want_out = true;
        (*pending)++;
    }
}

/* Connects every connection, CONNECT_BATCH at a time. */
static void connect_all(gen *g, struct sockaddr_storage *ss, socklen_t len)
{
    int64_t next = 0, pending = 0;
    int64_t deadline = tvc_now() + g->connect_ns;
    start_connects(g, &next, &pending, ss, len);
    struct epoll_event evs[256];
    while ((next < g->conns || pending > 0) && tvc_now() < deadline) {
        int n = epoll_wait(g->ep, evs, 256, 100);
        for (int k = 0; k < n; k++) {
            int64_t i = (int64_t)evs[k].data.u64;
            conn *c = &g->c[i];
            if (c->fd < 0 || c->connected)
                continue;
            int err = 0;
            socklen_t el = sizeof err;
            getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &el);
            pending--;
            if (err) {
                note_error(g, &g->connect_errors, "connect: %s", strerror(err));
                close_conn(g, i);
                continue;
            }
            c->connected = true;
            g->connected++;
            arm_out(g, i, false);
        }
        start_connects(g, &next, &pending, ss, len);
    }
    for (int64_t i = 0; i < g->conns; i++) {
        if (g->c[i].fd >= 0 && !g->c[i].connected) {
            note_error(g, &g->connect_errors, "%s",
                       "connect did not finish in time");
            close_conn(g, i);
        } else if (g->c[i].fd < 0 && i >= next) {
            note_error(g, &g->connect_errors, "%s",
                       "connect never started in time");
        }
    }
}

static void arm_timer(gen *g, int64_t at)
{
    struct itimerspec its = {{0, 0}, {at / TVC_SEC(1), at % TVC_SEC(1)}};
    timerfd_settime(g->tfd, TFD_TIMER_ABSTIME, &its, NULL);
}

/* Open loop: makes due every message whose time has come. */
static void open_loop_tick(gen *g, int64_t now)
{
    uint64_t k = g->scheduled;
    for (;;) {
        int64_t due = g->t0 + (int64_t)((double)k * 1e9 / (double)g->rate);
        if (due > now || !more_wanted(g, due))
            break;
        int64_t i = (int64_t)(k % (uint64_t)g->conns);
        schedule(g, i, due);
        flush(g, i);
        k = g->scheduled;
    }
    int64_t next = g->t0 + (int64_t)((double)k * 1e9 / (double)g->rate);
    arm_timer(g, next < g->t_end ? next : g->t_end);
}

static bool all_answered(gen *g)
{
    for (int64_t i = 0; i < g->conns; i++)
        if (g->c[i].fd >= 0 && g->c[i].done < g->c[i].sched)
            return false;
    return true;
}

static void run(gen *g)
{
    g->t0 = tvc_now();
    g->t_end = g->t0 + g->duration_ns;
    g->t_last = g->t0;
    if (g->rate == 0) {
        for (int64_t i = 0; i < g->conns && more_wanted(g, g->t0); i++)
            if (g->c[i].fd >= 0) {
                schedule(g, i, tvc_now());
                flush(g, i);
            }
        arm_timer(g, g->t_end);
    } else {
        open_loop_tick(g, g->t0);
    }
    struct epoll_event evs[256];
    int64_t drain_end = -1;
    for (;;) {
        int64_t now = tvc_now();
        if (!g->stopping && !more_wanted(g, now)) {
            g->stopping = true;
            drain_end = now + g->drain_ns;
        }
        if (g->stopping && (all_answered(g) || now >= drain_end))
            break;
        int ms = g->stopping ? (int)((drain_end - now) / TVC_MS(1)) + 1 : 1000;
        int n = epoll_wait(g->ep, evs, 256, ms);
        for (int k = 0; k < n; k++) {
            uint64_t id = evs[k].data.u64;
            if (id == (uint64_t)g->conns) {
                uint64_t ticks;
                if (read(g->tfd, &ticks, sizeof ticks) < 0)
                    continue;
                if (g->rate > 0)
                    open_loop_tick(g, tvc_now());
                continue;
            }
            if (g->c[id].fd < 0)
                continue;
            if (evs[k].events & (EPOLLIN | EPOLLERR | EPOLLHUP))
                on_readable(g, (int64_t)id);
            if (g->c[id].fd >= 0 && (evs[k].events & EPOLLOUT))
                flush(g, (int64_t)id);
        }
    }
    for (int64_t i = 0; i < g->conns; i++) {
        conn *c = &g->c[i];
        if (c->sched > c->done) {
            g->unanswered += c->sched - c->done;
            if (!g->error[0])
                snprintf(g->error, sizeof g->error,
                         "%llu messages unanswered at the end",
                         (unsigned long long)(c->sched - c->done));
        }
        close_conn(g, i);
    }
}

static void print_record(gen *g, int64_t wall)
{
    g->errors = g->connect_errors + g->io_errors + g->mismatches +
                g->overflows + g->unanswered;
    bool ok = g->errors == 0 && g->completed > 0;
    if (ok)
        g->error[0] = '\0';
    else if (!g->error[0])
        snprintf(g->error, sizeof g->error, "no message was echoed");
    double secs = (double)(g->t_last - g->t0) / 1e9;
    tvc_json j;
    tvc_json_init(&j);
    tvc_tool_record_begin(&j, "loadgen", "echo-load");
    tvc_json_key(&j, "params");
    tvc_json_object_begin(&j);
    tvc_json_key(&j, "host");
    tvc_json_string(&j, g->host);
    const char *names[] = {"port",        "connections", "size_bytes",
                           "duration_ms", "count",       "rate_per_s"};
    int64_t vals[] = {atoll(g->port), g->conns,
                      g->size,        g->duration_ns / TVC_MS(1),
                      g->count,       g->rate};
    for (size_t k = 0; k < sizeof vals / sizeof vals[0]; k++) {
        tvc_json_key(&j, names[k]);
        tvc_json_int(&j, vals[k]);
    }
    tvc_json_object_end(&j);
    tvc_tool_record_ok(&j, ok, g->error);
    tvc_json_key(&j, "check");
    tvc_json_object_begin(&j);
    tvc_json_key(&j, "echoed_bytes");
    tvc_json_object_begin(&j);
    tvc_json_key(&j, "expected");
    tvc_json_int(&j, (int64_t)g->sent_bytes);
    tvc_json_key(&j, "got");
    tvc_json_int(&j, (int64_t)g->verified_bytes);
    tvc_json_object_end(&j);
    tvc_json_object_end(&j);
    tvc_json_key(&j, "figures");
    tvc_json_object_begin(&j);
    tvc_json_key(&j, "msgs_per_s");
    tvc_json_double(&j, secs > 0 ? (double)g->completed / secs : 0);
    tvc_json_key(&j, "bytes_per_s");
    tvc_json_double(&j, secs > 0 ? (double)g->verified_bytes / secs : 0);
    const char *cn[] = {"errors",         "messages",   "connections",
                        "connect_errors", "io_errors",  "mismatches",
                        "overflows",      "unanswered", "elapsed_ns"};
    int64_t cv[] = {(int64_t)g->errors,    (int64_t)g->completed,
                    g->connected,          (int64_t)g->connect_errors,
                    (int64_t)g->io_errors, (int64_t)g->mismatches,
                    (int64_t)g->overflows, (int64_t)g->unanswered,
                    g->t_last - g->t0};
    for (size_t k = 0; k < sizeof cv / sizeof cv[0]; k++) {
        tvc_json_key(&j, cn[k]);
        tvc_json_int(&j, cv[k]);
    }
    tvc_json_object_end(&j);
    tvc_json_key(&j, "latency_ns");
    tvc_json_object_begin(&j);
    tvc_json_key(&j, "rtt");
    tvc_hist_json(&g->rtt, &j);
    tvc_json_object_end(&j);
    tvc_json_key(&j, "memory");
    tvc_json_object_begin(&j);
    tvc_json_object_end(&j);
    tvc_json_key(&j, "cpu");
    tvc_json_object_begin(&j);
    tvc_json_object_end(&j);
    tvc_json_key(&j, "notes");
    tvc_json_object_begin(&j);
    tvc_json_key(&j, "mode");
    tvc_json_string(&j, g->rate ? "open loop: latency from the due time"
                                : "closed loop");
    tvc_json_object_end(&j);
    tvc_json_key(&j, "wall_ns");
    tvc_json_int(&j, wall);
    tvc_tool_record_print(&j, "tvc-loadgen-echo");
}

static const char usage[] =
    "usage: tvc-loadgen-echo --port=P [--name=value ...]\n"
    "Drives an echo server on loopback and prints one JSON record.\n"
    "  --host=127.0.0.1     loopback only (127.0.0.0/8, ::1, localhost)\n"
    "  --port=P             required\n"
    "  --connections=1      concurrent connections\n"
    "  --size_bytes=64      message size\n"
    "  --duration_ms=1000   stop making messages due after this\n"
    "  --count=0            stop after this many messages (0: no bound)\n"
    "  --rate_per_s=0       0: closed loop; else open loop at this total\n"
    "                       rate, latency measured from each due time\n"
    "  --drain_ms=2000      wait this long for the last echoes\n"
    "  --connect_timeout_ms=10000\n"
    "exit: 0 ok, 1 errors (record says which), 2 usage\n";

int main(int argc, char **argv)
{
    static const char *const names[] = {
        "host",       "port",        "connections",
        "size_bytes", "duration_ms", "count",
        "rate_per_s", "drain_ms",    "connect_timeout_ms",
        NULL};
    const char *val[9] = {"127.0.0.1", NULL, "1",    "64",   "1000",
                          "0",         "0",  "2000", "10000"};
    int64_t num[9] = {0};
    int args = tvc_tool_args("tvc-loadgen-echo", argc, argv, names, val,
                             num, 2, usage);
    if (args != 0)
        return args > 0 ? 0 : 2;
    if (!val[1] || num[2] < 1 || num[3] < 1 || num[4] < 1) {
        fprintf(stderr, "tvc-loadgen-echo: --port is required; "
                        "connections, size_bytes and duration_ms must be "
                        "at least 1\n");
        return 2;
    }
    struct sockaddr_storage ss;
    socklen_t len;
    char err[256];
    if (tvc_net_loopback(val[0], val[1], &ss, &len, err, sizeof err) < 0) {
        fprintf(stderr, "tvc-loadgen-echo: %s\n", err);
        return 2;
    }
    gen *g = calloc(1, sizeof *g);
    if (!g)
        return 1;
    *g = (gen){.host = val[0],
               .port = val[1],
               .conns = num[2],
               .size = num[3],
               .duration_ns = TVC_MS(num[4]),
               .count = num[5],
               .rate = num[6],
               .drain_ns = TVC_MS(num[7]),
               .connect_ns = TVC_MS(num[8])};
    g->qcap = g->rate ? OPEN_QUEUE : 1;
    tvc_hist_init(&g->rtt);
    if (tvc_net_raise_nofile() < g->conns + 16) {
        fprintf(stderr,
                "tvc-loadgen-echo: the file limit is too low for "
                "%lld connections\n",
                (long long)g->conns);
        free(g);
        return 2;
    }
    int64_t start = tvc_now();
    g->c = calloc((size_t)g->conns, sizeof *g->c);
    int64_t *due = calloc((size_t)g->conns * g->qcap, sizeof *due);
    g->ep = epoll_create1(EPOLL_CLOEXEC);
    g->tfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
    if (!g->c || !due || g->ep < 0 || g->tfd < 0) {
        fprintf(stderr, "tvc-loadgen-echo: out of resources\n");
        return 1;
    }
    for (int64_t i = 0; i < g->conns; i++) {
        g->c[i].fd = -1;
        g->c[i].due = due + i * (int64_t)g->qcap;
    }
    struct epoll_event tev = {.events = EPOLLIN,
                              .data.u64 = (uint64_t)g->conns};
    epoll_ctl(g->ep, EPOLL_CTL_ADD, g->tfd, &tev);
    connect_all(g, &ss, len);
    if (g->connected > 0)
        run(g);
    print_record(g, tvc_now() - start);
    int rc = g->errors == 0 && g->completed > 0 ? 0 : 1;
    close(g->tfd);
    close(g->ep);
    free(due);
    free(g->c);
    free(g);
    return rc;
}
