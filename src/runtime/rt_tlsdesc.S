/* rt_tlsdesc.S - the namespace's TLS descriptors of modules in dynamic TLS.
 *
 * Code built with -mtls-dialect=gnu2 reaches a `__thread` variable by
 * calling the function of its TLS descriptor (%rax = the descriptor), not
 * __tls_get_addr.  For a module in static TLS ld.so's function returns a
 * constant and works in every mode; for one in dynamic TLS it reads
 * ld.so's records and the thread's DTV, and allocates with the program's
 * malloc: program memory, a fault in read and none modes.  The shim
 * points such descriptors here (tlsdesc.c), their argument at a tls_index
 * in domain memory, and this finds the block as the runtime's
 * __tls_get_addr does (rt_tls.c): the thread's table, else that function.
 *
 * Convention (TLSDESC, x86-64): %rax = the descriptor, whose second word
 * is the argument; returns in %rax the variable's address minus the
 * thread pointer; every other register is preserved, vector and x87 state
 * included (the caller saved none: it made no ordinary call), the flags
 * excepted.  The fast path touches %rax, %rcx, %rdx, %rsi (saved) only;
 * the first access of a thread to a module calls C with the whole
 * extended state saved (xsave, its size from pkr_rt_xsave_size, set by
 * pkr_rt_init; fxsave where the CPU has no xsave).
 *
 * Async-signal-safe on the fast path (no calls); the slow path allocates,
 * as __tls_get_addr's does.  Runs with the domain's rights.
 */
	.text
	.globl	pkr_rt_tlsdesc
	.type	pkr_rt_tlsdesc, @function
	.p2align 4
pkr_rt_tlsdesc:
	.cfi_startproc
	pushq	%rcx
	.cfi_adjust_cfa_offset 8
	pushq	%rdx
	.cfi_adjust_cfa_offset 8
	pushq	%rsi
	.cfi_adjust_cfa_offset 8
	movq	8(%rax), %rsi			/* the tls_index */
	movq	pkr_rt_tls_table@gottpoff(%rip), %rax
	movq	%fs:(%rax), %rdx		/* this thread's table */
	testq	%rdx, %rdx
	jz	.Lslow
	movq	(%rdx), %rcx			/* its epoch */
	cmpq	pkr_rt_tls_epoch(%rip), %rcx
	jne	.Lslow
	movq	8(%rdx), %rcx			/* n */
	leaq	24(%rdx), %rdx			/* slot[0] */
.Lnext:
	testq	%rcx, %rcx
	jz	.Lslow
	movq	(%rdx), %rax
	cmpq	(%rsi), %rax			/* the module? */
	je	.Lfound
	addq	$16, %rdx
	decq	%rcx
	jmp	.Lnext
.Lfound:
	movq	8(%rdx), %rax			/* its block */
	addq	8(%rsi), %rax			/* + the offset */
	subq	%fs:0, %rax
.Lout:
	popq	%rsi
	.cfi_adjust_cfa_offset -8
	popq	%rdx
	.cfi_adjust_cfa_offset -8
	popq	%rcx
	.cfi_adjust_cfa_offset -8
	ret

	.cfi_adjust_cfa_offset 24
.Lslow:
	pushq	%rbp
	.cfi_adjust_cfa_offset 8
	.cfi_rel_offset %rbp, 0
	movq	%rsp, %rbp
	.cfi_def_cfa_register %rbp
	pushq	%rdi
	pushq	%r8
	pushq	%r9
	pushq	%r10
	pushq	%r11
	movq	%rsi, %rdi			/* the argument, from here on */
	movq	pkr_rt_xsave_size(%rip), %rcx
	testq	%rcx, %rcx
	jz	.Lfx
	subq	%rcx, %rsp
	andq	$-64, %rsp
	/* The header after the legacy area must be zero for xrstor:
	 * xsave writes only its first word. */
	xorl	%eax, %eax
	movq	%rax, 512(%rsp)
	movq	%rax, 520(%rsp)
	movq	%rax, 528(%rsp)
	movq	%rax, 536(%rsp)
	movq	%rax, 544(%rsp)
	movq	%rax, 552(%rsp)
	movq	%rax, 560(%rsp)
	movq	%rax, 568(%rsp)
	movl	$-1, %eax
	movl	$-1, %edx
	xsave	(%rsp)
	call	__tls_get_addr@PLT
	movq	%rax, %r11
	movl	$-1, %eax
	movl	$-1, %edx
	xrstor	(%rsp)
	jmp	.Ldone
.Lfx:
	subq	$512, %rsp
	andq	$-64, %rsp
	fxsave	(%rsp)
	call	__tls_get_addr@PLT
	movq	%rax, %r11
	fxrstor	(%rsp)
.Ldone:
	movq	%r11, %rax
	subq	%fs:0, %rax
	leaq	-40(%rbp), %rsp
	popq	%r11
	popq	%r10
	popq	%r9
	popq	%r8
	popq	%rdi
	popq	%rbp
	.cfi_def_cfa %rsp, 32
	.cfi_restore %rbp
	jmp	.Lout
	.cfi_endproc
	.size	pkr_rt_tlsdesc, .-pkr_rt_tlsdesc

	.section .note.GNU-stack, "", @progbits
