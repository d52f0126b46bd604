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
#include "gatemac.h"

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
	cfi_push %rbp
	cfi_push %rbx
	cfi_push %r12
	cfi_push %r13
	cfi_push %r14
	cfi_push %r15
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
	hooks_scan %r10, %r11, %r14, .Lhooks_in
.Lhooks_in_done:
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
	/* What the library stored into a shared variable (hooks.c), made a
	 * trampoline before the program can call it. */
	hooks_scan %rdi, %rsi, %rcx, .Lhooks_out
.Lhooks_out_done:
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
.Lhooks_in:
	call	pkr_gate_hooks
	jmp	.Lhooks_in_done
.Lhooks_out:
	push	%r10			/* %rsp was 16-byte aligned: as at .Lprepare */
	call	pkr_gate_hooks
	pop	%r10
	jmp	.Lhooks_out_done
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
	save_call pkr_gate_prepare, %r12
	ret
	.cfi_endproc
	.size	pkr_gate_slow, .-pkr_gate_slow

/* A watched word of a shared variable changed (hooks.c): refresh them,
 * every argument register (and %xmm0-1, a return value) preserved. */
	.type	pkr_gate_hooks, @function
	.p2align 4
pkr_gate_hooks:
	.cfi_startproc
	save_call pkr_hooks_refresh
	ret
	.cfi_endproc
	.size	pkr_gate_hooks, .-pkr_gate_hooks

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
	cfi_push %rbx
	cfi_push %r12
	cfi_push %r13
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
