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

#include <signal.h>

#include "domains.h"

/* SS_AUTODISARM (Linux 4.7; not in every libc header): the altstack is
 * off while a handler runs on it, until that handler's sigreturn. */
#define PKR_SS_AUTODISARM ((int)(1u << 31))

/* This thread's state (NULL before its first call into a domain).  An
 * initial-exec TLS variable: it reads the same through the thread's own
 * block and through a shadow copy; gate.S reads it too. */
extern __thread struct pkr_thread *pkr_tls_thread
	__attribute__((tls_model("initial-exec")));

/* Start-up: sizes of the static TLS block, the thread state key. */
int pkr_thread_init(void);

/* This thread's state, created if needed (NULL on allocation failure). */
struct pkr_thread *pkr_thread_get(void);

/* Set up `d` for this thread (stack, shadow block, locale). */
int pkr_thread_enter_setup(struct pkr_thread *t, struct pkr_domain *d);

/* Signal handlers of the shim running on this thread (program memory,
 * initial-exec TLS; fault.c's handlers count themselves in and out). */
extern __thread unsigned pkr_handler_depth __attribute__((tls_model("initial-exec")));

/* The synchronous fault signals: the shim's handler owns them once a
 * domain exists (fault.c), and nothing may block them. */
#define PKR_FAULT_SIGNALS SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGTRAP, SIGABRT

/* *s = every signal but the fault signals (what the shim blocks while it
 * must not be interrupted by a handler). */
static inline void pkr_sigset_async(sigset_t *s)
{
	static const int faults[] = { PKR_FAULT_SIGNALS };

	sigfillset(s);
	for (size_t i = 0; i < sizeof faults / sizeof faults[0]; i++)
		sigdelset(s, faults[i]);
}

/* Remove this thread's rseq registration (idempotent). */
void pkr_thread_rseq_off(void);

/* The gate's slow path (gate.S calls it on a thread's first call into
 * fn's domain, with the caller's PKRU): set up the thread's state and
 * its slot for the domain; aborts when that fails. */
void pkr_gate_prepare(struct pkr_fn *fn);

#endif
