/*
 * tvc-runner: runs ONE data point in fresh processes and prints one row.
 *
 *   tvc-runner [options] -- CMD [ARG...]
 *   tvc-runner --server [options] -- SERVER_CMD... -- LOAD_CMD...
 *
 * The point's command runs in its own process group with a wall-time
 * limit and resource limits; its stdout must be exactly one JSON record.
 * The row is that record plus a "run" object, or a synthesized record of
 * the same shape that says what went wrong (row.h).  In server mode the
 * server starts first; once it prints "listening on HOST:PORT" the load
 * command runs with {PORT}, {HOST} and {ADDR} substituted in its
 * arguments, then the server is asked to stop with SIGTERM; the load
 * generator's row goes under "load".  Whatever happens, including
 * SIGINT/SIGTERM to the runner, no child outlives it.
 */
#include "proc.h"
#include "row.h"

#include "tvc/clock.h"
#include "tvc/json.h"
#include "tvc/parse.h"

#include <errno.h>
#include <inttypes.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char usage_text[] =
    "usage: tvc-runner [options] -- CMD [ARG...]\n"
    "       tvc-runner --server [options] -- SERVER_CMD... -- LOAD_CMD...\n"
    "\n"
    "Runs one data point in a fresh process group and prints one row (one\n"
    "line of JSON): the command's record plus a \"run\" object (status,\n"
    "exit code, signal, rusage, argv, stderr tail), or a synthesized\n"
    "record saying what went wrong.  run.status is one of ok failed crash\n"
    "timeout oom parse_error spawn_error.\n"
    "\n"
    "options (numbers take k/M/G or Ki/Mi/Gi suffixes: --rss-limit=512Mi):\n"
    "  --experiment=NAME --point=I --points=N --rep=K   position, recorded\n"
    "  --timeout-ms=MS     wall-time limit of the point (default 60000)\n"
    "  --grace-ms=MS       SIGTERM to SIGKILL (default 2000)\n"
    "  --rss-limit=BYTES   kill when resident memory exceeds it (status\n"
    "                      oom; polled every 20 ms; default none)\n"
    "  --as-limit=BYTES    RLIMIT_AS of the command (default none)\n"
    "  --nofile=N          RLIMIT_NOFILE (default 16384, capped by the hard\n"
    "                      limit)\n"
    "  --cpu=N             pin the command to CPU N (default: not pinned)\n"
    "  --stdout-limit=BYTES  stdout kept; more is a parse_error (1 MiB)\n"
    "  --out=FILE          append the row to FILE (one write, O_APPEND)\n"
    "                      instead of stdout; a write that fails part way\n"
    "                      (a full disk) is cut off again: the file keeps\n"
    "                      whole rows only\n"
    "  --tag=TEXT          recorded as run.tag\n"
    "  --inject=kill@MS|stop@MS  TESTING ONLY: send SIGKILL (a crash) or\n"
    "                      SIGSTOP (a hang) to the point's process group MS\n"
    "                      after it started; recorded in run.injected\n"
    "server mode (--server):\n"
    "  --listen-timeout-ms=MS  wait this long for \"listening on\" (10000)\n"
    "  --stop-timeout-ms=MS    SIGTERM to SIGKILL when stopping (5000)\n"
    "  --no-pin            do not pin server and load to different CPUs\n"
    "  --same-cpu          pin server and load to one CPU: every wake-up\n"
    "                      stays on that CPU (a cross-vCPU wake-up in a\n"
    "                      VM measures the hypervisor as much as the\n"
    "                      server)\n"
    "  --timeout-ms applies to the load command.\n"
    "\n"
    "exit: 0 row written and ok, 1 row written and not ok, 2 usage,\n"
    "3 the row could not be written, 128+N interrupted by signal N (no\n"
    "row; every child killed).\n";

typedef struct options {
    tvc_point pt;
    tvc_limits lim;
    bool server, pin, same_cpu;
    int64_t listen_timeout_ns, stop_timeout_ns;
    const char *out, *tag;
    char **cmd, **load; /* NULL-terminated, inside argv */
} options;

static int usage_error(const char *fmt, const char *arg)
{
    fprintf(stderr, "tvc-runner: ");
    fprintf(stderr, fmt, arg);
    fprintf(stderr, " (see tvc-runner --help)\n");
    return 2;
}

static int parse_args(int argc, char **argv, options *o)
{
    static const struct {
        const char *name;
        int kind; /* 0 int64 ns-from-ms, 1 int64, 2 int, 3 size_t >= 1 */
        size_t off;
    } opts[] = {
        {"--timeout-ms=", 0, offsetof(options, lim.timeout_ns)},
        {"--grace-ms=", 0, offsetof(options, lim.grace_ns)},
        {"--listen-timeout-ms=", 0, offsetof(options, listen_timeout_ns)},
        {"--stop-timeout-ms=", 0, offsetof(options, stop_timeout_ns)},
        {"--rss-limit=", 1, offsetof(options, lim.rss_bytes)},
        {"--as-limit=", 1, offsetof(options, lim.as_bytes)},
        {"--nofile=", 1, offsetof(options, lim.nofile)},
        {"--point=", 2, offsetof(options, pt.point)},
        {"--points=", 2, offsetof(options, pt.points)},
        {"--rep=", 2, offsetof(options, pt.rep)},
        {"--cpu=", 2, offsetof(options, lim.cpu)},
        {"--stdout-limit=", 3, offsetof(options, lim.stdout_limit)},
    };
    int i = 1;
    for (; i < argc && strcmp(argv[i], "--") != 0; i++) {
        const char *a = argv[i];
        size_t k;
        for (k = 0; k < sizeof opts / sizeof opts[0]; k++)
            if (strncmp(a, opts[k].name, strlen(opts[k].name)) == 0)
                break;
        if (k < sizeof opts / sizeof opts[0]) {
            int64_t v;
            /* ints fit an int; milliseconds fit in ns without overflow;
             * a stdout buffer of 0 bytes could keep no record */
            int64_t min = opts[k].kind == 3 ? 1 : 0;
            int64_t max = opts[k].kind == 2   ? INT32_MAX
                          : opts[k].kind == 0 ? INT64_MAX / TVC_MS(1)
                                              : INT64_MAX;
            if (tvc_parse_int(a + strlen(opts[k].name), min, max, &v) < 0) {
                char why[128];
                fprintf(stderr,
                        "tvc-runner: bad number in '%s' (expected %s; see "
                        "tvc-runner --help)\n",
                        a, tvc_parse_int_why(min, max, why, sizeof why));
                return 2;
            }
            char *field = (char *)o + opts[k].off;
            if (opts[k].kind == 0)
                *(int64_t *)field = TVC_MS(v);
            else if (opts[k].kind == 1)
                *(int64_t *)field = v;
            else if (opts[k].kind == 2)
                *(int *)field = (int)v;
            else
                *(size_t *)field = (size_t)v;
        } else if (strncmp(a, "--experiment=", 13) == 0) {
            o->pt.experiment = a + 13;
        } else if (strncmp(a, "--tag=", 6) == 0) {
            o->tag = a + 6;
        } else if (strncmp(a, "--inject=", 9) == 0) {
            const char *at = strchr(a, '@');
            int64_t ms;
            if (!at || tvc_parse_int(at + 1, 0, INT64_MAX / TVC_MS(1), &ms) < 0)
                return usage_error("bad '%s' (kill@MS or stop@MS)", a);
            if (strncmp(a + 9, "kill@", 5) == 0)
                o->lim.inject_sig = SIGKILL;
            else if (strncmp(a + 9, "stop@", 5) == 0)
                o->lim.inject_sig = SIGSTOP;
            else
                return usage_error("bad '%s' (kill@MS or stop@MS)", a);
            o->lim.inject_ns = TVC_MS(ms);
        } else if (strncmp(a, "--out=", 6) == 0) {
            o->out = a + 6;
        } else if (strcmp(a, "--server") == 0) {
            o->server = true;
        } else if (strcmp(a, "--no-pin") == 0) {
            o->pin = false;
        } else if (strcmp(a, "--same-cpu") == 0) {
            o->same_cpu = true;
        } else if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
            fputs(usage_text, stdout);
            exit(0);
        } else {
            return usage_error("unknown option '%s'", a);
        }
    }
    if (i + 1 >= argc)
        return usage_error("%s", "a command is needed after '--'");
    o->cmd = argv + i + 1;
    if (o->server) {
        int j = i + 1;
        while (j < argc && strcmp(argv[j], "--") != 0)
            j++;
        if (j + 1 >= argc || j == i + 1)
            return usage_error("%s", "--server needs SERVER_CMD -- LOAD_CMD");
        argv[j] = NULL; /* ends the server command */
        o->load = argv + j + 1;
    }
    return 0;
}

/* Appends the row and a newline to the output in one write; with --out
 * the file gains the whole line or nothing (a full disk leaves the rows
 * before intact, with no half line after them). */
static int emit(const options *o, tvc_sb *row)
{
    tvc_sb_put(row, "\n", 1);
    if (row->oom)
        return -ENOMEM;
    if (o->out)
        return tvc_file_append_whole(o->out, row->buf, row->len);
    ssize_t w = write(1, row->buf, row->len);
    return w == (ssize_t)row->len ? 0 : (w < 0 ? -errno : -EIO);
}

/* Says why the row was not written; the runner's exit 3. */
static int emit_failed(const options *o, int err)
{
    fprintf(stderr, "tvc-runner: cannot write the row to %s: %s\n",
            o->out ? o->out : "stdout", strerror(-err));
    return 3;
}

/* Pumps until every child in cs is done, the runner is interrupted
 * (-EINTR) or until_ns passes (-ETIMEDOUT); stop() may end it early. */
static int pump_until(tvc_child **cs, int n, int64_t until_ns,
                      bool (*stop)(tvc_child **cs))
{
    for (;;) {
        bool all = true;
        for (int i = 0; i < n; i++)
            all = all && tvc_child_done(cs[i]);
        if (all || (stop && stop(cs)))
            return 0;
        if (until_ns >= 0 && tvc_now() >= until_ns)
            return -ETIMEDOUT;
        int r = tvc_proc_pump(cs, n, until_ns);
        if (r < 0)
            return r;
    }
}

static bool heard_listening(tvc_child **cs)
{
    return cs[0]->listen[0] != '\0';
}

/* Copies argv with {PORT}, {HOST} and {ADDR} replaced (caller frees each
 * string and the array). */
static char **substitute(char **argv, const char *addr)
{
    const char *colon = strrchr(addr, ':');
    char host[128], port[16];
    size_t hn = colon ? (size_t)(colon - addr) : 0;
    if (!colon || hn >= sizeof host || strlen(colon + 1) >= sizeof port)
        return NULL;
    memcpy(host, addr, hn);
    host[hn] = '\0';
    strcpy(port, colon + 1);
    const char *from[] = {"{PORT}", "{HOST}", "{ADDR}"};
    const char *to[] = {port, host, addr};
    size_t n = 0;
    while (argv[n])
        n++;
    char **out = calloc(n + 1, sizeof *out);
    if (!out)
        return NULL;
    for (size_t i = 0; i < n; i++) {
        tvc_sb b = {0};
        const char *s = argv[i];
        while (*s) {
            size_t k;
            for (k = 0; k < 3; k++)
                if (strncmp(s, from[k], strlen(from[k])) == 0)
                    break;
            if (k < 3) {
                tvc_sb_put(&b, to[k], strlen(to[k]));
                s += strlen(from[k]);
            } else {
                tvc_sb_put(&b, s++, 1);
            }
        }
        tvc_sb_put(&b, "", 0);
        out[i] = b.buf;
    }
    return out;
}

static void free_argv(char **argv)
{
    for (size_t i = 0; argv && argv[i]; i++)
        free(argv[i]);
    free(argv);
}

/* The first two CPUs this process may use, or -1. */
static void two_cpus(int *a, int *b)
{
    cpu_set_t set;
    *a = *b = -1;
    if (sched_getaffinity(0, sizeof set, &set) < 0)
        return;
    for (int i = 0; i < CPU_SETSIZE && *b < 0; i++) {
        if (!CPU_ISSET(i, &set))
            continue;
        if (*a < 0)
            *a = i;
        else
            *b = i;
    }
}

static int interrupted_exit(tvc_child **cs, int n)
{
    tvc_proc_kill_all(cs, n);
    for (int i = 0; i < n; i++)
        tvc_child_free(cs[i]);
    int sig = tvc_proc_interrupted();
    fprintf(stderr, "tvc-runner: interrupted by %s; every child killed\n",
            strsignal(sig));
    return 128 + sig;
}

static int run_point(options *o)
{
    tvc_child c;
    tvc_child_init(&c, o->cmd, &o->lim);
    tvc_child *cs[1] = {&c};
    tvc_child_start(&c);
    if (pump_until(cs, 1, -1, NULL) == -EINTR)
        return interrupted_exit(cs, 1);
    tvc_outcome oc;
    tvc_outcome_of(&c, &oc);
    tvc_row_extra x = {.role = "point", .pt = &o->pt, .tag = o->tag};
    tvc_sb row = {0};
    tvc_row_build(&row, &c, &oc, &x);
    int r = emit(o, &row);
    tvc_sb_free(&row);
    tvc_child_free(&c);
    if (r < 0)
        return emit_failed(o, r);
    return strcmp(oc.status, "ok") == 0 ? 0 : 1;
}

static int run_server(options *o)
{
    int cpu_s = -1, cpu_l = -1;
    if (o->pin)
        two_cpus(&cpu_s, &cpu_l);
    if (o->pin && o->same_cpu)
        cpu_l = cpu_s;
    if (cpu_l < 0)
        cpu_s = -1;
    tvc_limits sl = o->lim;
    sl.cpu = cpu_s;
    /* The server's own limit covers all three phases. */
    sl.timeout_ns = o->listen_timeout_ns + o->lim.timeout_ns +
                    o->stop_timeout_ns + o->lim.grace_ns;
    tvc_limits ll = o->lim;
    ll.cpu = cpu_l;
    ll.inject_sig = 0; /* an injected fault hits the runtime's server */
    tvc_child s, l;
    tvc_child_init(&s, o->cmd, &sl);
    tvc_child_init(&l, NULL, &ll);
    tvc_child *cs[2] = {&s, &l};
    char **load_argv = NULL;
    char err[1200] = "";
    const char *status = NULL;
    tvc_sb load_row = {0};

    tvc_child_start(&s);
    int r =
        pump_until(cs, 1, tvc_now() + o->listen_timeout_ns, heard_listening);
    if (r == -EINTR)
        return interrupted_exit(cs, 1);
    if (!s.listen[0]) {
        if (!tvc_child_done(&s)) {
            tvc_child_stop(&s, "stop", o->stop_timeout_ns);
            snprintf(err, sizeof err,
                     "server printed no \"listening on\" within %lld ms",
                     (long long)(o->listen_timeout_ns / TVC_MS(1)));
            status = "timeout";
        } else if (!s.spawn_errno) {
            snprintf(err, sizeof err, "server exited before \"listening on\"");
        }
    } else if (!(load_argv = substitute(o->load, s.listen))) {
        snprintf(err, sizeof err, "cannot use listen address '%s'", s.listen);
        status = "failed";
        tvc_child_stop(&s, "stop", o->stop_timeout_ns);
    } else {
        l.argv = load_argv;
        tvc_child_start(&l);
        if (pump_until(cs + 1, 1, -1, NULL) == -EINTR ||
            (tvc_child_stop(&s, "stop", o->stop_timeout_ns),
             pump_until(cs, 1, -1, NULL) == -EINTR)) {
            free_argv(load_argv);
            return interrupted_exit(cs, 2);
        }
        tvc_outcome lo;
        tvc_outcome_of(&l, &lo);
        tvc_row_extra lx = {.role = "load"};
        tvc_row_build(&load_row, &l, &lo, &lx);
        if (strcmp(lo.status, "ok") != 0) {
            snprintf(err, sizeof err, "load generator: %s: %s", lo.status,
                     lo.error);
            status = "failed";
        }
    }
    if (pump_until(cs, 1, -1, NULL) == -EINTR) {
        free_argv(load_argv);
        return interrupted_exit(cs, 2);
    }
    tvc_outcome so;
    tvc_outcome_of(&s, &so);
    /* A listen timeout first, then the server's own failure, then the
     * load generator's; the errors of both are kept. */
    if (!(status && strcmp(status, "timeout") == 0) &&
        strcmp(so.status, "ok") != 0)
        status = so.status;
    else if (!status && !s.listen[0])
        status = "failed";
    if (so.error[0] && strcmp(so.status, "ok") != 0) {
        size_t n = strlen(err);
        snprintf(err + n, sizeof err - n, "%s%s", n ? "; " : "", so.error);
    }
    char placement[160];
    if (cpu_s >= 0)
        snprintf(placement, sizeof placement,
                 "{\"pinned\":true,\"server_cpu\":%d,\"load_cpu\":%d}", cpu_s,
                 cpu_l);
    else
        snprintf(placement, sizeof placement, "{\"pinned\":false}");
    tvc_row_extra x = {.role = "server",
                       .pt = &o->pt,
                       .placement = placement,
                       .load_row = load_row.buf,
                       .status = status,
                       .error = err[0] ? err : NULL,
                       .tag = o->tag};
    tvc_sb row = {0};
    tvc_row_build(&row, &s, &so, &x);
    int w = emit(o, &row);
    const char *final = status ? status : so.status;
    tvc_sb_free(&row);
    tvc_sb_free(&load_row);
    tvc_child_free(&s);
    tvc_child_free(&l);
    free_argv(load_argv);
    if (w < 0)
        return emit_failed(o, w);
    return strcmp(final, "ok") == 0 ? 0 : 1;
}

int main(int argc, char **argv)
{
    options o = {
        .pt = {NULL, -1, -1, -1},
        .lim = {.timeout_ns = TVC_SEC(60),
                .grace_ns = TVC_SEC(2),
                .nofile = 16384,
                .stdout_limit = 1 << 20,
                .cpu = -1},
        .pin = true,
        .listen_timeout_ns = TVC_SEC(10),
        .stop_timeout_ns = TVC_SEC(5),
    };
    int r = parse_args(argc, argv, &o);
    if (r)
        return r;
    if (tvc_proc_setup() < 0) {
        perror("tvc-runner: signal setup");
        return 3;
    }
    return o.server ? run_server(&o) : run_point(&o);
}
