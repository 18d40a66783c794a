/*
 * The machine context seam: what the context-switch backends provide
 * (switch_x86_64.S + ctx_x86_64.c, switch_aarch64.S + ctx_aarch64.c, or
 * the portable switch_ucontext.c; CMake picks one with TVC_CORO_SWITCH).
 *
 * A suspended context is one pointer: its saved stack pointer.  Everything
 * else (registers, control words, or a ucontext_t) is saved on the
 * context's own stack, so a coroutine's handle stays small and, in the
 * compact stack mode, the saved registers travel with the copied stack.
 */
#ifndef TVC_CORO_CTX_H
#define TVC_CORO_CTX_H

#include <stddef.h>
#include <stdint.h>

/* Saves the running context on its stack, stores its stack pointer in
 * *from, and resumes the context saved at `to`.  Returns when something
 * switches back to *from. */
void tvc__ctx_switch(void **from, void *to);

/* The calling thread's floating-point control words as the switch saves
 * them (0 where the backend saves none in this form). */
uint64_t tvc__ctx_fpwords(void);

/* tvc__ctx_switch for a caller whose control words are fpwords, taken
 * from tvc__ctx_fpwords on this thread and unchanged since: the switch
 * then need not read them.  The scheduler, which runs only runtime code,
 * resumes tasks with it. */
void tvc__ctx_resume(void **from, void *to, uint64_t fpwords);

/* Prepares a new context on the stack [lo, hi) (hi 16-byte aligned):
 * the first switch to the returned pointer calls fn(arg).  fn must never
 * return; it finishes by switching away for good.  Writes only the top
 * TVC__CTX_FRAME_MAX bytes below hi. */
void *tvc__ctx_make(void *lo, void *hi, void (*fn)(void *), void *arg);

/* Room tvc__ctx_make needs below hi (the ucontext backend keeps its
 * ucontext_t there). */
#define TVC__CTX_FRAME_MAX 1280

/* Bytes just below a saved stack pointer that still belong to the
 * suspended context: the compact mode copies them with the stack.  0 for
 * the assembly, whose saved pointer is the lowest byte in use; the
 * ucontext backend's pointer is a local variable with the rest of
 * swapcontext's frame below it. */
extern const size_t tvc__ctx_below;

/* Called when an entry function returns: prints a message and aborts. */
_Noreturn void tvc__ctx_entry_returned(void);

/* The assembly trampoline (switch_<arch>.S) a new context's first switch
 * lands in: it calls the entry function with its argument, then
 * tvc__ctx_entry_returned.  Never called from C; ctx_<arch>.c stores its
 * address in the first frame. */
void tvc__ctx_entry(void);

#endif
