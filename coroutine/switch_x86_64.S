/*
 * The context switch for x86-64, System V AMD64 ABI.
 *
 *   void tvc__ctx_switch(void **from, void *to);
 *
 * Saves the calling context on its own stack, stores the stack pointer in
 * *from, then resumes the context whose saved stack pointer is `to`.  A
 * switch is an ordinary call to the compiler, so only what the ABI says a
 * callee preserves is saved: rbx, rbp, r12-r15, the stack pointer, and the
 * two per-thread floating-point control words (MXCSR: SSE rounding and
 * exception masks; x87 control word: x87 precision and rounding).  The
 * control words are restored only when their control bits differ from
 * the current ones: ldmxcsr and fldcw are slow, and almost every switch
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
 *   48  MXCSR            (4 bytes, stmxcsr)
 *   52  x87 control word (2 bytes, fnstcw; 2 bytes of padding follow)
 *   56  resume address   (the caller's return address)
 *
 * The control words are stored first and compared last, after the
 * registers are popped, so the loads of what was just stored find it
 * forwarded from the store buffer and the comparison is off the path of
 * the register moves.
 *
 * ctx_x86_64.c mirrors these offsets (struct frame, _Static_assert) and
 * builds the first frame of a new coroutine, which resumes in
 * tvc__ctx_entry with r12 = argument and r13 = entry function.
 *
 * Resuming pops the resume address and jumps to it indirectly: a `ret`
 * would be predicted from the return stack buffer, which holds the
 * return address of the *other* context's call, and mispredicts on every
 * switch.
 */
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
        pushq   %rbp
        pushq   %rbx
        pushq   %r12
        pushq   %r13
        pushq   %r14
        pushq   %r15
        movq    %rsp, (%rdi)
        movq    %rsp, %rax
        movq    %rsi, %rsp
        popq    %r15
        popq    %r14
        popq    %r13
        popq    %r12
        popq    %rbx
        popq    %rbp
        /* Restore the control words only if they differ.  MXCSR counts
         * by its control bits only (6-15: DAZ, exception masks, rounding,
         * FZ): bits 0-5 are sticky exception flags that almost any
         * arithmetic sets, and comparing them would restore on nearly
         * every switch.  Same-size loads of what was just stored forward
         * from the store buffer; one wider load would stall. */
        movl    48(%rax), %ecx
        xorl    (%rsp), %ecx
        movzwl  52(%rax), %edx
        xorw    4(%rsp), %dx
        andl    $0xffc0, %ecx
        orl     %edx, %ecx
        jnz     2f
1:      addq    $8, %rsp
        popq    %rcx
        jmp     *%rcx
2:      ldmxcsr (%rsp)
        fldcw   4(%rsp)
        jmp     1b
        .cfi_endproc
        .size   tvc__ctx_switch, .-tvc__ctx_switch

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
