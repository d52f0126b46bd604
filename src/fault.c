/* fault.c - signals: rewind a faulting call into a domain, keep the
 * program's own handlers working.
 *
 * Async-signal-safe: everything reached from pkr_fault_handler() and
 * pkr_signal_handler() uses no malloc, no stdio and no locks; messages
 * go through pkr_log (one write(2)); the rewind edits the interrupted
 * context and returns (no siglongjmp, no signal-mask system call).
 *
 * Invariants:
 *  - The synchronous fault signals (SEGV, BUS, ILL, FPE, TRAP, ABRT) are
 *    always handled by pkr_fault_handler once a domain exists; the
 *    program's own handler for them is kept in prog_act[] and called for
 *    faults that do not happen inside a domain.  With no handler of its
 *    own, the program's fault gets the default action, as without the shim.
 *  - Every other handler the program installs runs through
 *    pkr_signal_handler, which gives it the program's PKRU and thread
 *    pointer, on the thread's key-0 alternate stack when it has one.
 *  - Handlers start with the kernel's initial PKRU (key 0 only); the
 *    first thing both handlers do is take the program's PKRU.
 */
#include "config.h"

#include <assert.h>
#include <cpuid.h>
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <ucontext.h>
#include <unistd.h>

#include "domains.h"
#include "envsync.h"
#include "fault.h"
#include "log.h"
#include "pkey.h"
#include "real.h"
#include "reset.h"
#include "runtime/rt.h"
#include "thread.h"
#include "learn.h"
#include "tramp.h"

#ifndef SEGV_PKUERR
#define SEGV_PKUERR 4
#endif
#define XFEATURE_PKRU 9
/* The signal frame's FXSAVE/XSAVE area (struct _libc_fpstate, 512 bytes,
 * then the XSAVE header): the kernel's struct _fpx_sw_bytes sits in the
 * last 48 bytes of the FXSAVE area. */
#define FX_SW_MAGIC1      464    /* sw_reserved.magic1 */
#define FX_SW_XSTATE_SIZE 480    /* sw_reserved.xstate_size */
#define XSAVE_HDR_BV      512    /* xsave header: xstate_bv */
static_assert(sizeof(struct _libc_fpstate) == XSAVE_HDR_BV, "FXSAVE area size");
static_assert(FX_SW_MAGIC1 == XSAVE_HDR_BV - 48, "sw_reserved bytes");

static const int fault_sigs[] = { PKR_FAULT_SIGNALS };

static struct sigaction prog_act[_NSIG];      /* the program's handlers */
static bool prog_act_set[_NSIG];
static bool installed;                         /* fault handlers in place */
static unsigned pkru_xsave_off;                /* PKRU in the XSAVE area */

static bool is_fault_sig(int sig)
{
	for (size_t i = 0; i < sizeof fault_sigs / sizeof fault_sigs[0]; i++)
		if (fault_sigs[i] == sig)
			return true;
	return false;
}

/* libc's sigaction (resolved before any handler is installed: the
 * wrapper below may run before the shim's constructor). */
static int sys_sigaction(int sig, const struct sigaction *a, struct sigaction *o)
{
	return pkr_real_init()->sigaction(sig, a, o);
}

/* ---- names for diagnostics ------------------------------------------ */

static const char *sig_name(int sig)
{
	switch (sig) {
	case SIGSEGV: return "SIGSEGV";
	case SIGBUS:  return "SIGBUS";
	case SIGILL:  return "SIGILL";
	case SIGFPE:  return "SIGFPE";
	case SIGTRAP: return "SIGTRAP";
	case SIGABRT: return "SIGABRT";
	default:      return "signal";
	}
}

static const char *code_name(int sig, int code)
{
	if (code == SI_USER)  return "SI_USER";
	if (code == SI_TKILL) return "SI_TKILL";
	if (code == SI_KERNEL) return "SI_KERNEL";
	switch (sig) {
	case SIGSEGV:
		switch (code) {
		case SEGV_MAPERR: return "SEGV_MAPERR";
		case SEGV_ACCERR: return "SEGV_ACCERR";
		case SEGV_PKUERR: return "SEGV_PKUERR";
		}
		break;
	case SIGBUS:
		switch (code) {
		case BUS_ADRALN: return "BUS_ADRALN";
		case BUS_ADRERR: return "BUS_ADRERR";
		case BUS_OBJERR: return "BUS_OBJERR";
		}
		break;
	case SIGILL:
		switch (code) {
		case ILL_ILLOPC: return "ILL_ILLOPC";
		case ILL_ILLOPN: return "ILL_ILLOPN";
		case ILL_ILLADR: return "ILL_ILLADR";
		case ILL_PRVOPC: return "ILL_PRVOPC";
		}
		break;
	case SIGFPE:
		switch (code) {
		case FPE_INTDIV: return "FPE_INTDIV";
		case FPE_INTOVF: return "FPE_INTOVF";
		case FPE_FLTDIV: return "FPE_FLTDIV";
		}
		break;
	case SIGTRAP:
		switch (code) {
		case TRAP_BRKPT: return "TRAP_BRKPT";
		case TRAP_TRACE: return "TRAP_TRACE";
		}
		break;
	}
	return "code";
}

/* What the faulting address is, from the domain's point of view. */
static const char *what_memory(const struct pkr_domain *d, const struct pkr_thread *t,
			       const siginfo_t *si)
{
	uintptr_t a = (uintptr_t)si->si_addr;
	const struct pkr_tdom *td = &t->doms[d->index];

	if (si->si_signo != SIGSEGV && si->si_signo != SIGBUS)
		return NULL;
	if (td->stack_map && a >= (uintptr_t)td->stack_map && a < td->stack_lo)
		return "the domain's stack guard page (stack exhausted)";
	if (si->si_signo == SIGBUS) {      /* BUS_* codes share SEGV_*'s numbers */
		switch (si->si_code) {
		case BUS_ADRALN: return "a misaligned address";
		case BUS_ADRERR: return "a file mapping past the end of its file";
		case BUS_OBJERR: return "memory with a hardware error";
		}
		return "memory";
	}
	if (si->si_code == SEGV_MAPERR)
		return "unmapped memory";
	if (si->si_code == SEGV_PKUERR) {
		if (si->si_pkey == 0)
			return "program memory";
		if ((int)si->si_pkey != d->pkey)
			return "another domain's memory";
	}
	return "domain memory";
}

static const char *access_kind(const ucontext_t *uc, int sig)
{
	if (sig != SIGSEGV)
		return "at";
	return (uc->uc_mcontext.gregs[REG_ERR] & 2) ? "writing" : "reading";
}

/* ---- XSAVE area --------------------------------------------------------- */

static bool set_frame_pkru(ucontext_t *uc, uint32_t pkru)
{
	unsigned char *fp = (unsigned char *)uc->uc_mcontext.fpregs;
	uint32_t magic, xsize;
	uint64_t bv;

	if (pkr_nokeys)
		return true;        /* no PKRU to give back */
	if (!fp || !pkru_xsave_off)
		return false;
	memcpy(&magic, fp + FX_SW_MAGIC1, 4);
	memcpy(&xsize, fp + FX_SW_XSTATE_SIZE, 4);
	if (magic != FP_XSTATE_MAGIC1 || xsize < pkru_xsave_off + 4)
		return false;
	memcpy(fp + pkru_xsave_off, &pkru, 4);
	memcpy(&bv, fp + XSAVE_HDR_BV, 8);
	bv |= 1ull << XFEATURE_PKRU;
	memcpy(fp + XSAVE_HDR_BV, &bv, 8);
	return true;
}

/* ---- the signal stack ---------------------------------------------------- */

/* The outermost handler of a thread whose altstack was set up inside a
 * handler: its sigreturn would restore the state from before the signal
 * (none), so the frame gets the thread's altstack, armed.  `t` is the
 * state the handler found at its entry; a thread that had none then (its
 * first call into a domain was made by this handler) has one now, in its
 * own TLS: %fs is the thread's real pointer here, as it had no domain to
 * be in.  Without this the thread went on with no altstack at all, and
 * its next signal inside a library call got its frame, and the program
 * handler's frames, on the domain's stack, where a call the handler made
 * into the domain overwrote them. */
static void handler_leave(struct pkr_thread *t, ucontext_t *uc)
{
	if (!t && pkr_handler_depth == 1)
		t = pkr_tls_thread;
	if (pkr_handler_depth == 1 && t && t->altstack_rearm && t->altstack) {
		uc->uc_stack.ss_sp = t->altstack;
		uc->uc_stack.ss_size = t->altstack_size;
		uc->uc_stack.ss_flags = PKR_SS_AUTODISARM;
		t->altstack_rearm = 0;
	}
	pkr_handler_depth--;
}

/* Before Linux 6.12 the altstacks carry the signal-stack key (pkey.h),
 * which every domain may write.  While a handler runs on one, it is
 * retagged with key 0, so that library code running in other threads
 * cannot write the live frames; the last handler out gives it the key
 * back.  Nested signals count in t->sigdepth (this thread only). */
static void sigstack_hold(struct pkr_thread *t)
{
	if (pkr_sigkey && t && t->altstack && t->sigdepth++ == 0)
		pkr_raw_pkey_mprotect(t->altstack, t->altstack_size,
				      PROT_READ | PROT_WRITE, 0);
}

static void sigstack_release(struct pkr_thread *t)
{
	if (pkr_sigkey && t && t->altstack && t->sigdepth && --t->sigdepth == 0)
		pkr_raw_pkey_mprotect(t->altstack, t->altstack_size,
				      PROT_READ | PROT_WRITE, pkr_sigkey);
}

/* Is addr on the altstack the shim armed for t (where handlers run)? */
bool pkr_fault_on_altstack(const struct pkr_thread *t, uintptr_t addr)
{
	return t && t->ss_sp && addr >= (uintptr_t)t->ss_sp &&
	       addr < (uintptr_t)t->ss_sp + t->ss_size;
}

/* The program jumps (longjmp, siglongjmp) out of every handler running on
 * the altstack: what their returns would have undone.  The kernel
 * disarmed the altstack at their delivery (SS_AUTODISARM) and only a
 * sigreturn arms it again: without it the next signal lands on whatever
 * stack the thread is on, a domain's included.  Called off the altstack
 * (jump.c). */
void pkr_fault_left_handlers(struct pkr_thread *t)
{
	stack_t ss;

	pkr_handler_depth = 0;
	if (pkr_sigkey && t->altstack && t->sigdepth) {
		t->sigdepth = 1;
		sigstack_release(t);
	}
	t->altstack_rearm = 0;
	if (t->ss_sp) {
		ss.ss_sp = t->ss_sp;
		ss.ss_size = t->ss_size;
		ss.ss_flags = PKR_SS_AUTODISARM;
		sigaltstack(&ss, NULL);
	}
}

/* ---- the program's own handlers ----------------------------------------- */

/* *m gains what a handler installed as `a` runs with blocked: its
 * sa_mask, and sig itself unless SA_NODEFER (as the kernel does it). */
static void add_handler_mask(sigset_t *m, const struct sigaction *a, int sig)
{
	sigorset(m, m, &a->sa_mask);
	if (!(a->sa_flags & SA_NODEFER))
		sigaddset(m, sig);
}

static void call_program_handler(int sig, siginfo_t *si, void *uc)
{
	struct sigaction *a = &prog_act[sig];
	sigset_t old;

	struct sigaction h = *a;

	/* SA_RESETHAND: the disposition is the default from this delivery
	 * on, as the kernel does it (before the handler runs).  The shim's
	 * entry stays only for the fault signals, whose default it applies
	 * itself (not_ours). */
	if (h.sa_flags & SA_RESETHAND) {
		memset(a, 0, sizeof *a);
		a->sa_handler = SIG_DFL;
		if (!is_fault_sig(sig)) {
			prog_act_set[sig] = false;
			sys_sigaction(sig, a, NULL);
		}
	}
	/* The mask the program's handler would have had without the shim:
	 * the interrupted mask, its sa_mask, and the signal itself unless
	 * SA_NODEFER (the kernel applied the shim's). */
	sigset_t want = ((ucontext_t *)uc)->uc_sigmask;
	add_handler_mask(&want, &h, sig);
	syscall(SYS_rt_sigprocmask, SIG_SETMASK, &want, &old, _NSIG / 8);
	if (h.sa_flags & SA_SIGINFO)
		h.sa_sigaction(sig, si, uc);
	else
		h.sa_handler(sig);
	syscall(SYS_rt_sigprocmask, SIG_SETMASK, &old, NULL, _NSIG / 8);
}

/* The program has a handler of its own for sig (not SIG_DFL/SIG_IGN). */
static bool program_handles(int sig)
{
	const struct sigaction *a = &prog_act[sig];

	if (!prog_act_set[sig])
		return false;
	return (a->sa_flags & SA_SIGINFO) ? a->sa_sigaction != NULL
		: (a->sa_handler != SIG_DFL && a->sa_handler != SIG_IGN);
}

/* A fault that is not a domain's: as if the shim were not there. */
static void not_ours(int sig, siginfo_t *si, void *uc)
{
	struct sigaction dfl;
	uintptr_t pc = (uintptr_t)((ucontext_t *)uc)->uc_mcontext.gregs[REG_RIP];

	if (pc == (uintptr_t)&pkr_gate_bad_fn || pc == (uintptr_t)&pkr_gate_bad_thread ||
	    pc == (uintptr_t)&pkr_cb_bad)
		pkr_log(PKR_LOG_ERROR, "gate: %s in the program: stopping",
			pc == (uintptr_t)&pkr_gate_bad_fn
			? "called with a descriptor that is not one of the shim's"
			: pc == (uintptr_t)&pkr_cb_bad
			? "a callback stub entered outside a domain call"
			: "the thread state does not match the shim's anchor");
	else if (program_handles(sig)) {
		call_program_handler(sig, si, uc);
		return;
	}
	/* Ignored: a signal someone sent stays ignored; a fault the
	 * hardware raised cannot be (the kernel kills the process), and
	 * neither can abort()'s SIGABRT (abort() makes it fatal). */
	if (prog_act_set[sig] && !(prog_act[sig].sa_flags & SA_SIGINFO) &&
	    prog_act[sig].sa_handler == SIG_IGN && si->si_code <= 0)
		return;
	/* Default action: take our handler away and let the fault happen
	 * again (hardware faults re-execute; sent signals are re-sent). */
	memset(&dfl, 0, sizeof dfl);
	dfl.sa_handler = SIG_DFL;
	sys_sigaction(sig, &dfl, NULL);
	if (si->si_code <= 0 || sig == SIGABRT || sig == SIGTRAP) {
		sigset_t s;
		sigemptyset(&s);
		sigaddset(&s, sig);
		syscall(SYS_rt_sigprocmask, SIG_UNBLOCK, &s, NULL, _NSIG / 8);
		syscall(SYS_tgkill, getpid(), syscall(SYS_gettid), sig);
	}
}

/* ---- rewind ------------------------------------------------------------ */

static uint64_t domain_calls(const struct pkr_domain *d)
{
	uint64_t n = 0;
	for (size_t i = 0; i < d->nfns; i++)
		n += d->fns[i].calls;
	return n;
}

static __attribute__((noreturn)) void die_abort(void)
{
	struct sigaction dfl;
	sigset_t s;

	memset(&dfl, 0, sizeof dfl);
	dfl.sa_handler = SIG_DFL;
	sys_sigaction(SIGABRT, &dfl, NULL);
	sigemptyset(&s);
	sigaddset(&s, SIGABRT);
	syscall(SYS_rt_sigprocmask, SIG_UNBLOCK, &s, NULL, _NSIG / 8);
	syscall(SYS_tgkill, getpid(), syscall(SYS_gettid), SIGABRT);
	_exit(134);
}

static void rewind_call(int sig, siginfo_t *si, ucontext_t *uc, struct pkr_thread *t)
{
	struct pkr_frame *f = t->top;
	struct pkr_fn *fn = f->fn;
	struct pkr_domain *d = fn->dom;
	uintptr_t pc = (uintptr_t)uc->uc_mcontext.gregs[REG_RIP];
	uint64_t calls = domain_calls(d);
	char at[128], errbuf[40] = "", what[160] = "";
	const char *mem = what_memory(d, t, si);
	bool abort_now;

	/* The interrupted code may have run on a domain's thread block: the
	 * caller's thread pointer, before anything touches TLS, and for the
	 * caller to resume with (sigreturn leaves %fs alone). */
	pkr_wrfsbase(f->entry_tp);

	__atomic_fetch_add(&fn->faults, 1, __ATOMIC_RELAXED);
	__atomic_fetch_add(&d->faults, 1, __ATOMIC_RELAXED);
	t->rewinds++;
	d->fault_run = calls - d->calls_at_fault <= 1 ? d->fault_run + 1 : 1;
	d->calls_at_fault = calls;
	abort_now = d->pol->on_fault == PKR_ON_FAULT_ABORT ||
		    (d->pol->max_faults && d->fault_run >= d->pol->max_faults);

	pkr_domain_where(d, pc, at, sizeof at);
	if (fn->fault_errno >= 0)
		pkr_fmt(errbuf, sizeof errbuf, ", errno %s",
			pkr_errno_name(fn->fault_errno) ? pkr_errno_name(fn->fault_errno) : "?");
	if (mem)
		pkr_fmt(what, sizeof what, " %s 0x%lx (%s)", access_kind(uc, sig),
			(unsigned long)si->si_addr, mem);
	if (si->si_code == SEGV_PKUERR && sig == SIGSEGV)
		pkr_log(PKR_LOG_ERROR, "fault in domain %s calling %s: %s (%s, key %d)%s at %s",
			d->pol->name, fn->name, sig_name(sig), code_name(sig, si->si_code),
			si->si_pkey, what, at);
	else
		pkr_log(PKR_LOG_ERROR, "fault in domain %s calling %s: %s (%s)%s at %s",
			d->pol->name, fn->name, sig_name(sig), code_name(sig, si->si_code),
			what, at);

	if (pc == (uintptr_t)&pkr_gate_bad_fn)
		pkr_log(PKR_LOG_ERROR, "domain %s called the gate with a forged descriptor "
			"(not one of the shim's): refused", d->pol->name);
	else if (pc == (uintptr_t)&pkr_cb_bad)
		pkr_log(PKR_LOG_ERROR, "domain %s entered a callback stub that is not one of "
			"its own (or from a call another domain made): refused", d->pol->name);
	else if (pc == (uintptr_t)&pkr_gate_bad_thread)
		pkr_log(PKR_LOG_ERROR, "domain %s overwrote the thread state in its thread "
			"block (it no longer matches the shim's anchor): refused", d->pol->name);

	if (abort_now) {
		if (d->pol->on_fault == PKR_ON_FAULT_ABORT)
			pkr_log(PKR_LOG_ERROR, "domain %s: on-fault abort: terminating", d->pol->name);
		else
			pkr_log(PKR_LOG_ERROR, "domain %s: %lu faults in a row (max-faults %lu): "
				"terminating", d->pol->name, (unsigned long)d->fault_run,
				d->pol->max_faults);
		die_abort();
	}

	/* The signal mask the thread had before the library changed it (read
	 * before a reset puts the runtime's table back).  The table is domain
	 * memory: whatever it says, the fault signals stay deliverable. */
	if (d->rt) {
		struct pkr_rt_mask *m = d->rt->masks;
		int tid = (int)syscall(SYS_gettid);
		for (size_t i = 0; i < d->rt->nmasks && i < PKR_RT_MASK_SLOTS; i++)
			if (m[i].active == 1 && m[i].tid == tid) {
				uc->uc_sigmask = m[i].saved;
				for (size_t k = 0; k < sizeof fault_sigs / sizeof fault_sigs[0]; k++)
					sigdelset(&uc->uc_sigmask, fault_sigs[k]);
				m[i].active = 0;
			}
	}
	if (d->pol->on_fault == PKR_ON_FAULT_RESET) {
		pkr_reset_restore(d);
		/* That put the namespace's environ back to its value after
		 * loading. */
		pkr_envsync_after_reset(d);
		__atomic_fetch_add(&d->resets, 1, __ATOMIC_RELAXED);
	} else {
		/* The rewound call's part of the domain stack: from the
		 * faulting frame up to its record (a call from a callback,
		 * whose record is on the domain stack) or to where the gate
		 * started it (td->sp, lowered while a handler runs). */
		const struct pkr_tdom *td = &t->doms[d->index];
		uintptr_t lo = (uintptr_t)uc->uc_mcontext.gregs[REG_RSP];
		uintptr_t hi = (uintptr_t)f >= td->stack_lo && (uintptr_t)f < td->stack_hi
			     ? (uintptr_t)f : td->sp;
		pkr_reset_unlock_heap(d, lo, hi);
	}

	if (fn->fault_void)
		pkr_log(PKR_LOG_ERROR, "domain %s: call to %s rewound%s%s", d->pol->name, fn->name,
			errbuf, d->pol->on_fault == PKR_ON_FAULT_RESET ? "; domain reset" : "");
	else
		pkr_log(PKR_LOG_ERROR, "domain %s: call to %s rewound: returns %ld%s%s",
			d->pol->name, fn->name, (long)fn->fault_value, errbuf,
			d->pol->on_fault == PKR_ON_FAULT_RESET ? "; domain reset" : "");

	/* The program's PKRU: pkr_gate_unwind gives a calling domain (a
	 * callback's) its own back itself. */
	if (!set_frame_pkru(uc, PKR_PROG_PKRU)) {
		pkr_log(PKR_LOG_ERROR, "cannot find PKRU in the signal frame: cannot rewind");
		die_abort();
	}
	/* The caller's errno, in the thread block the caller uses. */
	if (fn->fault_errno >= 0)
		*(int *)(f->entry_tp + (uintptr_t)pkr_prog_errno_off) = fn->fault_errno;
	/* A function returning double gets 0.0 in %xmm0 (the rest of the
	 * vector state is the interrupted code's: caller-saved). */
	if (uc->uc_mcontext.fpregs)
		memset(&uc->uc_mcontext.fpregs->_xmm[0], 0, sizeof uc->uc_mcontext.fpregs->_xmm[0]);
	uc->uc_mcontext.gregs[REG_RSP] = (greg_t)(uintptr_t)f;
	uc->uc_mcontext.gregs[REG_RIP] = (greg_t)(uintptr_t)&pkr_gate_unwind;
	uc->uc_mcontext.gregs[REG_RBX] = (greg_t)(uintptr_t)t;
	uc->uc_mcontext.gregs[REG_RAX] = (greg_t)(fn->fault_void ? 0 : fn->fault_value);
	uc->uc_mcontext.gregs[REG_RDX] = 0;
}

/* This thread's state, from the GS anchor (domains.h), never from the
 * thread block a domain may have written.  NULL when the thread has none:
 * a new thread inherits its creator's GS base until its own first call
 * into a domain, so the anchor counts only if the interrupted thread
 * pointer `fs` is the state's own, or one of its shadow blocks. */
static struct pkr_thread *handler_thread(uintptr_t fs)
{
	struct pkr_thread *t = (struct pkr_thread *)pkr_rdgsbase();

	if (!t || t->self != t)
		return NULL;
	if (fs == t->tp)
		return t;
	for (size_t i = 0; i < PKR_MAX_DOM; i++)
		if (t->doms[i].shadow_tp && fs == t->doms[i].shadow_tp)
			return t;
	return NULL;
}

/* ---- the library's own fault handlers ----------------------------------- */

/* gate.S: `mov $15, %eax; syscall` (rt_sigreturn). */
void pkr_sigreturn_stub(void);

/* The kernel's rt_sigframe: the restorer address, then its ucontext
 * (glibc's ucontext_t up to and including 8 bytes of signal mask), then
 * the siginfo; the XSAVE area lies elsewhere, pointed to by the
 * ucontext. */
#define KERNEL_UC_SIZE (offsetof(ucontext_t, uc_sigmask) + 8)

/* A fault in domain d for which the library installed a handler of its
 * own (its sigaction() went to the runtime, rt.h): deliver it as the
 * kernel would have, on the domain's stack, with the domain's rights.  A
 * copy of the signal frame (registers, XSAVE state with the domain's
 * PKRU, the interrupted mask) goes below the interrupted stack pointer;
 * the kernel's frame is edited to enter the handler, which returns
 * through pkr_sigreturn_stub into the copy (or leaves with siglongjmp).
 * Returns false when it cannot (no such handler, no room): then the
 * fault is rewound as usual. */
static bool deliver_to_library(int sig, siginfo_t *si, ucontext_t *uc,
			       struct pkr_thread *t, struct pkr_domain *d)
{
	struct sigaction *a;
	const struct pkr_tdom *td = &t->doms[d->index];
	unsigned char *fp = (unsigned char *)uc->uc_mcontext.fpregs;
	uint32_t ext = 0;
	uintptr_t sp = (uintptr_t)uc->uc_mcontext.gregs[REG_RSP];
	uintptr_t xs, ucp, infop, frame;

	if (!d->rt || !d->rt->fault_acts || sig >= PKR_RT_NSIG)
		return false;
	a = &d->rt->fault_acts[sig];
	if ((a->sa_flags & SA_SIGINFO) ? !a->sa_sigaction
	    : (a->sa_handler == SIG_DFL || a->sa_handler == SIG_IGN))
		return false;
	if (!fp || sp < td->stack_lo + 65536 || sp > td->stack_hi)
		return false;
	memcpy(&ext, fp + 468, 4);          /* sw_reserved.extended_size */
	if (ext < 512 || ext > 65536 / 2)
		return false;
	/* Below the red zone: the XSAVE copy (64-byte aligned), then the
	 * siginfo, the ucontext and the restorer address, as the kernel
	 * lays out a frame. */
	xs = (sp - 128 - ext) & ~(uintptr_t)63;
	/* frame % 16 == 8, as %rsp is on entry to a function */
	frame = ((xs - sizeof(siginfo_t) - KERNEL_UC_SIZE - 8) & ~(uintptr_t)15) - 8;
	ucp = frame + 8;
	infop = ucp + KERNEL_UC_SIZE;
	if (frame < td->stack_lo + 4096)
		return false;
	memcpy((void *)xs, fp, ext);
	memcpy((void *)infop, si, sizeof(siginfo_t));
	memcpy((void *)ucp, uc, KERNEL_UC_SIZE);
	((ucontext_t *)ucp)->uc_mcontext.fpregs = (struct _libc_fpstate *)xs;
	*(uintptr_t *)frame = (uintptr_t)&pkr_sigreturn_stub;

	/* The handler runs with the mask it asked for; the copy restores
	 * the interrupted one. */
	add_handler_mask(&uc->uc_sigmask, a, sig);
	uc->uc_mcontext.gregs[REG_RIP] = (greg_t)((a->sa_flags & SA_SIGINFO)
		? (uintptr_t)a->sa_sigaction : (uintptr_t)a->sa_handler);
	uc->uc_mcontext.gregs[REG_RSP] = (greg_t)frame;
	uc->uc_mcontext.gregs[REG_RDI] = sig;
	uc->uc_mcontext.gregs[REG_RSI] = (greg_t)infop;
	uc->uc_mcontext.gregs[REG_RDX] = (greg_t)ucp;
	uc->uc_mcontext.gregs[REG_RAX] = 0;
	if (a->sa_flags & SA_RESETHAND) {
		memset(a, 0, sizeof *a);
		a->sa_handler = SIG_DFL;
	}
	return true;
}

/* Learn mode (learn.h): a write into program memory runs once, with
 * every right and the trap flag; the trap after it gives the domain's
 * rights back.  True when the signal was one of those. */
#define EFLAGS_TF 0x100
static bool learn(int sig, siginfo_t *si, ucontext_t *uc, struct pkr_thread *t)
{
	uint32_t pkru;

	if (sig == SIGTRAP && pkr_learn_step(si, &pkru)) {
		uc->uc_mcontext.gregs[REG_EFL] &= ~(greg_t)EFLAGS_TF;
		return set_frame_pkru(uc, pkru);
	}
	if (sig == SIGSEGV && pkr_learn_fault(si, uc, t->cur->pkru, &pkru)) {
		uc->uc_mcontext.gregs[REG_EFL] |= EFLAGS_TF;
		return set_frame_pkru(uc, pkru);
	}
	return false;
}

/* Entered from pkr_fault_entry (gate.S) with the program's PKRU. */
void pkr_fault_handler(int sig, siginfo_t *si, void *ucv)
{
	ucontext_t *uc = ucv;
	uintptr_t fs = pkr_rdfsbase();
	struct pkr_thread *t = handler_thread(fs);
	int saved;

	/* The real thread block before anything touches TLS (errno). */
	if (t && fs != t->tp)
		pkr_wrfsbase(t->tp);
	saved = errno;
	pkr_handler_depth++;
	sigstack_hold(t);
	/* Learn mode's write let through (or its trap), or the library's
	 * own handler taking the fault, in the domain, on the thread block
	 * it ran on: back to where it was. */
	if (t && t->cur && t->top &&
	    ((pkr_learn_on && learn(sig, si, uc, t)) ||
	     deliver_to_library(sig, si, uc, t, t->cur))) {
		sigstack_release(t);
		handler_leave(t, uc);
		if (fs != t->tp)
			pkr_wrfsbase(fs);
		errno = saved;
		return;
	}
	if (t && t->cur && t->top) {
		/* A fault (or an abort) while this thread is inside a domain.
		 * errno is left as rewind_call() set it: in write mode the
		 * handler's errno is the caller's. */
		rewind_call(sig, si, uc, t);
		sigstack_release(t);
		handler_leave(t, uc);
		return;
	}
	not_ours(sig, si, ucv);
	sigstack_release(t);
	handler_leave(t, uc);
	errno = saved;
	if (t && fs != t->tp)
		pkr_wrfsbase(fs);
}

/* Any other signal the program handles: its handler runs with the
 * program's rights and thread pointer, wherever the thread was. */
void pkr_signal_handler(int sig, siginfo_t *si, void *uc)
{
	struct pkr_domain *cur = NULL;
	struct pkr_thread *t;
	struct pkr_tdom *nested_td = NULL;
	uintptr_t fs, nested_sp = 0;
	int saved;

	fs = pkr_rdfsbase();
	t = handler_thread(fs);
	if (t && t->tp != fs)
		pkr_wrfsbase(t->tp);
	pkr_handler_depth++;
	sigstack_hold(t);
	/* The handler is program code, not the interrupted domain's: a call
	 * it makes into a library starts from the program's rights, and a
	 * fault in it is the program's own. */
	if (t) {
		cur = t->cur;
		t->cur = NULL;
	}
	/* A call it makes into a domain whose stack it interrupted must
	 * start below the interrupted frames, not at that stack's top (the
	 * red zone, 128 bytes, is the interrupted code's too).  Decided by
	 * %rsp alone, not by t->cur: the gates switch stacks and t->cur at
	 * different instructions, and each keeps everything it has written
	 * on a domain's stack either above %rsp or above td->sp (gate.S). */
	if (t) {
		uintptr_t sp = (uintptr_t)((ucontext_t *)uc)->uc_mcontext.gregs[REG_RSP];
		for (size_t i = 0; i < PKR_MAX_DOM; i++) {
			struct pkr_tdom *td = &t->doms[i];
			if (td->sp && sp > td->stack_lo + 256 && sp <= td->stack_hi) {
				nested_td = td;
				nested_sp = td->sp;
				td->sp = (sp - 128) & ~(uintptr_t)15;
				break;
			}
		}
	}
	saved = errno;
	call_program_handler(sig, si, uc);
	errno = saved;
	if (nested_td)
		nested_td->sp = nested_sp;
	if (t)
		t->cur = cur;
	sigstack_release(t);
	handler_leave(t, uc);
	if (t && t->tp != fs)
		pkr_wrfsbase(fs);
	/* The interrupted PKRU comes back from the signal frame. */
}

/* ---- installing ---------------------------------------------------------- */

static void install_wrapped(int sig, const struct sigaction *prog)
{
	struct sigaction a = *prog;

	a.sa_flags |= SA_SIGINFO | SA_ONSTACK;
	a.sa_flags &= ~SA_RESETHAND;
	a.sa_sigaction = is_fault_sig(sig) ? pkr_fault_entry : pkr_signal_entry;
	if (is_fault_sig(sig)) {
		/* Nothing asynchronous interrupts the fault handler: a
		 * program handler that ran in the middle of a rewind would
		 * see (and call into) a domain whose call is half undone.
		 * The program's own handler gets its own mask back
		 * (call_program_handler). */
		pkr_sigset_async(&a.sa_mask);
		a.sa_flags &= ~SA_NODEFER;
	}
	sys_sigaction(sig, &a, NULL);
}

static bool is_handler(const struct sigaction *a)
{
	return (a->sa_flags & SA_SIGINFO) ? a->sa_sigaction != NULL
		: (a->sa_handler != SIG_DFL && a->sa_handler != SIG_IGN);
}

int pkr_fault_init(void)
{
	unsigned a, b, c, dd;
	struct sigaction cur;

	if (installed)
		return 0;
	if (__get_cpuid_count(0xd, XFEATURE_PKRU, &a, &b, &c, &dd) && a >= 4)
		pkru_xsave_off = b;
	if (!pkru_xsave_off && !pkr_nokeys) {
		pkr_log(PKR_LOG_ERROR, "the CPU reports no PKRU state in XSAVE");
		return -1;
	}
	for (int sig = 1; sig < _NSIG; sig++) {
		if (sig == SIGKILL || sig == SIGSTOP || sys_sigaction(sig, NULL, &cur) != 0)
			continue;
		if (is_fault_sig(sig)) {
			prog_act[sig] = cur;
			prog_act_set[sig] = true;
			struct sigaction none;
			memset(&none, 0, sizeof none);
			install_wrapped(sig, &none);
		} else if (is_handler(&cur)) {
			prog_act[sig] = cur;
			prog_act_set[sig] = true;
			install_wrapped(sig, &cur);
		}
	}
	installed = true;
	return 0;
}

PKR_EXPORT int sigaction(int sig, const struct sigaction *act, struct sigaction *old)
{
	if (!installed || sig <= 0 || sig >= _NSIG || sig == SIGKILL || sig == SIGSTOP)
		return sys_sigaction(sig, act, old);
	if (old) {
		if (prog_act_set[sig]) {
			*old = prog_act[sig];
		} else if (sys_sigaction(sig, NULL, old) != 0) {
			return -1;
		}
	}
	if (!act)
		return 0;
	if (is_fault_sig(sig)) {
		prog_act[sig] = *act;
		prog_act_set[sig] = true;
		return 0;         /* our handler stays; it calls the program's */
	}
	if (!is_handler(act)) {
		prog_act_set[sig] = false;
		return sys_sigaction(sig, act, NULL);
	}
	prog_act[sig] = *act;
	prog_act_set[sig] = true;
	install_wrapped(sig, act);
	return 0;
}

PKR_EXPORT sighandler_t signal(int sig, sighandler_t h)
{
	struct sigaction a, old;

	memset(&a, 0, sizeof a);
	a.sa_handler = h;
	a.sa_flags = SA_RESTART;
	sigemptyset(&a.sa_mask);
	sigaddset(&a.sa_mask, sig);
	if (sigaction(sig, &a, &old) != 0)
		return SIG_ERR;
	return old.sa_handler;
}

void pkr_gate_violation(uint32_t got, uint32_t want)
{
	pkr_log(PKR_LOG_ERROR, "gate: PKRU after a call is 0x%x, expected 0x%x: "
		"control flow entered the gate's exit out of order; aborting",
		got, want);
	die_abort();
}
