/*
 * The assertions every test uses.  A failed assertion prints the
 * expression, both values and where, then aborts, so ctest shows exactly
 * what differed.  Each test is its own process (one CTest entry), so an
 * abort fails that test alone.
 */
#ifndef TVC_TEST_H
#define TVC_TEST_H

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tvc/errors.h"
#include "tvc/mem.h"

#define TVC__FAIL(...)                                                         \
    do {                                                                       \
        fprintf(stderr, "%s:%d: ", __FILE__, __LINE__);                        \
        fprintf(stderr, __VA_ARGS__);                                          \
        fputc('\n', stderr);                                                   \
        abort();                                                               \
    } while (0)

#define ASSERT(cond)                                                           \
    do {                                                                       \
        if (!(cond))                                                           \
            TVC__FAIL("assertion failed: %s", #cond);                          \
    } while (0)

/* Integer comparisons print both sides. */
#define TVC__ASSERT_INT(a, op, b)                                              \
    do {                                                                       \
        int64_t a_ = (int64_t)(a), b_ = (int64_t)(b);                          \
        if (!(a_ op b_))                                                       \
            TVC__FAIL("%s %s %s: %" PRId64 " vs %" PRId64, #a, #op, #b, a_,    \
                      b_);                                                     \
    } while (0)
#define ASSERT_EQ(a, b) TVC__ASSERT_INT(a, ==, b)
#define ASSERT_NE(a, b) TVC__ASSERT_INT(a, !=, b)
#define ASSERT_LT(a, b) TVC__ASSERT_INT(a, <, b)
#define ASSERT_LE(a, b) TVC__ASSERT_INT(a, <=, b)
#define ASSERT_GT(a, b) TVC__ASSERT_INT(a, >, b)
#define ASSERT_GE(a, b) TVC__ASSERT_INT(a, >=, b)

/* A tvc call that must return 0; prints the error's name if not. */
#define ASSERT_OK(expr)                                                        \
    do {                                                                       \
        int r_ = (int)(expr);                                                  \
        if (r_ != 0)                                                           \
            TVC__FAIL("%s returned %d (%s: %s)", #expr, r_, tvc_err_name(r_),  \
                      tvc_strerror(r_));                                       \
    } while (0)

/* A call that must fail with a given code; prints both names. */
#define ASSERT_ERR(expr, code)                                                 \
    do {                                                                       \
        int r_ = (int)(expr), c_ = (int)(code);                                \
        if (r_ != c_)                                                          \
            TVC__FAIL("%s returned %d (%s), expected %d (%s)", #expr, r_,      \
                      tvc_err_name(r_), c_, tvc_err_name(c_));                 \
    } while (0)

#define ASSERT_STREQ(a, b)                                                     \
    do {                                                                       \
        const char *a_ = (a), *b_ = (b);                                       \
        if (!a_ || !b_ || strcmp(a_, b_) != 0)                                 \
            TVC__FAIL("%s == %s: \"%s\" vs \"%s\"", #a, #b, a_ ? a_ : "(null)", \
                      b_ ? b_ : "(null)");                                     \
    } while (0)

/* 1 when the test runs under a user-mode emulator (the aarch64 cross
 * build runs every test under qemu-user; tests/CMakeLists.txt sets
 * TVC_TEST_EMULATED for it). */
static inline int tvc_test_emulated(void)
{
    return getenv("TVC_TEST_EMULATED") != NULL;
}

/* Bytes and fds at the start of a test, compared again at its end: every
 * test ends with a leak check. */
typedef struct tvc_test_baseline {
    int64_t heap_bytes;
    int64_t fds;
} tvc_test_baseline;

static inline tvc_test_baseline tvc_test_baseline_take(void)
{
    /* glibc's malloc allocates its per-thread cache on a thread's first
     * call and keeps it: allocate once so that the baseline includes it
     * (a plain build's figure is glibc's; see tests/CMakeLists.txt). */
    free(malloc(1));
    tvc_mem m;
    tvc_mem_sample(&m);
    tvc_test_baseline b = {m.heap_allocated_bytes, m.open_fds};
    /* Under qemu-user glibc's heap grows in pieces that are not
     * contiguous (the emulated brk stops short), and each gap leaves 32
     * bytes of fenceposts that mallinfo2 counts as in use for good:
     * coroutine/compact/leaks ended 10240 bytes up with every allocation
     * freed (glibc's mtrace).  Only fds are compared there; the native
     * builds check the same code's heap. */
    if (tvc_test_emulated())
        b.heap_bytes = -1;
    return b;
}

/* Heap within slack bytes of the baseline (allocator caches and lazily
 * created runtime state may keep a little), fds exactly back. */
#define ASSERT_NO_LEAKS(base, slack)                                           \
    do {                                                                       \
        tvc_mem m_;                                                            \
        tvc_mem_sample(&m_);                                                   \
        ASSERT_EQ(m_.open_fds, (base).fds);                                    \
        if ((base).heap_bytes >= 0)                                            \
            ASSERT_LE(m_.heap_allocated_bytes, (base).heap_bytes + (slack));   \
    } while (0)

#endif
