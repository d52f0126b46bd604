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
 * The personality runs inside the domain, called by its unwinder: it
 * reads the thread state and the domain record (key 0, readable in read
 * and write modes; in none mode the unwinder cannot even read the shim's
 * tables, so the throw faults and is rewound).  Not async-signal-safe.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <unwind.h>

#include "domains.h"
#include "log.h"
#include "pkey.h"
#include "real.h"

/* gate.S */
void pkr_gate_landing(void);

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
	d->ns_setgr(ctx, 0, (uintptr_t)exc);      /* %rax */
	d->ns_setgr(ctx, 1, 0);                   /* %rdx */
	d->ns_setip(ctx, (uintptr_t)pkr_gate_landing);
	return _URC_INSTALL_CONTEXT;
}

void pkr_gate_rethrow(struct _Unwind_Exception *exc)
{
	static _Unwind_Reason_Code (*raise)(struct _Unwind_Exception *);

	if (!raise)
		raise = (_Unwind_Reason_Code (*)(struct _Unwind_Exception *))
			pkr_real.dlsym(RTLD_DEFAULT, "_Unwind_RaiseException");
	if (raise)
		raise(exc);       /* returns only when nothing catches it */
	pkr_log(PKR_LOG_ERROR, "an exception thrown by an isolated library reached no "
		"handler in the program: terminating");
	abort();
}

void pkr_gate_exc_nested(void)
{
	pkr_log(PKR_LOG_ERROR, "an exception left a library called from inside another "
		"domain's code (a callback): not supported, terminating");
	abort();
}
