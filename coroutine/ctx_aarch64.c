/*
 * Building the first frame of a coroutine for switch_aarch64.S, and the
 * C mirror of that file's saved-frame layout.  Tested under qemu-user,
 * not on hardware (see switch_aarch64.S).
 */
#include <stdint.h>
#include <string.h>

#include "ctx.h"

/* The saved frame of switch_aarch64.S, low to high. */
struct frame {
    uint64_t x19;      /* first frame: the entry function's argument */
    uint64_t x20;      /* first frame: the entry function */
    uint64_t x21_28[8]; /* callee-saved */
    uint64_t x29;      /* frame pointer; 0 ends frame-pointer walks */
    uint64_t x30;      /* resume address */
    uint64_t d8_15[8]; /* callee-saved low halves of v8-v15 */
    uint64_t fpcr;     /* rounding mode and trap enables */
    uint64_t pad;      /* keeps sp 16-byte aligned */
};

_Static_assert(offsetof(struct frame, x19) == 0, "x19 at 0");
_Static_assert(offsetof(struct frame, x29) == 80, "x29 at 80");
_Static_assert(offsetof(struct frame, x30) == 88, "x30 at 88");
_Static_assert(offsetof(struct frame, d8_15) == 96, "d8 at 96");
_Static_assert(offsetof(struct frame, fpcr) == 160, "fpcr at 160");
_Static_assert(sizeof(struct frame) == 176, "frame size");

const size_t tvc__ctx_below = 0;

/* The aarch64 switch reads FPCR itself (tvc__ctx_resume is the same
 * code); nothing to pass. */
uint64_t tvc__ctx_fpwords(void)
{
    return 0;
}

void *tvc__ctx_make(void *lo, void *hi, void (*fn)(void *), void *arg)
{
    /* 16 zero bytes at the top end frame-record walks; after the switch
     * pops the frame, sp = hi - 16, 16-byte aligned. */
    char *top = (char *)hi - 16;
    memset(top, 0, 16);
    struct frame *f = (struct frame *)top - 1;
    memset(f, 0, sizeof *f);
    uint64_t fpcr;
    __asm__ volatile("mrs %0, fpcr" : "=r"(fpcr));
    f->fpcr = fpcr;
    f->x19 = (uint64_t)(uintptr_t)arg;
    f->x20 = (uint64_t)(uintptr_t)fn;
    f->x30 = (uint64_t)(uintptr_t)tvc__ctx_entry;
    return f;
}
