/* gate_exc.c - C++ exceptions that leave an isolated library.
 *
 * A library that throws and does not catch: the namespace's unwinder
 * (its libgcc_s, which finds the shim's unwind tables through ld.so's
 * _dl_find_object) walks the library's frames up to the gate.  The gate's
 * FDE names pkr_gate_personality, which catches every exception there:
 * the library's frames are unwound inside the domain (its destructors
 * and cleanups run with its rights), then pkr_gate_landing (gate.S) takes
 * the program's rights and thread pointer back, leaves the gate record,
 * and jumps to pkr_gate_rethrow as if the program had called it where it
 * called the library: the program's unwinder raises the same exception
 * object again, from there, and the program's catch gets it.  Types match
 * across the two libstdc++ copies by name.
 *
 * The other way (pkr_cb_personality, pkr_cb_landing, pkr_cb_rethrow): an
 * exception a program function throws when the library calls it back
 * stops at the callback gate's frame; the program's frames are unwound
 * with the program's rights, the gate's ordinary way back restores the
 * domain's, and the namespace's unwinder raises the same object from the
 * library's call.  In read and none modes that unwinder's writes to the
 * program's exception object fault: the library's call is rewound.
 *
 * The personality runs inside the domain, called by its unwinder: it
 * reads the thread state and the domain record (key 0, readable in read
 * and write modes; in none mode the unwinder cannot even read the shim's
 * tables, so the throw faults and is rewound).  Not async-signal-safe.
 *
 * On the program's side the exception's destructor, a namespace
 * function, is pointed at its vtable entry (loader_vtab.c) when it has
 * one: it runs through the gate.
 */
#include "config.h"

#include <dlfcn.h>
#include <stdint.h>
#include <stdlib.h>
#include <unwind.h>

#include "domains.h"
#include "log.h"
#include "pkey.h"
#include "real.h"

/* gate.S */
void pkr_gate_landing(void);
void pkr_gate_landing_fault(void);
void pkr_gate_exc_delete(struct _Unwind_Exception *exc);
long pkr_gate_exc_fault(void);

_Unwind_Reason_Code pkr_gate_personality(int version, _Unwind_Action actions,
					 _Unwind_Exception_Class cls,
					 struct _Unwind_Exception *exc,
					 struct _Unwind_Context *ctx);
__attribute__((noreturn)) void pkr_gate_rethrow(struct _Unwind_Exception *exc);
__attribute__((noreturn)) void pkr_gate_exc_nested(void);

_Unwind_Reason_Code pkr_gate_personality(int version, _Unwind_Action actions,
					 _Unwind_Exception_Class cls,
					 struct _Unwind_Exception *exc,
					 struct _Unwind_Context *ctx)
{
	const struct pkr_thread *t = (const struct pkr_thread *)pkr_rdgsbase();
	const struct pkr_domain *d;

	(void)cls;
	if (version != 1)
		return _URC_FATAL_PHASE1_ERROR;
	if (actions & _UA_FORCE_UNWIND)
		return _URC_CONTINUE_UNWIND;
	if (!t || t->self != t || !(d = t->cur) || !d->ns_setip || !d->ns_setgr)
		return _URC_CONTINUE_UNWIND;
	if (actions & _UA_SEARCH_PHASE)
		return _URC_HANDLER_FOUND;
	if (!(actions & _UA_HANDLER_FRAME))
		return _URC_CONTINUE_UNWIND;
	/* Only the two EH data registers can be set: %rax, %rdx. */
	d->ns_setgr(ctx, 0, (uintptr_t)exc);      /* %rax */
	d->ns_setgr(ctx, 1, 0);                   /* %rdx */
	d->ns_setip(ctx, d->pol->exceptions == PKR_EXC_FAULT ? (uintptr_t)pkr_gate_landing_fault
							     : (uintptr_t)pkr_gate_landing);
	return _URC_INSTALL_CONTEXT;
}

/* `exceptions fault`, still with the domain's rights: the namespace's
 * unwinder deletes its exception (its cleanup runs in the domain). */
void pkr_gate_exc_delete(struct _Unwind_Exception *exc)
{
	const struct pkr_thread *t = (const struct pkr_thread *)pkr_rdgsbase();

	if (t && t->cur && t->cur->ns_delete)
		t->cur->ns_delete(exc);
}

/* Then, with the program's rights: counted, said, the fault-return value
 * (and errno, into the namespace's, which the gate's way back copies). */
long pkr_gate_exc_fault(void)
{
	struct pkr_thread *t = (struct pkr_thread *)pkr_rdgsbase();
	struct pkr_fn *f = t->top->fn;
	struct pkr_domain *d = f->dom;

	t->rewinds++;
	__atomic_fetch_add(&f->faults, 1, __ATOMIC_RELAXED);
	__atomic_fetch_add(&d->faults, 1, __ATOMIC_RELAXED);
	pkr_log(PKR_LOG_ERROR, "domain %s: %s threw a C++ exception it did not catch: "
		"rewound (exceptions fault), returns %ld", d->pol->name, f->name,
		f->fault_void ? 0L : (long)f->fault_value);
	if (f->fault_errno >= 0)
		*(int *)(pkr_rdfsbase() + (uintptr_t)d->errno_off) = f->fault_errno;
	return f->fault_void ? 0 : (long)f->fault_value;
}

/* The destructor of a C++ exception object the library threw: the
 * program's libstdc++ calls it when its catch ends.  Where it is a
 * virtual function of the namespace (a class with a virtual destructor:
 * every std::exception), the header is pointed at its vtable entry, so
 * it runs through the gate with the domain's rights.  The header
 * (libstdc++'s __cxa_refcounted_exception, Itanium ABI) ends with the
 * _Unwind_Exception; the destructor is 72 bytes before it. */
#define PKR_GXX_PRIMARY 0x474e5543432b2b00ULL   /* "GNUCC++\0" */
#define PKR_GXX_DTOR_OFF 72

static void dtor_through_gate(struct _Unwind_Exception *exc)
{
	uintptr_t *dtor = (uintptr_t *)((char *)exc - PKR_GXX_DTOR_OFF);
	void *e = NULL;

	if (exc->exception_class != PKR_GXX_PRIMARY || !*dtor)
		return;
	for (size_t i = 0; i < PKR_MAX_DOM && !e; i++)
		e = pkr_domain_vt_entry(__atomic_load_n(&pkr_domains[i], __ATOMIC_ACQUIRE), *dtor);
	if (e)
		*dtor = (uintptr_t)e;
}

void pkr_gate_rethrow(struct _Unwind_Exception *exc)
{
	static _Unwind_Reason_Code (*raise)(struct _Unwind_Exception *);

	dtor_through_gate(exc);
	if (!raise)
		raise = (_Unwind_Reason_Code (*)(struct _Unwind_Exception *))
			pkr_real.dlsym(RTLD_DEFAULT, "_Unwind_RaiseException");
	if (raise)
		raise(exc);       /* returns only when nothing catches it */
	pkr_log(PKR_LOG_ERROR, "an exception thrown by an isolated library reached no "
		"handler in the program: terminating");
	abort();
}

/* ---- exceptions that a callback's function throws ---------------------- */

void pkr_cb_landing(void);
_Unwind_Reason_Code pkr_cb_personality(int version, _Unwind_Action actions,
				       _Unwind_Exception_Class cls,
				       struct _Unwind_Exception *exc,
				       struct _Unwind_Context *ctx);
__attribute__((noreturn)) void pkr_cb_rethrow(struct _Unwind_Exception *exc,
					      _Unwind_Reason_Code (*raise)(struct _Unwind_Exception *));

/* The program's unwinder's accessors (its context is its own). */
static uintptr_t (*prog_getgr)(struct _Unwind_Context *, int);
static void (*prog_setgr)(struct _Unwind_Context *, int, uintptr_t);
static void (*prog_setip)(struct _Unwind_Context *, uintptr_t);

/* pkr_cb_entry's FDE names this; the program's unwinder calls it, with
 * the program's rights, when an exception its function threw reaches
 * the callback gate.  It catches every exception there, if the domain
 * (the gate's %r13 in that frame) has an unwinder to raise it again
 * inside; the program's frames are unwound with the program's rights.
 * Otherwise, and for a forced unwind (the program's thread exiting or
 * cancelled inside the callback), it stops the unwinder: the library's
 * frames must never be unwound with the program's rights. */
_Unwind_Reason_Code pkr_cb_personality(int version, _Unwind_Action actions,
				       _Unwind_Exception_Class cls,
				       struct _Unwind_Exception *exc,
				       struct _Unwind_Context *ctx)
{
	const struct pkr_domain *d = NULL;

	/* Never on into the library's frames with the program's rights:
	 * what cannot be raised again inside stops here (the program's
	 * terminate, or its unwinder's abort). */
	const _Unwind_Reason_Code stop = (actions & _UA_SEARCH_PHASE) ? _URC_FATAL_PHASE1_ERROR
								      : _URC_FATAL_PHASE2_ERROR;

	(void)cls;
	if (version != 1 || (actions & _UA_FORCE_UNWIND))
		return stop;
	if (!prog_setip) {
		prog_getgr = (uintptr_t (*)(struct _Unwind_Context *, int))
			pkr_real.dlsym(RTLD_DEFAULT, "_Unwind_GetGR");
		prog_setgr = (void (*)(struct _Unwind_Context *, int, uintptr_t))
			pkr_real.dlsym(RTLD_DEFAULT, "_Unwind_SetGR");
		__atomic_store_n(&prog_setip, (void (*)(struct _Unwind_Context *, uintptr_t))
				 pkr_real.dlsym(RTLD_DEFAULT, "_Unwind_SetIP"), __ATOMIC_RELEASE);
	}
	if (!prog_getgr || !prog_setgr || !prog_setip)
		return stop;
	d = (const struct pkr_domain *)prog_getgr(ctx, 13);
	for (size_t i = 0; i < PKR_MAX_DOM; i++)
		if (d && __atomic_load_n(&pkr_domains[i], __ATOMIC_ACQUIRE) == d)
			goto known;
	return stop;
known:
	if (!d->ns_raise)
		return stop;
	if (actions & _UA_SEARCH_PHASE)
		return _URC_HANDLER_FOUND;
	if (!(actions & _UA_HANDLER_FRAME))
		return stop;
	prog_setgr(ctx, 0, (uintptr_t)exc);              /* %rax */
	prog_setgr(ctx, 1, (uintptr_t)d->ns_raise);      /* %rdx */
	prog_setip(ctx, (uintptr_t)pkr_cb_landing);
	return _URC_INSTALL_CONTEXT;
}

/* Entered by a jump from pkr_cb_landing, with the domain's rights and
 * the library's return address on top: the namespace's unwinder raises
 * the exception from the library's call.  It returns only if nothing
 * there or in the program catches it: a trap, which the fault handler
 * rewinds as the domain's call's fault.  Touches no key-0 memory. */
void pkr_cb_rethrow(struct _Unwind_Exception *exc,
		    _Unwind_Reason_Code (*raise)(struct _Unwind_Exception *))
{
	raise(exc);
	__builtin_trap();
}

void pkr_gate_exc_nested(void)
{
	pkr_log(PKR_LOG_ERROR, "an exception left a library called from inside another "
		"domain's code (a callback): not supported, terminating");
	abort();
}
