/*
 * Building the first frame of a coroutine for switch_x86_64.S, and the
 * C mirror of that file's saved-frame layout.
 */
#include <stdint.h>
#include <string.h>

#include "ctx.h"

/* The saved frame of switch_x86_64.S, low to high. */
struct frame {
    uint64_t r15, r14;  /* callee-saved */
    uint64_t r13;       /* first frame: the entry function */
    uint64_t r12;       /* first frame: its argument */
    uint64_t rbx, rbp;  /* callee-saved; rbp 0 ends frame-pointer walks */
    uint32_t mxcsr;     /* SSE control and status */
    uint16_t fpucw;     /* x87 control word */
    uint16_t pad;       /* zero: with mxcsr and fpucw, the fpwords */
    uint64_t rip;       /* resume address */
};

_Static_assert(offsetof(struct frame, r15) == 0, "r15 at 0");
_Static_assert(offsetof(struct frame, r14) == 8, "r14 at 8");
_Static_assert(offsetof(struct frame, r13) == 16, "r13 at 16");
_Static_assert(offsetof(struct frame, r12) == 24, "r12 at 24");
_Static_assert(offsetof(struct frame, rbx) == 32, "rbx at 32");
_Static_assert(offsetof(struct frame, rbp) == 40, "rbp at 40");
_Static_assert(offsetof(struct frame, mxcsr) == 48, "mxcsr at 48");
_Static_assert(offsetof(struct frame, fpucw) == 52, "fpucw at 52");
_Static_assert(offsetof(struct frame, rip) == 56, "rip at 56");
_Static_assert(sizeof(struct frame) == 64, "frame keeps 16-byte alignment");

const size_t tvc__ctx_below = 0;

uint64_t tvc__ctx_fpwords(void)
{
    struct frame f = {0};
    __asm__ volatile("stmxcsr %0\n\tfnstcw %1" : "=m"(f.mxcsr),
                     "=m"(f.fpucw));
    return f.mxcsr | (uint64_t)f.fpucw << 32;
}

void *tvc__ctx_make(void *lo, void *hi, void (*fn)(void *), void *arg)
{
    /* Below hi: 16 bytes holding a zero return address (the outermost
     * frame for unwinders), then the frame.  After the switch pops the
     * frame, rsp = hi - 16, 16-byte aligned, as tvc__ctx_entry's call
     * requires. */
    char *top = (char *)hi - 16;
    memset(top, 0, 16);
    struct frame *f = (struct frame *)top - 1;
    memset(f, 0, sizeof *f);
    /* A new coroutine starts with its creator's floating-point modes, as
     * a new thread does. */
    uint64_t w = tvc__ctx_fpwords();
    f->mxcsr = (uint32_t)w;
    f->fpucw = (uint16_t)(w >> 32);
    f->r12 = (uint64_t)(uintptr_t)arg;
    f->r13 = (uint64_t)(uintptr_t)fn;
    f->rip = (uint64_t)(uintptr_t)tvc__ctx_entry;
    return f;
}
