/*
 * The loopback load tools as separate processes, as the harness runs
 * them: tvc-loadgen-echo against a tiny echo server in this test (closed
 * and open loop, every byte verified by the generator), tvc-delay-server
 * answering a line with the same line, and both refusing a target that
 * is not loopback.
 *   test_loadgen TVC_LOADGEN_ECHO TVC_DELAY_SERVER
 */
#include "tvc/addr.h"
#include "tvc/json.h"
#include "tvc_test.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

/* ---- a tiny echo server on a thread ----------------------------------- */

#define MAX_PEERS 64

typedef struct echo_server {
    int lfd;     /* listening socket */
    int stop[2]; /* a byte on stop[1] ends the thread */
    int port;    /* where it listens */
} echo_server;

static void *echo_main(void *arg)
{
    echo_server *s = arg;
    struct pollfd pf[2 + MAX_PEERS];
    int n = 2;
    pf[0] = (struct pollfd){s->lfd, POLLIN, 0};
    pf[1] = (struct pollfd){s->stop[0], POLLIN, 0};
    for (;;) {
        ASSERT(poll(pf, (nfds_t)n, -1) >= 0 || errno == EINTR);
        if (pf[1].revents)
            break;
        if (pf[0].revents && n < 2 + MAX_PEERS) {
            int fd = accept(s->lfd, NULL, NULL);
            if (fd >= 0)
                pf[n++] = (struct pollfd){fd, POLLIN, 0};
        }
        for (int i = 2; i < n; i++) {
            if (!pf[i].revents)
                continue;
            char buf[4096];
            ssize_t r = read(pf[i].fd, buf, sizeof buf);
            /* Blocking writes: the generator always reads its echoes. */
            if (r <= 0 || write(pf[i].fd, buf, (size_t)r) != r) {
                close(pf[i].fd);
                pf[i--] = pf[--n];
            }
        }
    }
    for (int i = 2; i < n; i++)
        close(pf[i].fd);
    return NULL;
}

static void echo_start(echo_server *s, pthread_t *t)
{
    struct sockaddr_in a = {.sin_family = AF_INET};
    socklen_t len = sizeof a;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    s->lfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    ASSERT(s->lfd >= 0);
    ASSERT_EQ(bind(s->lfd, (struct sockaddr *)&a, sizeof a), 0);
    ASSERT_EQ(listen(s->lfd, 128), 0);
    ASSERT_EQ(getsockname(s->lfd, (struct sockaddr *)&a, &len), 0);
    s->port = ntohs(a.sin_port);
    ASSERT_EQ(pipe2(s->stop, O_CLOEXEC), 0);
    ASSERT_EQ(pthread_create(t, NULL, echo_main, s), 0);
}

static void echo_stop(echo_server *s, pthread_t t)
{
    ASSERT_EQ(write(s->stop[1], "x", 1), 1);
    ASSERT_EQ(pthread_join(t, NULL), 0);
    close(s->lfd);
    close(s->stop[0]);
    close(s->stop[1]);
}

/* ---- running a tool ---------------------------------------------------- */

typedef struct proc {
    pid_t pid;
    int out, err; /* our ends of its stdout and stderr */
} proc;

static proc spawn(char **argv)
{
    int o[2], e[2];
    ASSERT_EQ(pipe2(o, O_CLOEXEC), 0);
    ASSERT_EQ(pipe2(e, O_CLOEXEC), 0);
    proc p = {fork(), o[0], e[0]};
    ASSERT(p.pid >= 0);
    if (p.pid == 0) {
        dup2(o[1], 1);
        dup2(e[1], 2);
        execv(argv[0], argv);
        _exit(127);
    }
    close(o[1]);
    close(e[1]);
    return p;
}

/* Reads fd to EOF into buf (NUL-terminated); returns the length. */
static size_t slurp(int fd, char *buf, size_t size)
{
    size_t n = 0;
    ssize_t r;
    while (n < size - 1 && (r = read(fd, buf + n, size - 1 - n)) != 0) {
        if (r < 0 && errno == EINTR)
            continue;
        ASSERT(r > 0);
        n += (size_t)r;
    }
    buf[n] = '\0';
    return n;
}

/* Waits for p; returns its exit code (-signal if killed). */
static int finish(proc *p, char *out, size_t osize, char *err, size_t esize)
{
    slurp(p->out, out, osize);
    slurp(p->err, err, esize);
    close(p->out);
    close(p->err);
    int st;
    ASSERT_EQ(waitpid(p->pid, &st, 0), p->pid);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -WTERMSIG(st);
}

/* The raw text of a top-level member of a record (not NUL-terminated). */
static const char *member(const char *rec, const char *key, size_t *len)
{
    size_t off;
    ASSERT_EQ(tvc_json_validate(rec, strlen(rec), NULL), 0);
    int r = tvc_json_member(rec, strlen(rec), key, &off, len);
    if (r != 0)
        TVC__FAIL("record has no \"%s\": %s", key, rec);
    return rec + off;
}

static void expect_ok(const char *rec)
{
    size_t len;
    const char *ok = member(rec, "ok", &len);
    if (len != 4 || memcmp(ok, "true", 4) != 0)
        TVC__FAIL("record not ok: %s", rec);
}

/* ---- the cases --------------------------------------------------------- */

/* size_arg may carry a suffix, read as every tool reads numbers:
 * "--size_bytes=64Ki" is 65536 bytes a message. */
static void loadgen_echo(const char *tool, const char *mode_arg,
                         const char *size_arg, const char *size_param)
{
    echo_server s;
    pthread_t t;
    echo_start(&s, &t);
    char port[32], out[65536], err[4096];
    snprintf(port, sizeof port, "--port=%d", s.port);
    char *argv[] = {(char *)tool,
                    port,
                    "--connections=8",
                    (char *)size_arg,
                    "--duration_ms=300",
                    (char *)mode_arg,
                    NULL};
    proc p = spawn(argv);
    int rc = finish(&p, out, sizeof out, err, sizeof err);
    if (rc != 0)
        TVC__FAIL("loadgen exit %d: %s %s", rc, out, err);
    expect_ok(out);
    size_t len;
    const char *params = member(out, "params", &len);
    if (!strstr(params, size_param))
        TVC__FAIL("no %s in %s", size_param, out);
    const char *fig = member(out, "figures", &len);
    ASSERT(strstr(fig, "\"errors\":0,") != NULL);
    ASSERT(strstr(fig, "\"msgs_per_s\":") != NULL);
    const char *lat = member(out, "latency_ns", &len);
    ASSERT(strstr(lat, "\"rtt\":{\"count\":") != NULL);
    ASSERT(strstr(lat, "\"count\":0,") == NULL);
    echo_stop(&s, t);
}

static void refuses(const char *tool, const char *host)
{
    char out[4096], err[4096];
    char *argv[] = {(char *)tool, (char *)host, "--port=7", NULL};
    proc p = spawn(argv);
    int rc = finish(&p, out, sizeof out, err, sizeof err);
    ASSERT_EQ(rc, 2);
    ASSERT_EQ(strlen(out), 0);
    if (!strstr(err, "refusing"))
        TVC__FAIL("no refusal for %s: %s", host, err);
}

static void delay_server(const char *tool)
{
    char *argv[] = {(char *)tool, "--delay_ns=1000000", "--lifetime_ms=20000",
                    NULL};
    proc p = spawn(argv);
    /* The first stderr line says where it listens. */
    char line[256];
    size_t n = 0;
    while (n < sizeof line - 1 && read(p.err, line + n, 1) == 1 &&
           line[n] != '\n')
        n++;
    line[n] = '\0';
    char host[64];
    int port;
    ASSERT(strncmp(line, "listening on 127.0.0.1:", 23) == 0);
    ASSERT_OK(tvc_addr_split(line + 13, host, sizeof host, &port));
    struct sockaddr_storage a;
    socklen_t alen;
    ASSERT_OK(tvc_addr_parse(host, port, &a, &alen));
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    ASSERT_EQ(connect(fd, (struct sockaddr *)&a, alen), 0);
    static const char req[] = "item 1\nitem 2\n";
    ASSERT_EQ(write(fd, req, sizeof req - 1), (ssize_t)(sizeof req - 1));
    char got[64];
    size_t have = 0;
    while (have < sizeof req - 1) {
        ssize_t r = read(fd, got + have, sizeof got - have);
        ASSERT(r > 0);
        have += (size_t)r;
    }
    ASSERT_EQ(have, sizeof req - 1);
    ASSERT_EQ(memcmp(got, req, have), 0);
    close(fd);
    ASSERT_EQ(kill(p.pid, SIGTERM), 0);
    char out[4096], err[4096];
    ASSERT_EQ(finish(&p, out, sizeof out, err, sizeof err), 0);
    expect_ok(out);
    size_t len;
    const char *fig = member(out, "figures", &len);
    ASSERT(strstr(fig, "\"answered\":2,") != NULL);
}

int main(int argc, char **argv)
{
    ASSERT_EQ(argc, 3);
    signal(SIGPIPE, SIG_IGN);
    tvc_test_baseline base = tvc_test_baseline_take();
    loadgen_echo(argv[1], "--rate_per_s=0", "--size_bytes=64Ki",
                 "\"size_bytes\":65536");
    loadgen_echo(argv[1], "--rate_per_s=2000", "--size_bytes=100",
                 "\"size_bytes\":100");
    refuses(argv[1], "--host=192.0.2.1");
    refuses(argv[1], "--host=example.com");
    refuses(argv[1], "--host=::2");
    delay_server(argv[2]);
    refuses(argv[2], "--host=10.1.2.3");
    /* Slack for what glibc keeps after the first thread (its stack
     * cache and dynamic TLS), which is not ours to free. */
    ASSERT_NO_LEAKS(base, 4096);
    return 0;
}
