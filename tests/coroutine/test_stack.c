/*
 * Coroutine stacks through the runtime: an overflow faults on the guard
 * page (in a child process), an overwritten canary is caught at the next
 * switch (in a child), stacks are reused from the pool, and neighbouring
 * stacks start at different cache colours.
 */
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "internal.h"
#include "tvc/tvc.h"
#include "tvc_test.h"

static char *guard_lo;
static size_t page;

static void on_segv(int sig, siginfo_t *si, void *uc)
{
    (void)sig, (void)uc;
    char *a = si->si_addr;
    /* 42: the fault hit the guard page below the stack. */
    _exit(a >= guard_lo && a < guard_lo + page ? 42 : 43);
}

/* 44: the guard page can be read, so no guard is in force.  Only under
 * emulation: qemu-user 7.2 answers madvise(MADV_GUARD_INSTALL) with
 * success and does nothing (the host kernel never sees it), so the
 * overflow runs into the neighbouring slot instead of faulting. */
static void exit_if_emulated_without_guard(void)
{
    int fds[2];
    if (!tvc_test_emulated() || pipe(fds) != 0)
        return;
    /* write() reads the page in the kernel: EFAULT when guarded. */
    ssize_t n = write(fds[1], guard_lo, 1);
    close(fds[0]);
    close(fds[1]);
    if (n == 1)
        _exit(44);
}

/* Stops only at a depth no stack has: the guard page comes first. */
static int recurse(int depth)
{
    volatile char pad[256];
    pad[0] = (char)depth;
    if (depth > 1 << 30)
        return pad[0];
    return recurse(depth + 1) + pad[0];
}

static int overflow_task(void *arg, void **res)
{
    (void)arg, (void)res;
    tvc_task *self = tvc_current();
    guard_lo = (self->pool ? self->stack : tvc__S->run_lo) - page;
    exit_if_emulated_without_guard();
    recurse(0);
    return 0;
}

/* Runs fn in a forked child with stderr closed; returns its wait
 * status. */
static int in_child(tvc_task_fn *fn)
{
    pid_t pid = fork();
    ASSERT(pid >= 0);
    if (pid == 0) {
        close(2);
        static char alt[64 * 1024];
        stack_t ss = {.ss_sp = alt, .ss_size = sizeof alt};
        sigaltstack(&ss, NULL);
        struct sigaction sa = {.sa_sigaction = on_segv,
                               .sa_flags = SA_SIGINFO | SA_ONSTACK};
        sigaction(SIGSEGV, &sa, NULL);
        tvc_run(fn, NULL, NULL, NULL);
        _exit(0);
    }
    int st;
    ASSERT_EQ(waitpid(pid, &st, 0), pid);
    return st;
}

/* main is always private: the overflow runs in a spawned task, so the
 * compact mode's shared run stack is tested too. */
static int overflow(void *arg, void **res)
{
    tvc_task *t;
    ASSERT_OK(tvc_spawn(&t, overflow_task, NULL, NULL));
    tvc_task_join(t, NULL);
    tvc_task_release(t);
    return 0;
}

static void test_overflow_hits_guard(void)
{
    page = (size_t)sysconf(_SC_PAGESIZE);
    int st = in_child(overflow);
    ASSERT(WIFEXITED(st));
    if (WEXITSTATUS(st) == 44) {
        fprintf(stderr, "stack overflow test skipped: the emulator ignores "
                        "MADV_GUARD_INSTALL (no guard page to hit)\n");
        return;
    }
    ASSERT_EQ(WEXITSTATUS(st), 42);
}

static int smash(void *arg, void **res)
{
    (void)arg, (void)res;
    tvc_task *self = tvc_current();
    /* What a frame larger than the guard page would do: write at the
     * limit without touching the guard. */
    memset(self->pool ? self->stack : tvc__S->run_lo, 0x5a, 16);
    tvc_checkpoint(); /* the switch checks the canary */
    return 0;
}

static int smash_in_task(void *arg, void **res)
{
    tvc_task *t;
    ASSERT_OK(tvc_spawn(&t, smash, NULL, NULL));
    tvc_task_join(t, NULL);
    tvc_task_release(t);
    return 0;
}

static void test_canary_caught(void)
{
    int st = in_child(smash_in_task);
    ASSERT(WIFSIGNALED(st));
    ASSERT_EQ(WTERMSIG(st), SIGABRT);
}

static int note_stack(void *arg, void **res)
{
    (void)arg;
    *res = tvc_current()->stack;
    return 0;
}

static int reuse(void *arg, void **res)
{
    (void)arg, (void)res;
    void *first = NULL;
    for (int i = 0; i < 1000; i++) {
        tvc_task *t;
        void *stack;
        ASSERT_OK(tvc_spawn(&t, note_stack, NULL, NULL));
        ASSERT_OK(tvc_task_join(t, &stack));
        tvc_task_release(t);
        if (!first)
            first = stack;
        ASSERT(stack == first); /* the pool hands the same stack back */
    }
    /* main's stack and the one reused (compact: the run stack): nothing
     * more was carved. */
    ASSERT_EQ(tvc__S->pool.carved, 2);
    return 0;
}

static int sleeper(void *arg, void **res)
{
    (void)arg, (void)res;
    return tvc_sleep(TVC_FOREVER);
}

static int colours(void *arg, void **res)
{
    (void)arg, (void)res;
    enum { N = TVC__STACK_COLOURS };
    tvc_task *t[N];
    int seen[N] = {0};
    for (int i = 0; i < N; i++)
        ASSERT_OK(tvc_spawn(&t[i], sleeper, NULL, NULL));
    for (int i = 0; i < N; i++) {
        char *lo = t[i]->stack;
        char *top = tvc__stack_top(t[i]->pool, lo);
        size_t off = (size_t)(lo + t[i]->pool->size - top);
        seen[(off - TVC__STACK_HDR) / 64] = 1;
        tvc_cancel(t[i]);
        tvc_task_release(t[i]);
    }
    for (int i = 0; i < N; i++)
        ASSERT_EQ(seen[i], 1);
    return 0;
}

int main(void)
{
    tvc_test_baseline base = tvc_test_baseline_take();
    test_overflow_hits_guard();
    test_canary_caught();
    ASSERT_OK(tvc_run(reuse, NULL, NULL, NULL));
    if (!getenv("TVC_STACK"))
        ASSERT_OK(tvc_run(colours, NULL, NULL, NULL));
    ASSERT_NO_LEAKS(base, 0);
    return 0;
}
