/*
 * The context switch for x86-64, System V AMD64 ABI.
 *
 *   void tvc__ctx_switch(void **from, void *to);
 *   void tvc__ctx_resume(void **from, void *to, uint64_t fpwords);
 *
 * Both save the calling context on its own stack, store the stack pointer
 * in *from, then resume the context whose saved stack pointer is `to`.  A
 * switch is an ordinary call to the compiler, so only what the ABI says a
 * callee preserves is saved: rbx, rbp, r12-r15, the stack pointer, and the
 * two per-thread floating-point control words (MXCSR: SSE rounding and
 * exception masks; x87 control word: x87 precision and rounding).
 *
 * tvc__ctx_switch reads the caller's control words (stmxcsr, fnstcw: the
 * caller may be a coroutine that changed them).  tvc__ctx_resume is for a
 * caller that knows them: the scheduler, which runs only runtime code and
 * so always has the words it started with (tvc__ctx_fpwords, passed in
 * rdx).  Reading them costs more than the rest of a switch's extra work,
 * and the scheduler's half of every round trip skips it.
 *
 * The control words are restored only when their control bits differ
 * from the caller's: ldmxcsr and fldcw are slow, and almost every switch
 * finds them equal.  MXCSR's exception flags (bits 0-5) are status, not
 * control: they are saved and restored with the rest when a restore
 * happens, but a difference in them alone does not cause one, so they are
 * in effect shared by the thread's coroutines.
 *
 * Saved frame, at the saved stack pointer (low to high; 64 bytes, so the
 * saved pointer is 16-byte aligned):
 *
 *    0  r15
 *    8  r14
 *   16  r13
 *   24  r12
 *   32  rbx
 *   40  rbp
 *   48  MXCSR            (4 bytes)
 *   52  x87 control word (2 bytes; 2 bytes of zero padding follow:
 *                         bytes 48-55 are the fpwords of tvc__ctx_resume)
 *   56  resume address   (the caller's return address)
 *
 * Every load of a control word has the size of the store that wrote it
 * (4 bytes for MXCSR, 2 for the control word, contained in resume's one
 * 8-byte store): a load that spans two smaller stores still in the store
 * buffer cannot be forwarded and stalls for a dozen cycles.
 *
 * ctx_x86_64.c mirrors these offsets (struct frame, _Static_assert),
 * packs fpwords and builds the first frame of a new coroutine, which
 * resumes in tvc__ctx_entry with r12 = argument and r13 = entry function.
 *
 * Resuming pops the resume address and jumps to it indirectly: a `ret`
 * would be predicted from the return stack buffer, which holds the
 * return address of the *other* context's call, and mispredicts on every
 * switch.
 */

/* Saves the six callee-saved registers below the control words, stores
 * the stack pointer in *from and switches to `to`'s stack. */
        .macro  SAVE_AND_SWITCH
        pushq   %rbp
        pushq   %rbx
        pushq   %r12
        pushq   %r13
        pushq   %r14
        pushq   %r15
        movq    %rsp, (%rdi)
        movq    %rsi, %rsp
        .endm

/* Restores `to`'s registers and resumes it, with the caller's MXCSR in
 * edx and x87 control word in ecx (upper 16 bits zero).  MXCSR counts by
 * its control bits only (6-15: DAZ, exception masks, rounding, FZ): bits
 * 0-5 are sticky exception flags that almost any arithmetic sets, and
 * comparing them would restore on nearly every switch. */
        .macro  RESTORE_AND_RESUME
        popq    %r15
        popq    %r14
        popq    %r13
        popq    %r12
        popq    %rbx
        popq    %rbp
        xorl    (%rsp), %edx
        andl    $0xffc0, %edx
        xorw    4(%rsp), %cx
        orl     %ecx, %edx
        jnz     2f
1:      addq    $8, %rsp
        popq    %rcx
        jmp     *%rcx
2:      ldmxcsr (%rsp)
        fldcw   4(%rsp)
        jmp     1b
        .endm

        .text
        .globl  tvc__ctx_switch
        .type   tvc__ctx_switch, @function
        .p2align 4
tvc__ctx_switch:
        .cfi_startproc
        endbr64
        subq    $8, %rsp
        stmxcsr (%rsp)
        fnstcw  4(%rsp)
        movl    (%rsp), %edx
        movzwl  4(%rsp), %ecx
        SAVE_AND_SWITCH
        RESTORE_AND_RESUME
        .cfi_endproc
        .size   tvc__ctx_switch, .-tvc__ctx_switch

        .globl  tvc__ctx_resume
        .type   tvc__ctx_resume, @function
        .p2align 4
tvc__ctx_resume:
        .cfi_startproc
        endbr64
        pushq   %rdx
        movq    %rdx, %rcx
        shrq    $32, %rcx
        SAVE_AND_SWITCH
        RESTORE_AND_RESUME
        .cfi_endproc
        .size   tvc__ctx_resume, .-tvc__ctx_resume

/*
 * First code of every coroutine: calls fn(arg) from r13/r12.  fn must
 * never return (a coroutine finishes by switching away for good); if it
 * does, tvc__ctx_entry_returned reports it and aborts.  The CFI marks the
 * outermost frame so debuggers and unwinders stop here.
 */
        .globl  tvc__ctx_entry
        .type   tvc__ctx_entry, @function
        .p2align 4
tvc__ctx_entry:
        .cfi_startproc
        .cfi_undefined rip
        endbr64
        movq    %r12, %rdi
        callq   *%r13
        callq   tvc__ctx_entry_returned
        ud2
        .cfi_endproc
        .size   tvc__ctx_entry, .-tvc__ctx_entry

        .section .note.GNU-stack, "", @progbits
