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

/* Callee-saved registers, each checked by name: the tests above leave
 * the choice of registers to the compiler, which in a Debug build keeps
 * everything on the stack.  Main loads known values, switches from inside
 * one asm statement (so the compiler cannot save them for us), and
 * stores what it finds when it is back in `seen`; the coroutine
 * scribbles over every callee-saved register before switching back. */
#if defined(__aarch64__)
#define CALLEE_SAVED 18 /* x19-x28, d8-d15 (the low halves of v8-v15) */
#define SCRIBBLE                                                           \
    __asm__ volatile("mov x19, #0xdead\n\tmov x20, x19\n\tmov x21, x19\n\t" \
                     "mov x22, x19\n\tmov x23, x19\n\tmov x24, x19\n\t"   \
                     "mov x25, x19\n\tmov x26, x19\n\tmov x27, x19\n\t"   \
                     "mov x28, x19\n\tfmov d8, x19\n\tfmov d9, x19\n\t"   \
                     "fmov d10, x19\n\tfmov d11, x19\n\tfmov d12, x19\n\t" \
                     "fmov d13, x19\n\tfmov d14, x19\n\tfmov d15, x19"    \
                     ::: "x19", "x20", "x21", "x22", "x23", "x24", "x25", \
                       "x26", "x27", "x28", "v8", "v9", "v10", "v11",     \
                       "v12", "v13", "v14", "v15")
#elif defined(__x86_64__)
#define CALLEE_SAVED 5 /* rbx, r12-r15 (rbp is the Debug frame pointer) */
#define SCRIBBLE                                                           \
    __asm__ volatile("mov $0xdead, %%ebx\n\tmov %%rbx, %%r12\n\t"          \
                     "mov %%rbx, %%r13\n\tmov %%rbx, %%r14\n\t"            \
                     "mov %%rbx, %%r15"                                    \
                     ::: "rbx", "r12", "r13", "r14", "r15")
#endif

#ifdef CALLEE_SAVED
static uint64_t seen[CALLEE_SAVED];

static void scribbler(void *arg)
{
    (void)arg;
    for (;;) {
        SCRIBBLE;
        tvc__ctx_switch(&co_sp, main_sp);
    }
}

/* Loads i + 1 into the i-th callee-saved register (as a double for
 * d8-d15), switches to co_sp, and stores the registers in seen[]. */
static void switch_with_known_registers(void)
{
#if defined(__aarch64__)
    register void **from __asm__("x0") = &main_sp;
    register void *to __asm__("x1") = co_sp;
    __asm__ volatile(
        "mov x19, #1\n\tmov x20, #2\n\tmov x21, #3\n\tmov x22, #4\n\t"
        "mov x23, #5\n\tmov x24, #6\n\tmov x25, #7\n\tmov x26, #8\n\t"
        "mov x27, #9\n\tmov x28, #10\n\t"
        "fmov d8, #11.0\n\tfmov d9, #12.0\n\tfmov d10, #13.0\n\t"
        "fmov d11, #14.0\n\tfmov d12, #15.0\n\tfmov d13, #16.0\n\t"
        "fmov d14, #17.0\n\tfmov d15, #18.0\n\t"
        "bl tvc__ctx_switch\n\t"
        "adrp x9, seen\n\tadd x9, x9, :lo12:seen\n\t"
        "stp x19, x20, [x9, #0]\n\tstp x21, x22, [x9, #16]\n\t"
        "stp x23, x24, [x9, #32]\n\tstp x25, x26, [x9, #48]\n\t"
        "stp x27, x28, [x9, #64]\n\tstp d8, d9, [x9, #80]\n\t"
        "stp d10, d11, [x9, #96]\n\tstp d12, d13, [x9, #112]\n\t"
        "stp d14, d15, [x9, #128]"
        : "+r"(from), "+r"(to)
        :
        : "x2", "x3", "x4", "x5", "x6", "x7", "x8", "x9", "x10", "x11",
          "x12", "x13", "x14", "x15", "x16", "x17", "x18", "x19", "x20",
          "x21", "x22", "x23", "x24", "x25", "x26", "x27", "x28", "x30",
          "v0", "v1", "v2", "v3", "v4", "v5", "v6", "v7", "v8", "v9",
          "v10", "v11", "v12", "v13", "v14", "v15", "v16", "v17", "v18",
          "v19", "v20", "v21", "v22", "v23", "v24", "v25", "v26", "v27",
          "v28", "v29", "v30", "v31", "cc", "memory");
#else
    register void **from __asm__("rdi") = &main_sp;
    register void *to __asm__("rsi") = co_sp;
    /* Below the red zone, 16-byte aligned for the call; the old rsp
     * goes on the stack (twice, to keep the alignment). */
    __asm__ volatile(
        "lea -128(%%rsp), %%rsp\n\tmov %%rsp, %%rax\n\t"
        "and $-16, %%rsp\n\tpush %%rax\n\tpush %%rax\n\t"
        "mov $1, %%ebx\n\tmov $2, %%r12d\n\tmov $3, %%r13d\n\t"
        "mov $4, %%r14d\n\tmov $5, %%r15d\n\t"
        "call tvc__ctx_switch\n\t"
        "mov %%rbx, seen(%%rip)\n\tmov %%r12, seen+8(%%rip)\n\t"
        "mov %%r13, seen+16(%%rip)\n\tmov %%r14, seen+24(%%rip)\n\t"
        "mov %%r15, seen+32(%%rip)\n\t"
        "pop %%rax\n\tpop %%rsp\n\tlea 128(%%rsp), %%rsp"
        : "+r"(from), "+r"(to)
        :
        : "rax", "rcx", "rdx", "r8", "r9", "r10", "r11", "rbx", "r12",
          "r13", "r14", "r15", "xmm0", "xmm1", "xmm2", "xmm3", "xmm4",
          "xmm5", "xmm6", "xmm7", "xmm8", "xmm9", "xmm10", "xmm11",
          "xmm12", "xmm13", "xmm14", "xmm15", "cc", "memory");
#endif
}

static void test_callee_saved_by_name(void)
{
    char *lo;
    void *hi = new_stack(&lo);
    co_sp = tvc__ctx_make(lo, hi, scribbler, NULL);
    for (int round = 0; round < 3; round++) {
        memset(seen, 0, sizeof seen);
        switch_with_known_registers();
        for (int i = 0; i < CALLEE_SAVED; i++) {
            uint64_t want = (uint64_t)i + 1;
#if defined(__aarch64__)
            if (i >= 10) { /* d8-d15 hold doubles */
                double d = (double)want;
                memcpy(&want, &d, sizeof want);
            }
#endif
            ASSERT_EQ(seen[i], want);
        }
    }
    munmap(lo, STACK_BYTES);
}
#endif

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
#ifdef CALLEE_SAVED
    test_callee_saved_by_name();
#endif
    test_entry_return_is_caught();
    return 0;
}
