/*
 * What debugging tools must be told when a thread changes stacks: the
 * AddressSanitizer fiber-switch annotations, ThreadSanitizer's fiber API,
 * and Valgrind's stack registration and stack copies.  Each hook is an
 * empty inline function unless the tool is present, so the switch path
 * pays nothing in a plain build (where Valgrind's headers are installed,
 * its hooks are client requests: a few instructions, no call).  This is
 * the one file where those #ifs live.
 */
#ifndef TVC_CORO_FIBER_HOOKS_H
#define TVC_CORO_FIBER_HOOKS_H

#include <stddef.h>

#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define TVC__ASAN 1
#endif
#if __has_feature(thread_sanitizer)
#define TVC__TSAN 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__)
#define TVC__ASAN 1
#endif
#if defined(__SANITIZE_THREAD__)
#define TVC__TSAN 1
#endif

#if TVC__ASAN
#include <sanitizer/asan_interface.h>
#include <sanitizer/common_interface_defs.h>
#endif
#if TVC__TSAN
#include <sanitizer/tsan_interface.h>
#endif
#if defined(__has_include)
#if __has_include(<valgrind/valgrind.h>)
#include <valgrind/memcheck.h>
#include <valgrind/valgrind.h>
#define TVC__VALGRIND 1
#endif
#endif

/* ---- AddressSanitizer: the stack about to run, and back --------------- */

/* Before switching to the stack [bottom, bottom+size).  fake receives this
 * context's fake-stack handle; NULL when this context will never run
 * again (ASan then frees its fake stack). */
static inline void tvc__asan_enter(void **fake, const void *bottom,
                                   size_t size)
{
#if TVC__ASAN
    __sanitizer_start_switch_fiber(fake, bottom, size);
#else
    (void)fake, (void)bottom, (void)size;
#endif
}

/* First thing after a switch lands: fake is what tvc__asan_enter saved
 * for this context (NULL for a new one); the stack we came from is
 * reported through old_bottom/old_size (either may be NULL). */
static inline void tvc__asan_landed(void *fake, const void **old_bottom,
                                    size_t *old_size)
{
#if TVC__ASAN
    __sanitizer_finish_switch_fiber(fake, old_bottom, old_size);
#else
    (void)fake, (void)old_bottom, (void)old_size;
#endif
}

/* A stack region whose contents were copied in (compact mode): ASan's
 * shadow still describes the previous owner's frames there. */
static inline void tvc__asan_unpoison(const void *p, size_t n)
{
#if TVC__ASAN
    ASAN_UNPOISON_MEMORY_REGION(p, n);
#else
    (void)p, (void)n;
#endif
}

/* ---- ThreadSanitizer: one fiber per coroutine ------------------------- */

static inline void *tvc__tsan_current(void)
{
#if TVC__TSAN
    return __tsan_get_current_fiber();
#else
    return NULL;
#endif
}

static inline void *tvc__tsan_create(void)
{
#if TVC__TSAN
    return __tsan_create_fiber(0);
#else
    return NULL;
#endif
}

static inline void tvc__tsan_switch(void *fiber)
{
#if TVC__TSAN
    __tsan_switch_to_fiber(fiber, 0);
#else
    (void)fiber;
#endif
}

static inline void tvc__tsan_destroy(void *fiber)
{
#if TVC__TSAN
    __tsan_destroy_fiber(fiber);
#else
    (void)fiber;
#endif
}

/* ---- Valgrind: registered stacks -------------------------------------- */

/* An id for tvc__valgrind_forget; 0 when not running under Valgrind. */
static inline unsigned tvc__valgrind_register(void *lo, void *hi)
{
#if TVC__VALGRIND
    return VALGRIND_STACK_REGISTER(lo, hi);
#else
    (void)lo, (void)hi;
    return 0;
#endif
}

static inline void tvc__valgrind_forget(unsigned id)
{
#if TVC__VALGRIND
    VALGRIND_STACK_DEREGISTER(id);
#else
    (void)id;
#endif
}

/* Frames about to be copied back onto a stack (compact mode): Memcheck
 * marked that stack below the last stack pointer it saw there as no
 * longer addressable, and would take the copy for a write to dead stack.
 * Addressable and undefined: the copy then brings its own definedness. */
static inline void tvc__valgrind_stack_refill(void *p, size_t n)
{
#if TVC__VALGRIND
    VALGRIND_MAKE_MEM_UNDEFINED(p, n);
#else
    (void)p, (void)n;
#endif
}

#endif
