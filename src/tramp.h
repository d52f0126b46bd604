/* tramp.h - per-function trampoline stubs and the generic gate.
 *
 * Invariants:
 *  - pkr_tramp_build() allocates and is called only under pkr_shim_lock
 *    (start-up, dlopen wrapper).  Stub pages are written while
 *    read+write, then made read+execute: never writable and executable.
 *  - The gate (gate.S) and pkr_gate_unwind are async-signal-safe.
 */
#ifndef PKR_TRAMP_H
#define PKR_TRAMP_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>

#include "domains.h"

#define PKR_STUB_SIZE 32

/* Give each of fns[0..n) a stub (fn->stub).  Returns 0 or -1 (errno). */
int pkr_tramp_build(struct pkr_fn *fns, size_t n);

/* Virtual functions (loader_vtab.c): for each fns[i], an entry that
 * jumps straight to fns[i]->target when the caller runs with PKRU `pkru`
 * (the domain's own virtual calls), and into fns[i]->stub, the gate,
 * for every other caller.  out[i] = the entry.  Needs protection keys
 * (rdpkru).  Returns 0 or -1 (errno). */
int pkr_tramp_vstubs(struct pkr_fn *const *fns, size_t n, uint32_t pkru, void **out);

/* Callbacks (reverse gates).  A program function the library is handed
 * (an argument or field annotated `callback`) is replaced by a stub that
 * enters pkr_cb_entry (cbgate.S) with its slot number: the program's
 * rights, the program's stack below the current call's record, the real
 * thread pointer, the domain marked inactive (a fault in the function is
 * the program's own), then back into the domain.  Slots are key-0
 * memory: {target, domain}; the entry accepts a slot only for the domain
 * running on the thread.  The stub for (d, target), made once (a mutex;
 * not from a signal handler); NULL when all PKR_MAX_CB slots are taken or
 * the stubs cannot be mapped.  d PKR_CB_ANY: a slot any domain may call
 * through (the virtual functions of program classes, loader_vtab.c); an
 * unused slot's owner is NULL, which no domain is. */
struct pkr_cb {
	void *target;
	struct pkr_domain *dom;
};
#define PKR_CB_ANY ((struct pkr_domain *)PKR_CB_ANY_DOM)
extern struct pkr_cb pkr_cbs[PKR_MAX_CB];
void *pkr_tramp_callback(struct pkr_domain *d, void *target);
/* The target of a callback stub, or NULL if p is none. */
void *pkr_tramp_callback_target(const void *p);
/* Is p (readable code) a stub: a function's way into the gate, or a
 * callback's? */
bool pkr_tramp_is_stub(const void *p);

/* Without protection keys (pkr_nokeys): overwrite every wrpkru of the
 * gate and the handler entries (listed in the section pkr_wrpkru_sites
 * by gate.S) with a three-byte no-op.  Start-up only, before any domain
 * exists; the text pages are writable only while they are patched.
 * Returns 0 or -1 (errno). */
int pkr_tramp_nokeys(void);

/* The gate's labels (gate.S).  The C functions the gate calls are
 * declared by their modules: pkr_gate_prepare (thread.h), and
 * pkr_gate_violation, pkr_fault_handler, pkr_signal_handler (fault.h). */
void pkr_gate(void);
void pkr_mgate(void);             /* annotated arguments first (marshal.h) */
void pkr_gate_unwind(void);
void pkr_gate_bad_fn(void);       /* traps: a descriptor not the shim's */
void pkr_gate_bad_thread(void);   /* traps: thread state != GS anchor */
void pkr_cb_entry(void);          /* callbacks: %r11d = slot */
void pkr_cb_bad(void);            /* traps: a slot not the running domain's */
/* Signal handler entries: take the program's PKRU, then the C handler. */
void pkr_fault_entry(int, siginfo_t *, void *);
void pkr_signal_entry(int, siginfo_t *, void *);

#endif
