/*
 * The portable context switch on <ucontext.h> (TVC_CORO_SWITCH=ucontext):
 * slower than the assembly (swapcontext also saves and restores the signal
 * mask with a system call) but it runs wherever glibc does, and it checks
 * the assembly's behaviour in CI.
 *
 * The ucontext_t lives on the context's own stack like the assembly's
 * saved frame: a suspended context's "stack pointer" is the address of
 * that ucontext_t.  For a new context it sits at the top of the stack,
 * above the stack given to makecontext.
 */
#include <stdint.h>
#include <stdlib.h>
#include <ucontext.h>

#include "ctx.h"

_Static_assert(sizeof(ucontext_t) + 64 <= TVC__CTX_FRAME_MAX,
               "TVC__CTX_FRAME_MAX holds a ucontext_t");

/* Below `self`: the rest of this frame and swapcontext's return
 * address, far less than this. */
const size_t tvc__ctx_below = 256;

/* Not instrumented: ASan would move `self` to a fake stack on the heap,
 * and the compact mode needs it on the stack it copies. */
__attribute__((no_sanitize_address)) void tvc__ctx_switch(void **from,
                                                          void *to)
{
    ucontext_t self;
    *from = &self;
    if (swapcontext(&self, (ucontext_t *)to) != 0)
        abort(); /* only fails on invalid contexts: a corrupted stack */
}

/* swapcontext saves and restores the whole floating-point environment
 * itself: the known words buy nothing here. */
uint64_t tvc__ctx_fpwords(void)
{
    return 0;
}

void tvc__ctx_resume(void **from, void *to, uint64_t fpwords)
{
    (void)fpwords;
    tvc__ctx_switch(from, to);
}

/* makecontext passes int arguments only: a pointer travels in two. */
static void entry(unsigned fn_hi, unsigned fn_lo, unsigned arg_hi,
                  unsigned arg_lo)
{
    uintptr_t fn = ((uintptr_t)fn_hi << 16 << 16) | fn_lo;
    uintptr_t arg = ((uintptr_t)arg_hi << 16 << 16) | arg_lo;
    ((void (*)(void *))fn)((void *)arg);
    tvc__ctx_entry_returned();
}

void *tvc__ctx_make(void *lo, void *hi, void (*fn)(void *), void *arg)
{
    uintptr_t top = ((uintptr_t)hi - sizeof(ucontext_t)) & ~(uintptr_t)63;
    ucontext_t *uc = (ucontext_t *)top;
    if (getcontext(uc) != 0)
        abort();
    uc->uc_stack.ss_sp = lo;
    uc->uc_stack.ss_size = top - (uintptr_t)lo;
    uc->uc_link = NULL;
    uintptr_t f = (uintptr_t)fn, a = (uintptr_t)arg;
    makecontext(uc, (void (*)(void))entry, 4, (unsigned)(f >> 16 >> 16),
                (unsigned)f, (unsigned)(a >> 16 >> 16), (unsigned)a);
    return uc;
}
