/* cbgate.S - the callback gate: a library calls a program function it
 * was handed (tramp.h) through a stub that jumps here.
 *
 * Async-signal-safe: no calls into libc, no locks, no allocation (an
 * exception the program's function throws takes pkr_cb_landing and the
 * unwinders, which are not, but no handler throws through a gate).
 * Split from gate.S, whose conventions (register use, what decides
 * rights, the wrpkru sites) hold here too.
 */
#include "domains.h"
#include "pkey.h"
#include "gatemac.h"

	.text

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
 * slot checked against the table's bounds and owner, the running domain
 * or PKR_CB_ANY (a program vtable's slot, any domain's; else the trap
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
	je	.Lcb_owner
	/* A slot of any domain (PKR_CB_ANY, not NULL: an unused slot's
	 * owner is NULL): a virtual function of a program class that
	 * implements a library's interface (loader_vtab.c), which any
	 * domain may be handed an object of. */
	cmpq	$PKR_CB_ANY_DOM, PKR_CB_DOM(%r11)
	jne	pkr_cb_bad
.Lcb_owner:
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
	cfi_push %rbx
	cfi_push %r12
	cfi_push %r13
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

	.section .note.GNU-stack, "", @progbits
