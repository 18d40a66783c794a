/*
 * The context switch for aarch64, AAPCS64.  Tested under qemu-user only
 * (./tvc build aarch64: the suite runs under qemu-aarch64-static); no
 * aarch64 hardware has run it yet.
 *
 *   void tvc__ctx_switch(void **from, void *to);
 *   void tvc__ctx_resume(void **from, void *to, uint64_t fpwords);
 *
 * Saves the calling context on its own stack, stores the stack pointer in
 * *from (x0), then resumes the context whose saved stack pointer is `to`
 * (x1).  Saved is what AAPCS64 says a callee preserves: x19-x28, the frame
 * pointer x29, the link register x30 (the resume address), the low 64
 * bits of v8-v15 (d8-d15), the stack pointer, and FPCR (rounding mode and
 * trap enables).  FPCR is written only when it differs: msr fpcr can be
 * slow, and almost every switch finds it equal.
 *
 * Saved frame, at the saved stack pointer (low to high; 176 bytes, so sp
 * stays 16-byte aligned as AAPCS64 requires):
 *
 *     0  x19 x20     16  x21 x22     32  x23 x24     48  x25 x26
 *    64  x27 x28     80  x29 x30
 *    96  d8  d9     112  d10 d11    128  d12 d13    144  d14 d15
 *   160  FPCR (8 bytes, 8 bytes of padding follow)
 *
 * ctx_aarch64.c mirrors these offsets and builds the first frame of a new
 * coroutine, which resumes in tvc__ctx_entry with x19 = argument and
 * x20 = entry function.
 *
 * Resuming branches with `br x30`, not `ret`: ret is predicted from the
 * return-address stack, which holds the other context's call site, and
 * mispredicts on every switch.  (With BTI enforced, the resume address is
 * not a landing pad; this file does not mark the object BTI-compatible,
 * so the linker leaves BTI off for the program.)
 */
        .text
        .globl  tvc__ctx_switch
        .type   tvc__ctx_switch, %function
        /* tvc__ctx_resume(from, to, fpwords) is this switch: reading FPCR
         * here is one cheap mrs, so fpwords (x2) is ignored. */
        .globl  tvc__ctx_resume
        .type   tvc__ctx_resume, %function
        .p2align 4
tvc__ctx_switch:
tvc__ctx_resume:
        .cfi_startproc
        sub     sp, sp, #176
        stp     x19, x20, [sp, #0]
        stp     x21, x22, [sp, #16]
        stp     x23, x24, [sp, #32]
        stp     x25, x26, [sp, #48]
        stp     x27, x28, [sp, #64]
        stp     x29, x30, [sp, #80]
        stp     d8, d9, [sp, #96]
        stp     d10, d11, [sp, #112]
        stp     d12, d13, [sp, #128]
        stp     d14, d15, [sp, #144]
        mrs     x9, fpcr
        str     x9, [sp, #160]
        mov     x10, sp
        str     x10, [x0]
        mov     sp, x1
        ldr     x11, [sp, #160]
        cmp     x9, x11
        b.eq    1f
        msr     fpcr, x11
1:      ldp     x19, x20, [sp, #0]
        ldp     x21, x22, [sp, #16]
        ldp     x23, x24, [sp, #32]
        ldp     x25, x26, [sp, #48]
        ldp     x27, x28, [sp, #64]
        ldp     x29, x30, [sp, #80]
        ldp     d8, d9, [sp, #96]
        ldp     d10, d11, [sp, #112]
        ldp     d12, d13, [sp, #128]
        ldp     d14, d15, [sp, #144]
        add     sp, sp, #176
        br      x30
        .cfi_endproc
        .size   tvc__ctx_switch, .-tvc__ctx_switch

/*
 * First code of every coroutine: calls fn(arg) from x20/x19.  fn must
 * never return; if it does, tvc__ctx_entry_returned reports it and aborts.
 * The CFI marks the outermost frame so unwinders stop here.
 */
        .globl  tvc__ctx_entry
        .type   tvc__ctx_entry, %function
        .p2align 4
tvc__ctx_entry:
        .cfi_startproc
        .cfi_undefined x30
        mov     x0, x19
        blr     x20
        bl      tvc__ctx_entry_returned
        brk     #0
        .cfi_endproc
        .size   tvc__ctx_entry, .-tvc__ctx_entry

        .section .note.GNU-stack, "", %progbits
