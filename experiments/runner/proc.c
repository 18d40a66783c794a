/*
 * Child processes for the runner (proc.h).
 *
 * One poll loop watches every child: its stdout (kept up to a limit), its
 * stderr (the tail kept, each line checked for "listening on"), and a
 * pidfd that turns readable when it exits.  The runner's own signals come
 * in through a self-pipe, so an interrupt wakes the loop at once.  Exits
 * are handled in this order: SIGKILL the child's process group while the
 * leader is still a zombie (so the group id cannot have been reused), reap
 * the leader with wait4 for its rusage, then drain what is left in the
 * pipes without waiting on anyone who escaped the group.
 */
#include "proc.h"

#include "tvc/clock.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

/* How often the resident size is polled when a cap is set. */
#define RSS_POLL_NS TVC_MS(20)

static volatile sig_atomic_t interrupted;
static int sig_pipe[2] = {-1, -1};

static void on_signal(int sig)
{
    int saved = errno;
    interrupted = sig;
    if (sig_pipe[1] >= 0) {
        char b = 1;
        ssize_t r = write(sig_pipe[1], &b, 1);
        (void)r; /* a full pipe already holds a wake-up */
    }
    errno = saved;
}

int tvc_proc_setup(void)
{
    if (pipe2(sig_pipe, O_CLOEXEC | O_NONBLOCK) < 0)
        return -errno;
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    int sigs[] = {SIGINT, SIGTERM, SIGHUP};
    for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
        if (sigaction(sigs[i], &sa, NULL) < 0)
            return -errno;
    signal(SIGPIPE, SIG_IGN);
    /* Orphans of a child's group become ours, so we can reap them. */
    prctl(PR_SET_CHILD_SUBREAPER, 1);
    return 0;
}

int tvc_proc_interrupted(void)
{
    return interrupted;
}

/* ---- starting ---------------------------------------------------------- */

static void set_limit(int res, int64_t soft, bool raise_hard)
{
    struct rlimit rl;
    if (getrlimit(res, &rl) < 0)
        return;
    rl.rlim_cur = (rlim_t)soft;
    if (raise_hard && rl.rlim_max != RLIM_INFINITY && rl.rlim_max < rl.rlim_cur)
        rl.rlim_max = rl.rlim_cur;
    if (rl.rlim_max != RLIM_INFINITY && rl.rlim_cur > rl.rlim_max)
        rl.rlim_cur = rl.rlim_max;
    /* Raising the hard limit needs privilege; fall back to the soft one. */
    if (setrlimit(res, &rl) < 0 && getrlimit(res, &rl) == 0) {
        rl.rlim_cur = rl.rlim_max;
        setrlimit(res, &rl);
    }
}

/* In the child between fork and exec: only async-signal-safe calls. */
static void child_exec(tvc_child *c, int out_w, int err_w, int exec_w,
                       pid_t parent, const sigset_t *old_mask)
{
    int e;
    setpgid(0, 0);
    /* If the runner dies (even by SIGKILL) the child follows. */
    if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0 || getppid() != parent)
        _exit(127);
    signal(SIGPIPE, SIG_DFL);
    signal(SIGINT, SIG_DFL);
    signal(SIGTERM, SIG_DFL);
    signal(SIGHUP, SIG_DFL);
    sigprocmask(SIG_SETMASK, old_mask, NULL);
    int null_fd = open("/dev/null", O_RDONLY);
    if (null_fd < 0 || dup2(null_fd, 0) < 0 || dup2(out_w, 1) < 0 ||
        dup2(err_w, 2) < 0)
        goto fail;
    struct rlimit no_core = {0, 0};
    setrlimit(RLIMIT_CORE, &no_core);
    if (c->lim.nofile > 0)
        set_limit(RLIMIT_NOFILE, c->lim.nofile, true);
    if (c->lim.as_bytes > 0)
        set_limit(RLIMIT_AS, c->lim.as_bytes, false);
    if (c->lim.cpu >= 0) {
        cpu_set_t set;
        CPU_ZERO(&set);
        CPU_SET(c->lim.cpu, &set);
        if (sched_setaffinity(0, sizeof set, &set) < 0)
            goto fail;
    }
    execvp(c->argv[0], c->argv);
fail:
    e = errno;
    if (write(exec_w, &e, sizeof e) < 0)
        _exit(127);
    _exit(127);
}

static void close_fd(int *fd)
{
    if (*fd >= 0)
        close(*fd);
    *fd = -1;
}

void tvc_child_init(tvc_child *c, char **argv, const tvc_limits *lim)
{
    memset(c, 0, sizeof *c);
    c->argv = argv;
    c->lim = *lim;
    c->pidfd = c->out_fd = c->err_fd = -1;
    c->term_at = c->kill_at = -1;
}

int tvc_child_start(tvc_child *c)
{
    int out[2] = {-1, -1}, err[2] = {-1, -1}, ex[2] = {-1, -1};
    c->out = calloc(1, c->lim.stdout_limit + 1);
    if (!c->out)
        return c->spawn_errno = ENOMEM, -ENOMEM;
    if (pipe2(out, O_CLOEXEC) < 0 || pipe2(err, O_CLOEXEC) < 0 ||
        pipe2(ex, O_CLOEXEC) < 0) {
        c->spawn_errno = errno;
        goto fail;
    }
    sigset_t all, old;
    sigfillset(&all);
    /* No handler of ours may run in the child before exec. */
    sigprocmask(SIG_BLOCK, &all, &old);
    pid_t parent = getpid();
    c->start_ns = tvc_now();
    pid_t pid = fork();
    if (pid == 0)
        child_exec(c, out[1], err[1], ex[1], parent, &old);
    int fork_errno = errno;
    sigprocmask(SIG_SETMASK, &old, NULL);
    if (pid < 0) {
        c->spawn_errno = fork_errno;
        goto fail;
    }
    c->pid = pid;
    setpgid(pid, pid); /* both sides set it: no race with our kill */
    close_fd(&out[1]);
    close_fd(&err[1]);
    close_fd(&ex[1]);
    int e = 0;
    ssize_t r;
    do
        r = read(ex[0], &e, sizeof e);
    while (r < 0 && errno == EINTR);
    close_fd(&ex[0]);
    c->pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
    if (r == (ssize_t)sizeof e || c->pidfd < 0) {
        c->spawn_errno = r == (ssize_t)sizeof e ? e : errno;
        kill(-pid, SIGKILL);
        waitpid(pid, &c->wstatus, 0);
        c->exited = true;
        c->end_ns = tvc_now();
        goto fail;
    }
    c->out_fd = out[0];
    c->err_fd = err[0];
    fcntl(c->out_fd, F_SETFL, O_NONBLOCK);
    fcntl(c->err_fd, F_SETFL, O_NONBLOCK);
    if (c->lim.timeout_ns > 0)
        c->term_at = c->start_ns + c->lim.timeout_ns;
    return 0;
fail:
    close_fd(&out[0]);
    close_fd(&out[1]);
    close_fd(&err[0]);
    close_fd(&err[1]);
    close_fd(&ex[0]);
    close_fd(&ex[1]);
    close_fd(&c->pidfd);
    return -c->spawn_errno;
}

/* ---- output ------------------------------------------------------------ */

/* A complete stderr line: remember the first "listening on HOST:PORT". */
static void err_line(tvc_child *c)
{
    static const char tag[] = "listening on ";
    c->line[c->line_len] = '\0';
    char *at = strstr(c->line, tag);
    if (!c->listen[0] && at) {
        at += sizeof tag - 1;
        size_t n = strcspn(at, " \t\r\n");
        if (n > 0 && n < sizeof c->listen) {
            memcpy(c->listen, at, n);
            c->listen[n] = '\0';
        }
    }
    c->line_len = 0;
}

static void take_err(tvc_child *c, const char *b, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        c->err[c->err_total++ % TVC_PROC_ERR_KEEP] = b[i];
        if (b[i] == '\n')
            err_line(c);
        else if (c->line_len < sizeof c->line - 1)
            c->line[c->line_len++] = b[i];
    }
}

static void take_out(tvc_child *c, const char *b, size_t n)
{
    size_t room = c->lim.stdout_limit - c->out_len;
    if (n > room) {
        c->out_overflow = true;
        n = room;
    }
    memcpy(c->out + c->out_len, b, n);
    c->out_len += n;
    c->out[c->out_len] = '\0';
}

/* Reads what fd has now; closes it at EOF or error. */
static void read_fd(tvc_child *c, int *fd, bool is_out)
{
    char buf[16384];
    for (;;) {
        ssize_t r = read(*fd, buf, sizeof buf);
        if (r > 0) {
            if (is_out)
                take_out(c, buf, (size_t)r);
            else
                take_err(c, buf, (size_t)r);
            continue;
        }
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0 && errno == EAGAIN)
            return;
        close_fd(fd);
        return;
    }
}

/* ---- watching ---------------------------------------------------------- */

static void reap(tvc_child *c)
{
    /* The leader is a zombie: its group id is still ours to kill. */
    kill(-c->pid, SIGKILL);
    pid_t r;
    do
        r = wait4(c->pid, &c->wstatus, 0, &c->ru);
    while (r < 0 && errno == EINTR);
    c->exited = true;
    c->end_ns = tvc_now();
    close_fd(&c->pidfd);
    /* Members of its group that were orphaned came to us (subreaper):
     * reap them, they all got the SIGKILL above. */
    while (waitpid(-c->pid, NULL, 0) > 0 || errno == EINTR)
        ;
    /* Whatever is still buffered; a writer that escaped the group cannot
     * make us wait, the fds are non-blocking. */
    if (c->out_fd >= 0)
        read_fd(c, &c->out_fd, true);
    if (c->err_fd >= 0)
        read_fd(c, &c->err_fd, false);
    close_fd(&c->out_fd);
    close_fd(&c->err_fd);
    if (c->line_len)
        err_line(c);
}

void tvc_child_stop(tvc_child *c, const char *why, int64_t grace_ns)
{
    if (c->pid <= 0 || c->exited || c->stopped)
        return;
    c->stopped = why;
    kill(-c->pid, SIGTERM);
    c->kill_at = tvc_now() + grace_ns;
}

static int64_t rss_bytes(pid_t pid)
{
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/statm", (int)pid);
    FILE *f = fopen(path, "re");
    if (!f)
        return -1;
    long long size, resident;
    int n = fscanf(f, "%lld %lld", &size, &resident);
    fclose(f);
    return n == 2 ? resident * sysconf(_SC_PAGESIZE) : -1;
}

/* Deadlines and the memory cap; returns the next time to look again. */
static int64_t check_times(tvc_child *c, int64_t now, int64_t next)
{
    if (c->pid <= 0 || c->exited)
        return next;
    if (c->lim.inject_sig && !c->injected) {
        /* Testing only: an outside signal at a chosen moment.  It does
         * not count as ours: the row reads as if someone else sent it. */
        int64_t at = c->start_ns + c->lim.inject_ns;
        struct pollfd gone = {c->pidfd, POLLIN, 0};
        if (now >= at && !c->inject_missed) {
            /* A signal to an exited (zombie) group does nothing. */
            if (poll(&gone, 1, 0) == 1) {
                c->inject_missed = true;
            } else {
                kill(-c->pid, c->lim.inject_sig);
                c->injected = true;
            }
        } else if (now < at && at < next) {
            next = at;
        }
    }
    if (c->term_at >= 0 && now >= c->term_at && !c->stopped)
        tvc_child_stop(c, "timeout", c->lim.grace_ns);
    if (c->kill_at >= 0 && now >= c->kill_at && !c->killed) {
        kill(-c->pid, SIGKILL);
        c->killed = true;
    }
    if (c->lim.rss_bytes > 0) {
        int64_t rss = rss_bytes(c->pid);
        if (rss > c->peak_rss)
            c->peak_rss = rss;
        if (rss > c->lim.rss_bytes && !c->killed) {
            /* Over the cap nothing graceful is safe: kill now. */
            if (!c->stopped)
                c->stopped = "rss";
            kill(-c->pid, SIGKILL);
            c->killed = true;
        }
        if (now + RSS_POLL_NS < next)
            next = now + RSS_POLL_NS;
    }
    if (!c->stopped && c->term_at >= 0 && c->term_at < next)
        next = c->term_at;
    if (c->stopped && !c->killed && c->kill_at < next)
        next = c->kill_at;
    return next;
}

int tvc_proc_pump(tvc_child **cs, int n, int64_t until_ns)
{
    struct pollfd pf[1 + 3 * 8];
    tvc_child *who[1 + 3 * 8];
    int kind[1 + 3 * 8];
    int np = 0;
    if (interrupted)
        return -EINTR;
    int64_t now = tvc_now();
    /* until_ns -1 means no deadline of the caller's: only the children's
     * own deadlines (check_times) may shorten the wait.  Taken literally
     * it polled with a 0 ms timeout, a busy loop that took up to half a
     * CPU from the very server being measured. */
    int64_t next = until_ns < 0 ? INT64_MAX : until_ns;
    pf[np] = (struct pollfd){sig_pipe[0], POLLIN, 0};
    who[np] = NULL, kind[np++] = 0;
    for (int i = 0; i < n && i < 8; i++) {
        tvc_child *c = cs[i];
        next = check_times(c, now, next);
        if (c->pid <= 0 || c->exited)
            continue;
        int fds[3] = {c->out_fd, c->err_fd, c->pidfd};
        for (int k = 0; k < 3; k++) {
            if (fds[k] < 0)
                continue;
            pf[np] = (struct pollfd){fds[k], POLLIN, 0};
            who[np] = c, kind[np++] = k + 1;
        }
    }
    int ms = 0;
    if (next == INT64_MAX)
        ms = -1;
    else if (next > now)
        ms = (int)((next - now + TVC_MS(1) - 1) / TVC_MS(1));
    int r = poll(pf, (nfds_t)np, ms);
    if (r < 0 && errno != EINTR)
        return -errno;
    for (int i = 0; r > 0 && i < np; i++) {
        if (!pf[i].revents)
            continue;
        tvc_child *c = who[i];
        if (kind[i] == 0) {
            char b[64];
            while (read(sig_pipe[0], b, sizeof b) > 0)
                ;
        } else if (kind[i] == 1 && c->out_fd >= 0) {
            read_fd(c, &c->out_fd, true);
        } else if (kind[i] == 2 && c->err_fd >= 0) {
            read_fd(c, &c->err_fd, false);
        } else if (kind[i] == 3 && !c->exited) {
            reap(c);
        }
    }
    return interrupted ? -EINTR : 0;
}

bool tvc_child_done(const tvc_child *c)
{
    return c->pid <= 0 || c->exited;
}

void tvc_proc_kill_all(tvc_child **cs, int n)
{
    for (int i = 0; i < n; i++) {
        tvc_child *c = cs[i];
        if (c->pid <= 0 || c->exited)
            continue;
        kill(-c->pid, SIGKILL);
        c->killed = true;
        reap(c);
    }
}

void tvc_child_err_tail(const tvc_child *c, int max_lines, char *buf,
                        size_t size)
{
    size_t have =
        c->err_total < TVC_PROC_ERR_KEEP ? c->err_total : TVC_PROC_ERR_KEEP;
    size_t start = c->err_total - have;
    /* Walk back from the end over max_lines line breaks (a final
     * newline does not count as a line of its own). */
    size_t from = c->err_total;
    int lines = 0;
    if (from > start && c->err[(from - 1) % TVC_PROC_ERR_KEEP] == '\n')
        from--;
    while (from > start) {
        if (c->err[(from - 1) % TVC_PROC_ERR_KEEP] == '\n' &&
            ++lines == max_lines)
            break;
        from--;
    }
    size_t len = c->err_total - from;
    if (len > size - 1) {
        from += len - (size - 1);
        len = size - 1;
    }
    for (size_t i = 0; i < len; i++)
        buf[i] = c->err[(from + i) % TVC_PROC_ERR_KEEP];
    buf[len] = '\0';
}

void tvc_child_free(tvc_child *c)
{
    close_fd(&c->out_fd);
    close_fd(&c->err_fd);
    close_fd(&c->pidfd);
    free(c->out);
    c->out = NULL;
}
