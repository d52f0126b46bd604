/* marshal_gate.S - the entry of functions with annotated arguments
 * (marshal.h): save the argument registers, marshal in C, call the gate.
 *
 * Not async-signal-safe as a whole: pkr_marshal_call allocates in the
 * domain's heap (through the gate).  The code here takes no lock and
 * allocates nothing itself.
 */
#include "domains.h"
#include "marshal.h"

	.text
	.globl	pkr_mgate
	.hidden	pkr_mgate
	.type	pkr_mgate, @function
	.p2align 4
/* %r11 = descriptor, arguments live, (%rsp) = the return address and the
 * caller's stacked arguments above it. */
pkr_mgate:
	.cfi_startproc
	push	%rbp
	.cfi_adjust_cfa_offset 8
	.cfi_rel_offset %rbp, 0
	mov	%rsp, %rbp
	.cfi_def_cfa_register %rbp
	sub	$PKR_MR_SIZE, %rsp
	and	$-16, %rsp
	mov	%rdi, PKR_MR_ARGS+0(%rsp)
	mov	%rsi, PKR_MR_ARGS+8(%rsp)
	mov	%rdx, PKR_MR_ARGS+16(%rsp)
	mov	%rcx, PKR_MR_ARGS+24(%rsp)
	mov	%r8, PKR_MR_ARGS+32(%rsp)
	mov	%r9, PKR_MR_ARGS+40(%rsp)
	mov	%rax, PKR_MR_RAX(%rsp)
	mov	%r11, PKR_MR_FN(%rsp)
	lea	16(%rbp), %r10			/* the first stacked argument */
	mov	%r10, PKR_MR_STACK(%rsp)
	movdqu	%xmm0, PKR_MR_XMM+0(%rsp)
	movdqu	%xmm1, PKR_MR_XMM+16(%rsp)
	movdqu	%xmm2, PKR_MR_XMM+32(%rsp)
	movdqu	%xmm3, PKR_MR_XMM+48(%rsp)
	movdqu	%xmm4, PKR_MR_XMM+64(%rsp)
	movdqu	%xmm5, PKR_MR_XMM+80(%rsp)
	movdqu	%xmm6, PKR_MR_XMM+96(%rsp)
	movdqu	%xmm7, PKR_MR_XMM+112(%rsp)
	mov	%rsp, %rdi
	call	pkr_marshal_call
	mov	PKR_MR_RET_RAX(%rsp), %rax
	mov	PKR_MR_RET_RDX(%rsp), %rdx
	movdqu	PKR_MR_XMM+0(%rsp), %xmm0
	movdqu	PKR_MR_XMM+16(%rsp), %xmm1
	leave
	.cfi_def_cfa %rsp, 8
	ret
	.cfi_endproc
	.size	pkr_mgate, .-pkr_mgate

	.globl	pkr_marshal_invoke
	.hidden	pkr_marshal_invoke
	.type	pkr_marshal_invoke, @function
	.p2align 4
/* pkr_marshal_invoke(struct pkr_mregs *r): the stacked-argument window
 * (the domain's stack-args bytes) copied from r->stack to just above the
 * return address, r's registers loaded, the gate called as the stub
 * would; %rax, %rdx, %xmm0 and %xmm1 stored back into r.  The gate keeps
 * (or, after a rewind, restores) %rbx and %rbp. */
pkr_marshal_invoke:
	.cfi_startproc
	push	%rbp
	.cfi_adjust_cfa_offset 8
	.cfi_rel_offset %rbp, 0
	mov	%rsp, %rbp
	.cfi_def_cfa_register %rbp
	push	%rbx
	.cfi_rel_offset %rbx, -8
	mov	%rdi, %rbx
	mov	PKR_MR_FN(%rbx), %r11
	mov	PKR_FN_DOMAIN(%r11), %r10
	mov	PKR_DOM_ARGWORDS(%r10), %rcx
	lea	(,%rcx,8), %rax
	sub	%rax, %rsp
	and	$-16, %rsp
	mov	PKR_MR_STACK(%rbx), %rsi
1:	test	%rcx, %rcx
	jz	2f
	dec	%rcx
	mov	(%rsi,%rcx,8), %rax
	mov	%rax, (%rsp,%rcx,8)
	jmp	1b
	/* Stacked arguments the marshaller replaced (annotated arg7..10). */
2:	mov	PKR_MR_NSARG(%rbx), %rcx
3:	test	%rcx, %rcx
	jz	4f
	dec	%rcx
	mov	PKR_MR_SARG(%rbx,%rcx,8), %rax
	mov	%rax, (%rsp,%rcx,8)
	jmp	3b
4:	movdqu	PKR_MR_XMM+0(%rbx), %xmm0
	movdqu	PKR_MR_XMM+16(%rbx), %xmm1
	movdqu	PKR_MR_XMM+32(%rbx), %xmm2
	movdqu	PKR_MR_XMM+48(%rbx), %xmm3
	movdqu	PKR_MR_XMM+64(%rbx), %xmm4
	movdqu	PKR_MR_XMM+80(%rbx), %xmm5
	movdqu	PKR_MR_XMM+96(%rbx), %xmm6
	movdqu	PKR_MR_XMM+112(%rbx), %xmm7
	mov	PKR_MR_ARGS+0(%rbx), %rdi
	mov	PKR_MR_ARGS+8(%rbx), %rsi
	mov	PKR_MR_ARGS+16(%rbx), %rdx
	mov	PKR_MR_ARGS+24(%rbx), %rcx
	mov	PKR_MR_ARGS+32(%rbx), %r8
	mov	PKR_MR_ARGS+40(%rbx), %r9
	mov	PKR_MR_RAX(%rbx), %rax
	call	pkr_gate
	mov	%rax, PKR_MR_RET_RAX(%rbx)
	mov	%rdx, PKR_MR_RET_RDX(%rbx)
	movdqu	%xmm0, PKR_MR_XMM+0(%rbx)
	movdqu	%xmm1, PKR_MR_XMM+16(%rbx)
	mov	-8(%rbp), %rbx
	leave
	.cfi_def_cfa %rsp, 8
	ret
	.cfi_endproc
	.size	pkr_marshal_invoke, .-pkr_marshal_invoke

	.section .note.GNU-stack, "", @progbits
