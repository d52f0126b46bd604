/* jump.c - the program's longjmp family (longjmp, _longjmp, siglongjmp,
 * __longjmp_chk), interposed: a jump out of domain calls or out of signal
 * handlers leaves the thread's state as the returns it skips would have.
 *
 * Async-signal-safe (a handler's siglongjmp runs it): no malloc, no stdio,
 * no locks; pkr_log writes with write(2).  The real functions are
 * resolved at start-up (pkr_jump_init), or on first use before that.
 *
 * Two cases, each independent of the other:
 *  - Out of domain calls: program code that runs with the program's
 *    rights while a domain call is in progress on its thread - an
 *    annotated callback (gate.S, pkr_cb_entry), or a program signal
 *    handler that interrupted the call - jumps to a jmp_buf set up
 *    before the call.  The calls it leaves are abandoned as after a
 *    fault (their records unwound, the domain's heap lock released if
 *    they held it, the domain stacks back at their tops once no call is
 *    left); the first three are said.  The library is left where
 *    it stopped, as a rewind leaves it (on-fault reset does not apply:
 *    nothing faulted).
 *  - Out of signal handlers: the jump leaves the altstack where the
 *    handlers ran.  The kernel disarmed it for them (SS_AUTODISARM) and
 *    only their sigreturn would arm it again; without it the next signal
 *    would land on whatever stack the thread is on, a domain's included.
 *    The altstack is armed again (fault.c) from below the jump's target
 *    on the program's stack, off the altstack, so that a signal arriving
 *    meanwhile cannot overwrite the frame doing it.
 *
 * Program code that runs inside a domain (a callback the policy does
 * not annotate) jumps as before: that case is libpkrewind(7)'s "not yet".
 */
/* The fortified <setjmp.h> renames longjmp and friends to __longjmp_chk
 * (Debian builds with _FORTIFY_SOURCE=2): this file defines each. */
#undef _FORTIFY_SOURCE
#include "config.h"

#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>

#include "domains.h"
#include "fault.h"
#include "jump.h"
#include "log.h"
#include "pkey.h"
#include "real.h"
#include "reset.h"
#include "service.h"
#include "thread.h"

typedef void noreturn_jump(void *, int);

/* gate.S: call fn(arg) on stack sp (never returns). */
__attribute__((noreturn)) void pkr_call_on_stack(void (*fn)(long), long arg, uintptr_t sp);

enum { J_LONGJMP, J_ULONGJMP, J_SIGLONGJMP, J_CHK, J_N };
static const struct { const char *name, *version; } jump_syms[J_N] = {
	[J_LONGJMP]    = { "longjmp", "GLIBC_2.2.5" },
	[J_ULONGJMP]   = { "_longjmp", "GLIBC_2.2.5" },
	[J_SIGLONGJMP] = { "siglongjmp", "GLIBC_2.2.5" },
	[J_CHK]        = { "__longjmp_chk", "GLIBC_2.11" },
};
static noreturn_jump *real_jump[J_N];

void pkr_jump_init(void)
{
	for (int i = 0; i < J_N; i++)
		if (!real_jump[i])
			real_jump[i] = (noreturn_jump *)pkr_real_libc_symbol(jump_syms[i].name,
									   jump_syms[i].version);
}

struct jump {
	void *env;
	int val;
	noreturn_jump *fn;
	struct pkr_thread *t;
};

static __attribute__((noreturn)) void jump_off_altstack(long arg)
{
	struct jump j = *(const struct jump *)arg;   /* before the altstack is armed */

	pkr_fault_left_handlers(j.t);
	j.fn(j.env, j.val);
	__builtin_unreachable();
}

/* The domain calls below sp are abandoned. */
static void leave_calls(struct pkr_thread *t, uintptr_t sp)
{
	struct pkr_domain *left[PKR_MAX_DOM] = { 0 };

	static unsigned said;

	for (const struct pkr_frame *r = t->top; r && (uintptr_t)r < sp; r = r->prev) {
		struct pkr_domain *d = r->fn->dom;
		unsigned n = __atomic_add_fetch(&said, 1, __ATOMIC_RELAXED);

		if (n <= 3)
			pkr_log(PKR_LOG_WARN, "domain %s: the program jumped (longjmp) out of its "
				"call to %s: the call is abandoned, as after a fault%s", d->pol->name,
				r->fn->name, n == 3 ? " (further such jumps are not said)" : "");
		left[d->index] = d;
	}
	pkr_unwind_below(t, sp, NULL);
	if (t->top)
		return;
	for (size_t i = 0; i < PKR_MAX_DOM; i++)
		if (left[i])
			pkr_reset_unlock_heap(left[i], t->doms[i].stack_lo, t->doms[i].stack_hi);
}

static __attribute__((noreturn)) void jump(void *env, int val, int which)
{
	struct pkr_thread *t = pkr_tls_thread;
	uintptr_t here = (uintptr_t)__builtin_frame_address(0), sp;
	noreturn_jump *fn = real_jump[which];

	if (!fn) {
		pkr_jump_init();
		fn = real_jump[which];
		if (!fn)
			abort();
	}
	/* Only program code with the program's rights and thread pointer
	 * (its own state through %fs matches the GS anchor). */
	if (!t || (uintptr_t)pkr_rdgsbase() != (uintptr_t)t || t->self != t || t->cur)
		fn(env, val);
	sp = pkr_jmpbuf_word(env, 6, t->tp);
	if (t->top && sp > (uintptr_t)t->top)
		leave_calls(t, sp);
	if (pkr_fault_on_altstack(t, here) && !pkr_fault_on_altstack(t, sp) && sp > 4096) {
		struct jump j = { env, val, fn, t };

		pkr_call_on_stack(jump_off_altstack, (long)&j, (sp - 1024) & ~(uintptr_t)15);
	}
	fn(env, val);
	__builtin_unreachable();
}

/* glibc declares it only for fortified builds. */
void __longjmp_chk(struct __jmp_buf_tag env[1], int val) __attribute__((noreturn));

PKR_EXPORT void longjmp(struct __jmp_buf_tag env[1], int val)
{
	jump(env, val, J_LONGJMP);
}

PKR_EXPORT void _longjmp(struct __jmp_buf_tag env[1], int val)
{
	jump(env, val, J_ULONGJMP);
}

PKR_EXPORT void siglongjmp(struct __jmp_buf_tag env[1], int val)
{
	jump(env, val, J_SIGLONGJMP);
}

PKR_EXPORT void __longjmp_chk(struct __jmp_buf_tag env[1], int val)
{
	jump(env, val, J_CHK);
}
