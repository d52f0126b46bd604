/* gate.S - the generic gate every trampoline stub jumps to.
 *
 * Async-signal-safe: no calls into libc on the fast path, no locks, no
 * allocation.  The slow path (first call of a thread into a domain) calls
 * pkr_gate_prepare() in C, which allocates; it never runs in a handler.
 *
 * Entry: %r11 = struct pkr_fn *, every argument register live (%rdi %rsi
 * %rdx %rcx %r8 %r9, %al and %xmm0-7 for variadic and floating-point
 * functions), (%rsp) = the caller's return address, stacked arguments
 * above it.  The gate touches no vector or x87 register.
 *
 * The rewind record (struct pkr_frame, offsets in shim.h) is built on the
 * caller's stack by pushing the callee-saved registers; it is linked into
 * the thread's state so that the fault handler can resume the caller at
 * pkr_gate_unwind with the registers it had at the call.
 *
 * Register use between entry and the call:
 *   %rbx thread state, %r12 fn, %r13 domain, %r14 per-thread domain
 *   slot / saved values, %r15 scratch.
 *
 * What decides rights and control flow, and where it comes from:
 *   - the descriptor (%r11 from the stub): accepted only if it lies,
 *     PKR_FN_SIZE-aligned, in the descriptor array of the domain it names,
 *     and that domain is the registry's at its index (pkr_domains, key 0);
 *     else the gate traps at pkr_gate_bad_fn (SIGILL), which the fault
 *     handler reports and rewinds as the calling domain's fault;
 *   - the thread state: pkr_tls_thread through %fs must equal the GS
 *     anchor (%gs:PKR_T_SELF), else the gate traps at pkr_gate_bad_thread;
 *   - after the library returns, nothing it could have written is used:
 *     every callee-saved register is the library's to break, so the exit
 *     takes the thread state from the GS anchor, the record from the
 *     thread state (t->top, key 0), fn and domain from the record (on the
 *     caller's stack, key 0), and pkr_gate_unwind reloads every
 *     callee-saved register from the record.  In read and none modes none
 *     of that memory is writable by the domain; in write mode all of it
 *     is (write mode contains crashes, not stray writes).
 *
 * PKRU: the bookkeeping always runs with the program's PKRU (0).  A call
 * from a callback that runs with a domain's rights (the thread state says
 * a domain is active) takes it at entry; the way out (pkr_gate_unwind)
 * gives the calling domain its PKRU back last.
 */
#include "domains.h"
#include "pkey.h"

/* Every wrpkru of the gate: its address goes into the section
 * pkr_wrpkru_sites, so that a process running without protection keys
 * (if-no-keys rewind-only) can overwrite it with a no-op at start-up
 * (pkr_tramp_nokeys in tramp.c).  The instruction is 0f 01 ef. */
	.macro	wrpkru_site
.Lwrpkru\@:
	wrpkru
	.pushsection pkr_wrpkru_sites, "aw"
	.quad	.Lwrpkru\@
	.popsection
	.endm

/* rdpkru into %eax (clobbers %edx; %ecx must be 0), listed with the
 * wrpkru sites: without keys it is overwritten with xor %eax,%eax. */
	.macro	rdpkru_site
.Lrdpkru\@:
	rdpkru
	.pushsection pkr_wrpkru_sites, "aw"
	.quad	.Lrdpkru\@
	.popsection
	.endm

/* The only two ways the gate writes PKRU.  Both clobber %eax, %ecx, %edx.
 *
 * wrpkru_program: the program's rights (PKR_PROG_PKRU, a constant),
 * checked: jumping to the wrpkru with any other %eax (the gate as a
 * gadget) ends in pkr_gate_pkru_mismatch.
 *
 * wrpkru_domain: domain \dom's rights, from its descriptor.  Not checked:
 * after the write key 0 may be unreadable (trusted-memory none), so the
 * descriptor cannot be read back, and comparing with a register the
 * jumper also controls proves nothing.  The call or ret that follows is
 * the next instruction. */
	.macro	wrpkru_program
	mov	$PKR_PROG_PKRU, %eax
	xor	%ecx, %ecx
	xor	%edx, %edx
	wrpkru_site
	test	%eax, %eax
	jnz	pkr_gate_pkru_mismatch
	.endm

	.macro	wrpkru_domain dom
	mov	PKR_DOM_PKRU(\dom), %eax
	xor	%ecx, %ecx
	xor	%edx, %edx
	wrpkru_site
	.endm


/* Set the thread pointer to \reg: wrfsbase, or arch_prctl(ARCH_SET_FS)
 * on a CPU or kernel without FSGSBASE (every caller-saved register is
 * kept: this runs with argument or return registers live). */
	.macro	setfs reg
	cmpb	$0, pkr_fsgsbase(%rip)
	je	91f
	wrfsbase \reg
	jmp	92f
91:	push	%rax
	push	%rcx
	push	%rdx
	push	%rsi
	push	%rdi
	push	%r8
	push	%r9
	push	%r10
	push	%r11
	mov	\reg, %rsi
	mov	$PKR_ARCH_SET_FS, %edi
	mov	$PKR_SYS_arch_prctl, %eax
	syscall
	pop	%r11
	pop	%r10
	pop	%r9
	pop	%r8
	pop	%rdi
	pop	%rsi
	pop	%rdx
	pop	%rcx
	pop	%rax
92:
	.endm

	.text

	.globl	pkr_gate
	.hidden	pkr_gate
	.type	pkr_gate, @function
	.p2align 5
pkr_gate:
	.cfi_startproc
	/* An exception the library throws and does not catch stops at this
	 * frame (gate_exc.c): the namespace's unwinder finds this FDE
	 * through _dl_find_object and asks this personality. */
	.cfi_personality 0x1b, pkr_gate_personality
	push	%rbp
	.cfi_adjust_cfa_offset 8
	.cfi_rel_offset %rbp, 0
	push	%rbx
	.cfi_adjust_cfa_offset 8
	.cfi_rel_offset %rbx, 0
	push	%r12
	.cfi_adjust_cfa_offset 8
	.cfi_rel_offset %r12, 0
	push	%r13
	.cfi_adjust_cfa_offset 8
	.cfi_rel_offset %r13, 0
	push	%r14
	.cfi_adjust_cfa_offset 8
	.cfi_rel_offset %r14, 0
	push	%r15
	.cfi_adjust_cfa_offset 8
	.cfi_rel_offset %r15, 0
	sub	$PKR_FR_LOCALS, %rsp
	.cfi_adjust_cfa_offset PKR_FR_LOCALS
	/* %rbp = the record for the rest of the call: unwinders find the
	 * caller through it while the library runs on its own stack. */
	mov	%rsp, %rbp
	.cfi_def_cfa %rbp, PKR_FR_RET + 8
	mov	%r11, PKR_FR_FN(%rsp)
	mov	%r11, %r12
	/* Only the shim's own descriptors (see the top of this file). */
	mov	PKR_FN_DOMAIN(%r12), %r13
	mov	PKR_DOM_INDEX(%r13), %r10d
	cmp	$PKR_MAX_DOM, %r10d
	jae	pkr_gate_bad_fn
	lea	pkr_domains(%rip), %r11
	cmp	(%r11,%r10,8), %r13
	jne	pkr_gate_bad_fn
	mov	%r12, %r10
	sub	PKR_DOM_FNS(%r13), %r10
	cmp	PKR_DOM_FNS_BYTES(%r13), %r10
	jae	pkr_gate_bad_fn
	test	$(PKR_FN_SIZE - 1), %r10
	jnz	pkr_gate_bad_fn
.Lreload:
	mov	pkr_tls_thread@gottpoff(%rip), %r10
	mov	%fs:(%r10), %rbx
	test	%rbx, %rbx
	jz	.Lprepare
	cmp	%gs:PKR_T_SELF, %rbx
	jne	pkr_gate_bad_thread
	/* Called from code running with a domain's rights (a callback)?
	 * Then take the program's rights before the bookkeeping writes
	 * key-0 memory.  (Reading the thread state is allowed in read and
	 * write modes; a none-mode callback cannot even read the GOT that
	 * leads here.) */
	mov	PKR_T_CUR(%rbx), %r15		/* the calling domain, if any */
	test	%r15, %r15
	jnz	.Lfrom_domain
.Lprogram_rights:
	mov	PKR_DOM_INDEX(%r13), %r10d
	shl	$PKR_TDOM_SHIFT, %r10
	lea	PKR_T_DOMS(%rbx,%r10), %r14
	mov	PKR_TDOM_SP(%r14), %r10		/* the domain's stack */
	test	%r10, %r10
	jz	.Lprepare

	/* Counting is exact (locked) and costs a few cycles: only when the
	 * counts are used (PKREWIND_STATS, max-faults). */
	cmpb	$0, pkr_count_calls(%rip)
	je	1f
	lock incq PKR_FN_CALLS(%r12)
1:
	mov	PKR_T_TOP(%rbx), %r11
	mov	%r11, PKR_FR_PREV(%rsp)
	mov	%r15, PKR_FR_PREV_DOM(%rsp)
	test	%r15, %r15
	jnz	.Lnested
	/* Called from the program: the domain's stack top, the real %fs.
	 * (PKR_FR_SAVED_SP is read only for nested calls.) */
	mov	PKR_T_TP(%rbx), %r11
	mov	%r11, PKR_FR_ENTRY_TP(%rsp)
.Lhave_stack:
	/* The record is complete: make it the innermost one. */
	mov	%rsp, PKR_T_TOP(%rbx)
	mov	%r13, PKR_T_CUR(%rbx)

	/* Onto the domain's stack first, then copy the stacked-argument
	 * window there (from the record, %rbp): unrolled for the default
	 * window of 8 words, a loop for any other size.  In this order a
	 * signal handler's call into the domain (fault.c) finds %rsp below
	 * everything the gate has written on that stack, and starts below
	 * it; copying first left the copy above a stack pointer that was
	 * still the program's, where the handler's call wrote its own. */
	mov	PKR_DOM_ARGWORDS(%r13), %r11
	shl	$3, %r11
	sub	%r11, %r10
	and	$-16, %r10
	mov	%r10, %rsp		/* onto the domain's stack */
	cmp	$64, %r11
	jne	3f
	.irp	k, 0, 8, 16, 24, 32, 40, 48, 56
	mov	PKR_FR_ARGS+\k(%rbp), %r15
	mov	%r15, \k(%r10)
	.endr
	jmp	4f
3:	test	%r11, %r11
	jz	4f
	sub	$8, %r11
	mov	PKR_FR_ARGS(%rbp,%r11), %r15
	mov	%r15, (%r10,%r11)
	jmp	3b
4:
	/* errno: the program's value goes into the namespace's errno, in
	 * the thread block the domain will run on. */
	mov	PKR_TDOM_SHADOW_TP(%r14), %r11
	mov	pkr_prog_errno_off(%rip), %r14
	mov	%fs:(%r14), %r15d
	mov	PKR_DOM_ERRNO_OFF(%r13), %r14
	test	%r11, %r11
	jz	5f
	setfs	%r11
5:	mov	%r15d, %fs:(%r14)

	mov	PKR_FN_TARGET(%r12), %r15

	mov	%rax, %r10
	mov	%rcx, %r11
	mov	%rdx, %r14
	wrpkru_domain %r13
	mov	%r10, %rax
	mov	%r11, %rcx
	mov	%r14, %rdx
	call	*%r15
.Lreturned:
	/* Back from the library: its rights off first.  The program's PKRU
	 * is the constant 0; jumping to this wrpkru with any other %eax
	 * (the gate as a gadget) ends in pkr_gate_pkru_mismatch.  Then
	 * nothing from the library's registers: the thread state from the
	 * GS anchor, the record from it, fn and domain from the record. */
	mov	%rax, %r14
	mov	%rdx, %r15
	wrpkru_program
	mov	%gs:PKR_T_SELF, %rbx
	mov	PKR_T_TOP(%rbx), %r10
	mov	PKR_FR_FN(%r10), %r12
	mov	PKR_FN_DOMAIN(%r12), %r13

	/* errno back, then the caller's thread pointer. */
	mov	PKR_DOM_ERRNO_OFF(%r13), %r11
	mov	%fs:(%r11), %ecx
	cmpq	$0, PKR_DOM_SHADOW(%r13)
	je	7f
	mov	PKR_FR_ENTRY_TP(%r10), %r11
	setfs	%r11
7:	mov	pkr_prog_errno_off(%rip), %r11
	mov	%ecx, %fs:(%r11)
	mov	%r10, %rsp
	mov	%r14, %rax
	mov	%r15, %rdx
	jmp	pkr_gate_unwind

	/* ---- slow paths: callbacks, and a thread's first call ---- */

.Lnested:
	/* Called from code running inside domain %r15 (a callback). */
	movq	$0, PKR_FR_SAVED_SP(%rsp)
	mov	PKR_T_TP(%rbx), %r10
	cmpq	$0, PKR_DOM_SHADOW(%r15)
	je	1f
	mov	PKR_DOM_INDEX(%r15), %r11d
	shl	$PKR_TDOM_SHIFT, %r11
	mov	PKR_T_DOMS+PKR_TDOM_SHADOW_TP(%rbx,%r11), %r10
1:	mov	%r10, PKR_FR_ENTRY_TP(%rsp)
	cmp	%r15, %r13
	jne	2f
	mov	%rsp, %r10		/* same domain: go on below this frame */
	jmp	.Lhave_stack
2:	/* another domain: remember how deep the previous one's stack is */
	mov	PKR_DOM_INDEX(%r15), %r11d
	shl	$PKR_TDOM_SHIFT, %r11
	lea	PKR_T_DOMS(%rbx,%r11), %r11
	mov	PKR_TDOM_SP(%r11), %r10
	mov	%r10, PKR_FR_SAVED_SP(%rsp)
	mov	%rsp, PKR_TDOM_SP(%r11)
	mov	PKR_TDOM_SP(%r14), %r10
	jmp	.Lhave_stack

	/* wrpkru clobbers %eax, %ecx and %edx, which carry arguments. */
.Lfrom_domain:
	mov	%rax, %r14
	mov	%rcx, %r11
	mov	%rdx, %r10
	wrpkru_program
	mov	%r14, %rax
	mov	%r11, %rcx
	mov	%r10, %rdx
	jmp	.Lprogram_rights

	/* The first call of this thread into this domain: out of line. */
.Lprepare:
	call	pkr_gate_slow
	jmp	.Lreload
	.cfi_endproc
	.size	pkr_gate, .-pkr_gate

/* The gate's slow path: the first call of a thread into a domain sets up
 * its stack, shadow thread block, alternate signal stack and rseq state
 * (pkr_gate_prepare, C, allocates), with every argument register
 * preserved.  %r12 = the descriptor. */
	.type	pkr_gate_slow, @function
	.p2align 4
pkr_gate_slow:
	.cfi_startproc
	sub	$208, %rsp		/* 16-byte aligned for the C call */
	.cfi_adjust_cfa_offset 208
	movdqu	%xmm0, 0(%rsp)
	movdqu	%xmm1, 16(%rsp)
	movdqu	%xmm2, 32(%rsp)
	movdqu	%xmm3, 48(%rsp)
	movdqu	%xmm4, 64(%rsp)
	movdqu	%xmm5, 80(%rsp)
	movdqu	%xmm6, 96(%rsp)
	movdqu	%xmm7, 112(%rsp)
	mov	%rdi, 128(%rsp)
	mov	%rsi, 136(%rsp)
	mov	%rdx, 144(%rsp)
	mov	%rcx, 152(%rsp)
	mov	%r8, 160(%rsp)
	mov	%r9, 168(%rsp)
	mov	%rax, 176(%rsp)
	mov	%r12, %rdi
	call	pkr_gate_prepare
	movdqu	0(%rsp), %xmm0
	movdqu	16(%rsp), %xmm1
	movdqu	32(%rsp), %xmm2
	movdqu	48(%rsp), %xmm3
	movdqu	64(%rsp), %xmm4
	movdqu	80(%rsp), %xmm5
	movdqu	96(%rsp), %xmm6
	movdqu	112(%rsp), %xmm7
	mov	128(%rsp), %rdi
	mov	136(%rsp), %rsi
	mov	144(%rsp), %rdx
	mov	152(%rsp), %rcx
	mov	160(%rsp), %r8
	mov	168(%rsp), %r9
	mov	176(%rsp), %rax
	add	$208, %rsp
	.cfi_adjust_cfa_offset -208
	ret
	.cfi_endproc
	.size	pkr_gate_slow, .-pkr_gate_slow

/* Leave a call: %rsp = its record, %rbx = thread state, %rax/%rdx = the
 * values to return.  The normal return path ends here, and so does a
 * rewind: the fault handler resumes the interrupted thread at this label
 * with the caller's PKRU and thread pointer already restored. */
	.globl	pkr_gate_unwind
	.hidden	pkr_gate_unwind
	.type	pkr_gate_unwind, @function
	.p2align 4
pkr_gate_unwind:
	.cfi_startproc
	.cfi_def_cfa %rsp, PKR_FR_RET + 8
	.cfi_offset %rbp, -16
	.cfi_offset %rbx, -24
	.cfi_offset %r12, -32
	.cfi_offset %r13, -40
	.cfi_offset %r14, -48
	.cfi_offset %r15, -56
	mov	PKR_FR_PREV(%rsp), %r10
	mov	%r10, PKR_T_TOP(%rbx)
	mov	PKR_FR_PREV_DOM(%rsp), %r10
	mov	%r10, PKR_T_CUR(%rbx)
	test	%r10, %r10
	jz	1f
	mov	PKR_FR_SAVED_SP(%rsp), %r11
	test	%r11, %r11
	jz	1f
	mov	PKR_DOM_INDEX(%r10), %r9d
	shl	$PKR_TDOM_SHIFT, %r9
	mov	%r11, PKR_T_DOMS+PKR_TDOM_SP(%rbx,%r9)
1:	add	$PKR_FR_LOCALS, %rsp
	.cfi_adjust_cfa_offset -PKR_FR_LOCALS
	pop	%r15
	.cfi_adjust_cfa_offset -8
	pop	%r14
	.cfi_adjust_cfa_offset -8
	pop	%r13
	.cfi_adjust_cfa_offset -8
	pop	%r12
	.cfi_adjust_cfa_offset -8
	pop	%rbx
	.cfi_adjust_cfa_offset -8
	pop	%rbp
	.cfi_adjust_cfa_offset -8
	test	%r10, %r10
	jnz	2f
	ret
2:	/* Returning into a callback that runs inside domain %r10: give the
	 * code its rights back, last. */
	mov	%rax, %r11
	mov	%rdx, %r9
	wrpkru_domain %r10
	mov	%r11, %rax
	mov	%r9, %rdx
	ret
	.cfi_endproc
	.size	pkr_gate_unwind, .-pkr_gate_unwind

/* Where a C++ exception leaving the library lands (pkr_gate_personality
 * set it up).  The unwinder has installed the gate's own state at its
 * call into the library, as at a return: %rsp on the domain's stack,
 * %rax = the exception, PKRU and %fs still the domain's, the library's
 * registers otherwise.  As on the way back from a call: the program's
 * rights, the thread state from the GS anchor, the record from it; then
 * the record is left, the program's callee-saved registers popped from
 * it, and with the return address on top, as if the program had called
 * pkr_gate_rethrow where it called the library, the exception is raised
 * again on the program's side. */
	.globl	pkr_gate_landing
	.hidden	pkr_gate_landing
	.type	pkr_gate_landing, @function
	.p2align 4
pkr_gate_landing:
	mov	%rax, %r14
	wrpkru_program
	mov	%gs:PKR_T_SELF, %rbx
	mov	PKR_T_TOP(%rbx), %r10
	mov	%r14, PKR_T_XC(%rbx)
	mov	PKR_FR_FN(%r10), %r12
	mov	PKR_FN_DOMAIN(%r12), %r13
	cmpq	$0, PKR_DOM_SHADOW(%r13)
	je	1f
	mov	PKR_FR_ENTRY_TP(%r10), %r11
	setfs	%r11
1:	mov	%r10, %rsp
	cmpq	$0, PKR_FR_PREV_DOM(%rsp)
	jne	pkr_gate_exc_nested
	mov	PKR_FR_PREV(%rsp), %r10
	mov	%r10, PKR_T_TOP(%rbx)
	movq	$0, PKR_T_CUR(%rbx)
	mov	PKR_T_XC(%rbx), %rdi
	add	$PKR_FR_LOCALS, %rsp
	pop	%r15
	pop	%r14
	pop	%r13
	pop	%r12
	pop	%rbx
	pop	%rbp
	jmp	pkr_gate_rethrow
	.size	pkr_gate_landing, .-pkr_gate_landing

/* The same landing for a domain whose policy says `exceptions fault`:
 * the exception is deleted by the namespace's unwinder, still with the
 * domain's rights; then, with the program's, the fault is counted and
 * said and the call returns its fault-return value through the gate's
 * ordinary way back. */
	.globl	pkr_gate_landing_fault
	.hidden	pkr_gate_landing_fault
	.type	pkr_gate_landing_fault, @function
	.p2align 4
pkr_gate_landing_fault:
	mov	%rax, %rdi
	call	pkr_gate_exc_delete
	wrpkru_program
	call	pkr_gate_exc_fault
	xor	%edx, %edx
	jmp	.Lreturned
	.size	pkr_gate_landing_fault, .-pkr_gate_landing_fault

/* A descriptor that is not the shim's, or a thread state that does not
 * match the GS anchor: trap.  The fault handler knows these addresses:
 * inside a domain (a library called the gate) the calling domain's call
 * is rewound with a diagnostic; in the program, a diagnostic and the
 * default action of SIGILL. */
	.globl	pkr_gate_bad_fn
	.hidden	pkr_gate_bad_fn
	.type	pkr_gate_bad_fn, @function
pkr_gate_bad_fn:
	ud2
	.size	pkr_gate_bad_fn, .-pkr_gate_bad_fn
	.globl	pkr_gate_bad_thread
	.hidden	pkr_gate_bad_thread
	.type	pkr_gate_bad_thread, @function
pkr_gate_bad_thread:
	ud2
	.size	pkr_gate_bad_thread, .-pkr_gate_bad_thread

/* The PKRU check failed: take the program's rights and stop. */
	.type	pkr_gate_pkru_mismatch, @function
pkr_gate_pkru_mismatch:
	mov	%eax, %edi
	mov	$PKR_PROG_PKRU, %esi
	wrpkru_program
	and	$-16, %rsp
	call	pkr_gate_violation
	ud2
	.size	pkr_gate_pkru_mismatch, .-pkr_gate_pkru_mismatch

/* The way back from a callback's function to the library (pkr_cb_entry
 * and pkr_cb_landing): %rbx thread state, %r13 domain, %rsp just above
 * the stacked-argument window.  The domain's thread pointer and stack
 * pointer back, the library's stack and callee-saved registers, the
 * domain's rights last.  Leaves %r8 and %r9 alone. */
.macro cb_leave cfi=0
	mov	PKR_DOM_ARGWORDS(%r13), %rcx
	lea	15(,%rcx,8), %rcx
	and	$-16, %rcx
	add	%rcx, %rsp			/* the window */
	mov	%r13, PKR_T_CUR(%rbx)
	mov	PKR_DOM_INDEX(%r13), %r11d
	shl	$PKR_TDOM_SHIFT, %r11
	cmpq	$0, PKR_DOM_SHADOW(%r13)
	je	2f
	mov	PKR_T_DOMS+PKR_TDOM_SHADOW_TP(%rbx,%r11), %rcx
	setfs	%rcx
2:	pop	%rcx				/* td->sp as it was */
	pop	%rsp				/* the library's stack */
	.if \cfi
	.cfi_def_cfa %rsp, 56
	.endif
	mov	%rcx, PKR_T_DOMS+PKR_TDOM_SP(%rbx,%r11)
	mov	%r13, %r10
	pop	%r13
	.if \cfi
	.cfi_adjust_cfa_offset -8
	.cfi_restore %r13
	.endif
	pop	%r12
	.if \cfi
	.cfi_adjust_cfa_offset -8
	.cfi_restore %r12
	.endif
	pop	%rbx
	.if \cfi
	.cfi_adjust_cfa_offset -8
	.cfi_restore %rbx
	.endif
	add	$24, %rsp			/* the three saved registers */
	.if \cfi
	.cfi_adjust_cfa_offset -24
	.endif
	wrpkru_domain %r10
.endm

/* A callback (tramp.h): the library calls a stub the shim gave it for a
 * program function; the stub jumps here with %r11d = its slot, the
 * arguments live, the domain's rights, stack and thread pointer, and the
 * library's return address at (%rsp).
 *
 * The program's rights first (checked).  Then only key-0 memory decides:
 * the thread state from the GS anchor, the running domain from it, the
 * slot checked against the table's bounds and owner (else the trap
 * pkr_cb_bad, rewound as the domain's fault), and the program's stack
 * below the record of the call that entered the domain (t->top), which
 * must have come from the program.  While the function runs, the thread
 * is the program's (t->cur = NULL: a fault in it is the program's own), a
 * call from it into the same domain starts below the library's frames
 * (td->sp lowered), and %fs is the real thread pointer.  Then all of it
 * back, the domain's rights last.  Stacked arguments: the domain's
 * window of them (stack-args, 8 words by default) is copied from the
 * library's stack to the program's.  %rax, %rdx, %xmm0 and %xmm1 come
 * back as the function left them.  A stub called with the program's
 * rights (PKRU 0: the library handed the pointer back and the program
 * calls it) jumps straight to the function. */
	.globl	pkr_cb_entry
	.hidden	pkr_cb_entry
	.type	pkr_cb_entry, @function
	.p2align 4
pkr_cb_entry:
	.cfi_startproc
	/* An exception the program's function throws and does not catch
	 * stops at this frame (gate_exc.c, pkr_cb_personality): it is
	 * raised again inside the domain, from the library's call. */
	.cfi_personality 0x1b, pkr_cb_personality
	push	%rcx			/* on the caller's stack: what rdpkru */
	.cfi_adjust_cfa_offset 8
	push	%rdx			/* and wrpkru clobber */
	.cfi_adjust_cfa_offset 8
	push	%rax
	.cfi_adjust_cfa_offset 8
	cmp	$PKR_MAX_CB, %r11d
	jae	pkr_cb_bad
	/* Called with the program's rights (PKRU 0: the program calls a
	 * function pointer the library handed back)?  Then it is just the
	 * function.  Without keys every caller is (the rdpkru becomes a
	 * zeroing of %eax).  Nothing of key 0 is read before this: a none
	 * mode library may not. */
	xor	%ecx, %ecx
	rdpkru_site
	test	%eax, %eax
	jz	.Lcb_direct
	wrpkru_program
	mov	%gs:PKR_T_SELF, %r10
	test	%r10, %r10
	jz	pkr_cb_bad
	cmp	PKR_T_SELF(%r10), %r10
	jne	pkr_cb_bad
	mov	PKR_T_CUR(%r10), %rax		/* the running domain */
	test	%rax, %rax
	jz	pkr_cb_bad
	mov	%r11d, %r11d
	shl	$PKR_CB_SHIFT, %r11
	lea	pkr_cbs(%rip), %rcx
	add	%rcx, %r11			/* the slot */
	cmp	PKR_CB_DOM(%r11), %rax
	jne	pkr_cb_bad
	mov	PKR_T_TOP(%r10), %rcx		/* the call's record */
	test	%rcx, %rcx
	jz	pkr_cb_bad
	cmpq	$0, PKR_FR_PREV_DOM(%rcx)
	jne	pkr_cb_bad			/* entered from another domain */
	/* The library's own callee-saved registers, which the gate uses,
	 * on its stack (they are the library's to break anyway).  Then,
	 * still on that stack, this thread's stack pointer of the domain
	 * goes below it (under the red zone), so that a call from the
	 * program into the domain - the callback's, or a signal handler's
	 * at any instruction from here on - starts below the library's
	 * frames.  Only then onto the program's stack, below the record;
	 * the way back undoes it in the reverse order (fault.c lowers the
	 * stack pointer from %rsp whenever %rsp is on a domain's stack). */
	push	%rbx
	.cfi_adjust_cfa_offset 8
	.cfi_rel_offset %rbx, 0
	push	%r12
	.cfi_adjust_cfa_offset 8
	.cfi_rel_offset %r12, 0
	push	%r13
	.cfi_adjust_cfa_offset 8
	.cfi_rel_offset %r13, 0
	mov	%r10, %rbx			/* thread state */
	mov	%rax, %r13			/* the domain */
	lea	-64(%rcx), %r12			/* the program's stack */
	and	$-16, %r12
	mov	PKR_DOM_INDEX(%r13), %eax
	shl	$PKR_TDOM_SHIFT, %rax
	lea	PKR_T_DOMS(%rbx,%rax), %rax	/* this thread's slot of the domain */
	mov	PKR_TDOM_SP(%rax), %rcx		/* td->sp as it was */
	lea	-128(%rsp), %rdx
	and	$-16, %rdx
	mov	%rdx, PKR_TDOM_SP(%rax)
	mov	%rsp, %rdx			/* the library's %rsp */
	.cfi_def_cfa_register %rdx
	mov	%r12, %rsp			/* onto the program's stack */
	push	%rdx
	push	%rcx
	mov	%rdx, %r12			/* the library's %rsp */
	.cfi_def_cfa_register %r12
	movq	$0, PKR_T_CUR(%rbx)
	cmpq	$0, PKR_DOM_SHADOW(%r13)
	je	1f
	mov	PKR_T_TP(%rbx), %rcx
	setfs	%rcx
1:	mov	PKR_CB_TARGET(%r11), %r11
	/* The stacked arguments: the domain's window (stack-args) of the
	 * library's stack above its return address (56(%r12): above the
	 * six words pushed here and that address) goes where the function
	 * looks for them, above its own return address.  The window lies
	 * inside the domain's stack: the forward gate reserved it at the
	 * top. */
	mov	PKR_DOM_ARGWORDS(%r13), %rcx
	lea	15(,%rcx,8), %rax
	and	$-16, %rax
	sub	%rax, %rsp			/* 2 pushes + this: 16-byte aligned */
	test	%rcx, %rcx
	jz	4f
3:	dec	%rcx
	mov	56(%r12,%rcx,8), %rdx
	mov	%rdx, (%rsp,%rcx,8)
	jnz	3b
4:	/* The library's %rax, %rdx and %rcx (pushed first, above its
	 * three callee-saved registers). */
	mov	24(%r12), %rax
	mov	32(%r12), %rdx
	mov	40(%r12), %rcx
	call	*%r11
	mov	%rax, %r8
	mov	%rdx, %r9
	cb_leave 1
	mov	%r8, %rax
	mov	%r9, %rdx
	ret

.Lcb_direct:
	.cfi_def_cfa %rsp, 32
	mov	%r11d, %r11d
	shl	$PKR_CB_SHIFT, %r11
	lea	pkr_cbs(%rip), %rax
	mov	PKR_CB_TARGET(%rax,%r11), %r11
	pop	%rax
	.cfi_adjust_cfa_offset -8
	pop	%rdx
	.cfi_adjust_cfa_offset -8
	pop	%rcx
	.cfi_adjust_cfa_offset -8
	jmp	*%r11
	.cfi_endproc
	.size	pkr_cb_entry, .-pkr_cb_entry

/* Where an exception the program's function threw lands, in
 * pkr_cb_entry's frame as right after its call (pkr_cb_personality set
 * it up): the program's rights and %fs, %rbx %r12 %r13 as there, %rax =
 * the exception, %rdx = the namespace's _Unwind_RaiseException.  The way
 * back to the library is the ordinary one; then, with the library's
 * return address on top, as if the library had called pkr_cb_rethrow
 * where it called the function, the domain's unwinder raises the same
 * exception inside: the library's catch gets it. */
	.globl	pkr_cb_landing
	.hidden	pkr_cb_landing
	.type	pkr_cb_landing, @function
	.p2align 4
pkr_cb_landing:
	mov	%rax, %r8
	mov	%rdx, %r9
	cb_leave
	mov	%r8, %rdi
	mov	%r9, %rsi
	jmp	pkr_cb_rethrow
	.size	pkr_cb_landing, .-pkr_cb_landing

/* A callback slot that is not the running domain's, or no domain call on
 * this thread: trap; the fault handler reports it and rewinds the
 * domain's call (fault.c). */
	.globl	pkr_cb_bad
	.hidden	pkr_cb_bad
	.type	pkr_cb_bad, @function
pkr_cb_bad:
	ud2
	.size	pkr_cb_bad, .-pkr_cb_bad

/* The reverse gate (service.h): the runtime, running with its domain's
 * rights, asks the program's side for exit, fork or a longjmp out.  The
 * program's rights in (checked), pkr_service_handler, then the rights of
 * the domain the thread state names (its answer in %rdx), never a value
 * from the caller.  %rdi, %rsi, %rdx: op and two arguments. */
	.globl	pkr_service
	.hidden	pkr_service
	.type	pkr_service, @function
	.p2align 4
pkr_service:
	.cfi_startproc
	push	%rbx
	.cfi_adjust_cfa_offset 8
	.cfi_rel_offset %rbx, 0
	push	%r12
	.cfi_adjust_cfa_offset 8
	.cfi_rel_offset %r12, 0
	push	%r13
	.cfi_adjust_cfa_offset 8
	.cfi_rel_offset %r13, 0
	mov	%rdi, %r12
	mov	%rsi, %r13
	mov	%rdx, %rbx
	wrpkru_program
	mov	%r12, %rdi
	mov	%r13, %rsi
	mov	%rbx, %rdx
	call	pkr_service_handler
	test	%rdx, %rdx
	jz	1f
	mov	%rax, %r12
	mov	%rdx, %r13
	wrpkru_domain %r13
	mov	%r12, %rax
1:	pop	%r13
	.cfi_adjust_cfa_offset -8
	pop	%r12
	.cfi_adjust_cfa_offset -8
	pop	%rbx
	.cfi_adjust_cfa_offset -8
	ret
	.cfi_endproc
	.size	pkr_service, .-pkr_service

/* pkr_call_on_stack(fn, arg, sp): fn(arg) on another stack; fn does not
 * return (service.c: exit on the program's stack). */
	.globl	pkr_call_on_stack
	.hidden	pkr_call_on_stack
	.type	pkr_call_on_stack, @function
pkr_call_on_stack:
	mov	%rdx, %rsp
	mov	%rdi, %rax
	mov	%rsi, %rdi
	call	*%rax
	ud2
	.size	pkr_call_on_stack, .-pkr_call_on_stack

/* The restorer of a signal frame the shim built for a library's own
 * handler (fault.c, deliver_to_library): rt_sigreturn. */
	.globl	pkr_sigreturn_stub
	.hidden	pkr_sigreturn_stub
	.type	pkr_sigreturn_stub, @function
pkr_sigreturn_stub:
	mov	$15, %eax
	syscall
	ud2
	.size	pkr_sigreturn_stub, .-pkr_sigreturn_stub

/* Signal handler entries.  The kernel starts a handler with PKRU allowing
 * key 0 only, and %fs may still point at a domain's shadow thread block
 * (another key): before any C code runs (a stack-protector prologue reads
 * %fs:0x28), take the program's PKRU.  %rdx (the ucontext) survives. */
	.macro	handler_entry name, target
	.globl	\name
	.hidden	\name
	.type	\name, @function
	.p2align 4
\name:
	.cfi_startproc
	mov	%rdx, %r8
	wrpkru_program
	mov	%r8, %rdx
	jmp	\target
	.cfi_endproc
	.size	\name, .-\name
	.endm

	handler_entry pkr_fault_entry, pkr_fault_handler
	handler_entry pkr_signal_entry, pkr_signal_handler

	.section .note.GNU-stack,"",@progbits
