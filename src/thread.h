/* thread.h - per-thread state: domain stacks, shadow thread blocks, rseq,
 * alternate signal stacks.
 *
 * Invariants:
 *  - pkr_thread_get() and pkr_gate_prepare() allocate; they run on the
 *    calling thread only, never in a signal handler.
 *  - A thread's state is created on its first call into any domain and
 *    freed by a TLS destructor when it exits.  Before its first entry into
 *    a domain, the thread's rseq registration is removed (the kernel would
 *    otherwise write the rseq area with the domain's PKRU and kill it).
 *  - A shadow thread block copies the static TLS block and struct pthread
 *    at the moment of the thread's first entry into the domain; self
 *    pointers into the block are rebased, the stack-protector and pointer
 *    guards are kept identical.
 */
#ifndef PKR_THREAD_H
#define PKR_THREAD_H

#include "shim.h"

/* Start-up: sizes of the static TLS block, the thread state key. */
int pkr_thread_init(void);

/* This thread's state, created if needed (NULL on allocation failure). */
struct pkr_thread *pkr_thread_get(void);

/* Set up `d` for this thread (stack, shadow block, locale). */
int pkr_thread_enter_setup(struct pkr_thread *t, struct pkr_domain *d);

/* Remove this thread's rseq registration (idempotent). */
void pkr_thread_rseq_off(void);

#endif
