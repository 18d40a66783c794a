/*
 * fail_sweep() of fail.h: the counting run, one child process per k, and
 * the verdict.  A child arms the site, runs the workload, disarms, checks
 * that descriptors, heap and threads are back at the baseline it took
 * first, and writes the workload's status and the calls it counted to a
 * pipe; the parent tells a run that survived from one that died, leaked
 * or hung.
 */
#include "fault/fail.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tvc_test.h"

enum {
    /* Above this many calls a sweep samples SAMPLE values of k, evenly
     * spread from 1 to K (--every runs them all): a run costs a fork and
     * a few milliseconds, and ctest's default suite has a budget. */
    SAMPLE = 200,
    /* Seconds a run may take: a workload of a few milliseconds that is
     * still running after this has hung. */
    RUN_LIMIT_S = 30,
    /* Distinct error codes the summary lists. */
    MAX_CODES = 16,
};

/* What a runtime keeps of lazily made state (pools, caches); above it is
 * a leak.  The same slack as the direct-style tests. */
#define HEAP_SLACK (256 * 1024)

/* What every run of a sweep does. */
typedef struct sweep {
    const char *site;
    int on; /* every call from the k-th on fails */
    fail_body_fn *body;
} sweep;

typedef struct run {
    int rc;     /* the workload's status */
    long calls; /* of the site's kind in that run */
} run;

/* The threads of this process ("Threads:" in /proc/self/status). */
static int threads(void)
{
    char buf[4096];
    int fd = open("/proc/self/status", O_RDONLY | O_CLOEXEC);
    ASSERT_GE(fd, 0);
    ssize_t n = read(fd, buf, sizeof buf - 1);
    close(fd);
    ASSERT_GT(n, 0);
    buf[n] = 0;
    const char *p = strstr(buf, "\nThreads:");
    ASSERT(p);
    return atoi(p + strlen("\nThreads:"));
}

/* The threads back at base: a thread that has been joined, or has
 * returned detached, may take a moment to leave the kernel's list. */
static void assert_threads_back(int base)
{
    for (int i = 0; i < 1000 && threads() != base; i++)
        usleep(1000);
    ASSERT_EQ(threads(), base);
}

/* The child: never returns.  out < 0: the run is in the foreground and
 * says how it ended. */
static void child(const sweep *sw, long k, int out)
{
    alarm(RUN_LIMIT_S); /* a hang dies of SIGALRM */
    tvc_test_baseline base = tvc_test_baseline_take();
    int base_threads = threads();
    ASSERT_OK(fail_arm(sw->site, k, sw->on));
    int rc = sw->body();
    long calls = fail_disarm();
    ASSERT_NO_LEAKS(base, HEAP_SLACK);
    assert_threads_back(base_threads);
    run r = {rc, calls};
    if (out >= 0)
        ASSERT_EQ(write(out, &r, sizeof r), sizeof r);
    else
        printf("k=%ld: %s after %ld calls\n", k, tvc_err_name(rc), calls);
    exit(0); /* exit, not _exit: LeakSanitizer checks at exit */
}

/* Runs the workload in a child with the k-th call failing: 0 and *r when
 * it survived, else -1 after a line saying how it died. */
static int run_once(const sweep *sw, long k, run *r)
{
    int p[2];
    ASSERT_OK(pipe(p));
    fflush(NULL); /* the child must not print our buffered output again */
    pid_t pid = fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
        close(p[0]);
        child(sw, k, p[1]);
    }
    close(p[1]);
    ssize_t got = read(p[0], r, sizeof *r);
    close(p[0]);
    int status;
    ASSERT_EQ(waitpid(pid, &status, 0), pid);
    if (WIFSIGNALED(status)) {
        int sig = WTERMSIG(status);
        printf("  k=%ld: %s (%s)\n", k,
               sig == SIGALRM ? "hung" : "died of a signal", strsignal(sig));
        return -1;
    }
    if (WEXITSTATUS(status) != 0 || got != (ssize_t)sizeof *r) {
        printf("  k=%ld: exit status %d (a sanitizer report or a leak above)\n",
               k, WEXITSTATUS(status));
        return -1;
    }
    if (r->rc > 0) {
        printf("  k=%ld: the workload returned %d, not 0 or an error code\n", k,
               r->rc);
        return -1;
    }
    return 0;
}

/* The error codes seen and how often, for the summary. */
typedef struct codes {
    int code[MAX_CODES], times[MAX_CODES], n;
} codes;

static void codes_add(codes *c, int code)
{
    int i = 0;
    while (i < c->n && c->code[i] != code)
        i++;
    if (i == MAX_CODES)
        return;
    if (i == c->n)
        c->code[c->n++] = code;
    c->times[i]++;
}

int fail_sweep(const char *runtime, const char *site, int on,
               fail_body_fn *body, int every)
{
    sweep sw = {site, on, body};
    const char *plus = on ? "+" : "";
    run r;
    if (run_once(&sw, 0, &r) < 0 || r.rc != 0) {
        printf("fault: %s %s%s: the workload fails with no fault injected "
               "(%s)\n",
               runtime, site, plus, tvc_err_name(r.rc));
        return 1;
    }
    long K = r.calls;
    long n = every || K <= SAMPLE ? K : SAMPLE;
    long survived = 0, errors = 0, absorbed = 0, unreached = 0;
    codes c = {0};
    for (long i = 0; i < n; i++) {
        long k = n == K ? i + 1 : 1 + i * (K - 1) / (n - 1);
        if (run_once(&sw, k, &r) < 0)
            continue;
        survived++;
        if (r.calls < k) {
            unreached++; /* this run made fewer calls than k */
        } else if (r.rc == 0) {
            absorbed++; /* the runtime recovered on its own */
        } else {
            errors++;
            codes_add(&c, r.rc);
        }
    }
    printf("fault: %s %s%s: survived %ld of %ld (", runtime, site, plus,
           survived, n);
    if (n == K)
        printf("every k of K=%ld calls", K);
    else
        printf("k sampled evenly from K=%ld calls; --every runs every k", K);
    printf("): %ld returned an error, %ld recovered, %ld not reached\n", errors,
           absorbed, unreached);
    for (int i = 0; i < c.n; i++)
        printf("  %s x%d\n", tvc_err_name(c.code[i]), c.times[i]);
    return survived == n ? 0 : 1;
}

int fail_main(int argc, char **argv, const char *runtime, fail_body_fn *body)
{
    int on = 0, every = 0, bad = argc < 2;
    long only = 0;
    for (int i = 2; i < argc; i++) {
        if (strcmp(argv[i], "--on") == 0)
            on = 1;
        else if (strcmp(argv[i], "--every") == 0)
            every = 1;
        else if (sscanf(argv[i], "--k=%ld", &only) != 1 || only < 1)
            bad = 1;
    }
    if (bad || fail_arm(argv[1], 0, 0) < 0) {
        fprintf(stderr,
                "usage: %s SITE [--on] [--every | --k=K]\n"
                "  --on     every call from the k-th on fails, not the k-th "
                "alone\n"
                "  --every  every k, however many calls\n"
                "  --k=K    only k=K, in this process (for a debugger)\n"
                "SITE is one of:",
                argv[0]);
        for (size_t i = 0; fail_site_name(i); i++)
            fprintf(stderr, " %s", fail_site_name(i));
        fputc('\n', stderr);
        return 2;
    }
    fail_disarm();
    if (only) {
        sweep sw = {argv[1], on, body};
        child(&sw, only, -1);
    }
    return fail_sweep(runtime, argv[1], on, body, every);
}
