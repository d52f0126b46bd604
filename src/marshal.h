/* marshal.h - annotated arguments across the boundary (issue 11).
 *
 * A function whose policy line has an argument list (`function f (out
 * [arg2], ...)`) gets a stub that leads to pkr_mgate instead of the gate.
 * pkr_mgate saves the argument registers in a struct pkr_mregs on the
 * caller's stack and calls pkr_marshal_call(), which, with the program's
 * rights:
 *   - checks `handle` arguments (the domain's own memory, or NULL), and
 *     refuses the call with its fault-return when one is not;
 *   - in read and none modes, gives the library copies in its own heap of
 *     what it may write (out, inout, and struct fields of those kinds),
 *     and in none mode of what it may read (in, string); a `struct`
 *     argument gets a mirror that keeps its address from call to call;
 *   - calls the gate (pkr_marshal_invoke, with the stacked arguments
 *     copied), then copies the results back - only if the call returned:
 *     after a rewind the program's buffers are as they were.
 *
 * Invariants:
 *  - The library never sees a program address it may not write in an
 *    argument or field annotated as written; it may still find program
 *    pointers elsewhere (unannotated fields), which its mode governs.
 *  - Copies are made and copied back with the program's rights, by the
 *    program's thread, before and after the call: no other thread's view
 *    of the program changes during the call.
 *  - Per-call copies live on the thread's stack of the domain, below
 *    where the call starts (td->sp lowered for the call), when the call
 *    comes from the program's side and they are small (256 KiB), else in
 *    the domain's heap (the runtime's malloc, through the gate); struct
 *    mirrors and `keep` buffers always in the heap.  After an on-fault
 *    reset, mirrors made before it are forgotten (the heap is gone).
 *  - Not async-signal-safe in general: the copies come from the domain's
 *    allocator (through the gate), which takes the runtime's heap lock.
 *    It allocates nothing from the program and takes no program lock.
 */
#ifndef PKR_MARSHAL_H
#define PKR_MARSHAL_H

/* struct pkr_mregs, shared with marshal_gate.S */
#define PKR_MR_ARGS      0     /* %rdi %rsi %rdx %rcx %r8 %r9 */
#define PKR_MR_RAX      48     /* %al: vector registers used (variadic) */
#define PKR_MR_RET_RAX  56
#define PKR_MR_RET_RDX  64
#define PKR_MR_FN       72
#define PKR_MR_STACK    80     /* the caller's stacked arguments */
#define PKR_MR_XMM      96     /* %xmm0-7 at entry; %xmm0-1 at return */
#define PKR_MR_SARG    224    /* the first 4 stacked words, as passed on */
#define PKR_MR_NSARG   256    /* how many of them replace the caller's */
#define PKR_MR_SIZE    272

#ifndef __ASSEMBLER__
#include <stdint.h>

#include "domains.h"

struct pkr_mregs {
	uint64_t a[6];
	uint64_t rax;
	uint64_t ret_rax, ret_rdx;
	struct pkr_fn *fn;
	uintptr_t stack;
	uint64_t pad_;
	unsigned char xmm[8][16];
	uint64_t sarg[4];
	uint64_t nsarg;
	uint64_t pad2_;
};

/* Does an annotation list need the marshalling entry in a domain of this
 * mode (write mode: only for `handle` checks)? */
bool pkr_marshal_needed(const struct pkr_func_policy *fp, enum pkr_trust trust);

/* Entry for marshalled functions (marshal_gate.S): %r11 = descriptor. */
void pkr_mgate(void);
/* Call r->fn through the gate with r's registers; results into r. */
void pkr_marshal_invoke(struct pkr_mregs *r);
/* The C side (marshal.c). */
void pkr_marshal_call(struct pkr_mregs *r);
#endif
#endif
