/*
 * The context switch on its own (ctx.h), without the scheduler: many
 * switches keep callee-saved state intact, floating-point modes stay per
 * coroutine, and an entry function that returns is caught.  The main side
 * switches both ways the runtime does: with tvc__ctx_switch and, as the
 * scheduler does, with tvc__ctx_resume and the words it knows.
 */
#include <fenv.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ctx.h"
#include "fiber_hooks.h"
#include "tvc_test.h"

#define STACK_BYTES (256 * 1024)
#define ROUNDS 100000

static void *main_sp, *co_sp;
static int main_resumes; /* main switches with tvc__ctx_resume */

static void to_co(void)
{
    if (main_resumes)
        tvc__ctx_resume(&main_sp, co_sp, tvc__ctx_fpwords());
    else
        tvc__ctx_switch(&main_sp, co_sp);
}

/* Both control words where the switch saves them: fegetround reads only
 * one (x87's on x86-64), and a switch could lose the other. */
static uint32_t fp_modes(void)
{
#if defined(__x86_64__)
    uint32_t mxcsr;
    uint16_t cw;
    __asm__ volatile("stmxcsr %0\n\tfnstcw %1" : "=m"(mxcsr), "=m"(cw));
    return (mxcsr & 0xffc0) | (uint32_t)cw << 16;
#else
    return (uint32_t)fegetround();
#endif
}

static void *new_stack(char **lo)
{
    *lo = mmap(NULL, STACK_BYTES, PROT_READ | PROT_WRITE,
               MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    ASSERT(*lo != MAP_FAILED);
    /* The same addresses may have held an earlier test's frames, which
     * ASan's shadow still describes. */
    tvc__asan_unpoison(*lo, STACK_BYTES);
    return *lo + STACK_BYTES;
}

/* The same arithmetic with and without switches in between: many values
 * live across each switch, so the compiler keeps them in callee-saved
 * registers that the switch must preserve. */
static uint64_t mix(uint64_t *acc, int i)
{
    acc[0] += (uint64_t)i * 3;
    acc[1] ^= acc[0] << 1;
    acc[2] += acc[1] >> 3;
    acc[3] -= acc[2] * 7;
    acc[4] ^= acc[3] + (uint64_t)i;
    acc[5] += acc[4] >> 2;
    return acc[0] + acc[1] + acc[2] + acc[3] + acc[4] + acc[5];
}

static uint64_t co_sum;

static void counter(void *arg)
{
    uint64_t a = 1, b = 2, c = 3, d = 4, e = 5, f = 6;
    for (int i = 0; i < ROUNDS; i++) {
        uint64_t acc[6] = {a, b, c, d, e, f};
        co_sum += mix(acc, i);
        a = acc[0], b = acc[1], c = acc[2], d = acc[3], e = acc[4];
        f = acc[5];
        tvc__ctx_switch(&co_sp, main_sp);
    }
    co_sum += a + b + c + d + e + f;
    *(int *)arg = 1;
    tvc__ctx_switch(&co_sp, main_sp);
    abort(); /* never resumed again */
}

static void test_registers_survive(void)
{
    co_sum = 0;
    char *lo;
    void *hi = new_stack(&lo);
    int finished = 0;
    co_sp = tvc__ctx_make(lo, hi, counter, &finished);
    uint64_t a = 11, b = 12, c = 13, d = 14, e = 15, f = 16, mine = 0;
    for (int i = 0; i < ROUNDS; i++) {
        uint64_t acc[6] = {a, b, c, d, e, f};
        mine += mix(acc, i);
        a = acc[0], b = acc[1], c = acc[2], d = acc[3], e = acc[4];
        f = acc[5];
        to_co();
    }
    to_co();
    ASSERT_EQ(finished, 1);

    /* The same work without switching. */
    uint64_t want_co = 0, want_mine = 0;
    uint64_t x[6] = {1, 2, 3, 4, 5, 6}, y[6] = {11, 12, 13, 14, 15, 16};
    for (int i = 0; i < ROUNDS; i++) {
        want_co += mix(x, i);
        want_mine += mix(y, i);
    }
    want_co += x[0] + x[1] + x[2] + x[3] + x[4] + x[5];
    ASSERT_EQ(co_sum, want_co);
    ASSERT_EQ(mine, want_mine);
    ASSERT_EQ(a + b + c + d + e + f,
              y[0] + y[1] + y[2] + y[3] + y[4] + y[5]);
    munmap(lo, STACK_BYTES);
}

/* Rounding modes belong to the coroutine that set them. */
static int co_mode_ok;

static void rounder(void *arg)
{
    (void)arg;
    fesetround(FE_TOWARDZERO);
    uint32_t mine = fp_modes();
    for (int i = 0; i < 1000; i++) {
        tvc__ctx_switch(&co_sp, main_sp);
        co_mode_ok += fegetround() == FE_TOWARDZERO && fp_modes() == mine;
    }
    tvc__ctx_switch(&co_sp, main_sp);
    abort();
}

static void test_fp_modes_per_coroutine(void)
{
    char *lo;
    void *hi = new_stack(&lo);
    ASSERT_EQ(fegetround(), FE_TONEAREST);
    uint32_t mine = fp_modes();
    co_sp = tvc__ctx_make(lo, hi, rounder, NULL);
    int main_ok = 0;
    co_mode_ok = 0;
    for (int i = 0; i < 1000; i++) {
        to_co();
        main_ok += fegetround() == FE_TONEAREST && fp_modes() == mine;
    }
    to_co();
    ASSERT_EQ(main_ok, 1000);
    ASSERT_EQ(co_mode_ok, 1000);
    /* Both control words, x87 and SSE: fegetround reads one of them, so
     * check arithmetic in each unit too. */
    volatile double one = 1.0, three = 3.0;
    ASSERT(one / three * three == 1.0); /* rounds to nearest here */
    munmap(lo, STACK_BYTES);
}

static void returner(void *arg)
{
    (void)arg; /* returns: must be caught */
}

static void test_entry_return_is_caught(void)
{
    pid_t pid = fork();
    ASSERT(pid >= 0);
    if (pid == 0) {
        close(2); /* the expected message is not test noise */
        char *lo;
        void *hi = new_stack(&lo);
        co_sp = tvc__ctx_make(lo, hi, returner, NULL);
        tvc__ctx_switch(&main_sp, co_sp);
        _exit(0); /* not reached when caught */
    }
    int st;
    ASSERT_EQ(waitpid(pid, &st, 0), pid);
    ASSERT(WIFSIGNALED(st));
    ASSERT_EQ(WTERMSIG(st), SIGABRT);
}

int main(void)
{
    for (main_resumes = 0; main_resumes < 2; main_resumes++) {
        test_registers_survive();
        test_fp_modes_per_coroutine();
    }
    test_entry_return_is_caught();
    return 0;
}
