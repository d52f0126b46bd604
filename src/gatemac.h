/* gatemac.h - the assembler macros gate.S and cbgate.S share: the
 * wrpkru/rdpkru sites (patched out without keys), the PKRU and %fs
 * switches, a C call with the argument registers saved, and the scan of
 * the watched words of shared variables (hooks.c).
 *
 * For assembly only, after domains.h and pkey.h.  Everything these macros expand to is
 * async-signal-safe (save_call is as safe as the function it calls).
 */
#ifndef PKR_GATEMAC_H
#define PKR_GATEMAC_H
#ifdef __ASSEMBLER__

/* Include domains.h and pkey.h first: their constants are used here. */

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

/* push \reg, saved where the caller's value of it is (CFI). */
.macro cfi_push reg
	push	\reg
	.cfi_adjust_cfa_offset 8
	.cfi_rel_offset \reg, 0
.endm

/* Call C function \fn (with \arg, if given, as its argument) with every
 * argument register preserved (%rdi %rsi %rdx %rcx %r8 %r9 %rax
 * %xmm0-7), inside a function whose CFA is %rsp + 8 at the macro. */
.macro save_call fn, arg
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
	.ifnb \arg
	mov	\arg, %rdi
	.endif
	call	\fn
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
.endm

/* Has a watched word of a shared variable changed (hooks.c)?  Then jump
 * to \changed.  Uses \p, \n, \t; two loads and a compare per word. */
.macro hooks_scan p, n, t, changed
	lea	pkr_hooks(%rip), \p
	mov	pkr_nhooks(%rip), \n
1:	test	\n, \n
	jz	2f
	mov	(\p), \t
	mov	(\t), \t
	cmp	8(\p), \t
	jne	\changed
	add	$24, \p
	dec	\n
	jmp	1b
2:
.endm

#endif /* __ASSEMBLER__ */
#endif
