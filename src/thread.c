/* thread.c - per-thread state.  See thread.h for the invariants.
 *
 * Not async-signal-safe (mmap, pthread keys); runs on the gate's slow path
 * and at thread exit, never in a signal handler.
 */
#include "config.h"

#include <errno.h>
#include <locale.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/rseq.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "domains.h"
#include "log.h"
#include "pkey.h"
#include "real.h"
#include "thread.h"

#define PAGE 4096ul
#define ALTSTACK_MIN (256ul << 10)
#define RSEQ_SIG_X86 0x53053053

__thread unsigned pkr_handler_depth __attribute__((tls_model("initial-exec")));
__thread struct pkr_thread *pkr_tls_thread __attribute__((tls_model("initial-exec")));

static size_t tls_below;        /* static TLS below the thread pointer */
static size_t tls_align = 64;
static size_t pthread_size;     /* struct pthread, above the thread pointer */
static pthread_key_t thread_key;

static void *map_pages(size_t len)
{
	void *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	return p == MAP_FAILED ? NULL : p;
}

static void thread_exit(void *arg)
{
	struct pkr_thread *t = arg;
	stack_t ss;

	if (!t)
		return;
	for (size_t i = 0; i < PKR_MAX_DOM; i++) {
		if (t->doms[i].stack_map)
			munmap(t->doms[i].stack_map, t->doms[i].stack_map_size);
		if (t->doms[i].shadow_map)
			munmap(t->doms[i].shadow_map, t->doms[i].shadow_map_size);
	}
	if (t->altstack) {
		memset(&ss, 0, sizeof ss);
		ss.ss_flags = SS_DISABLE;
		sigaltstack(&ss, NULL);
		munmap(t->altstack, t->altstack_size);
	}
	pkr_tls_thread = NULL;
	munmap(t, sizeof *t);
}

int pkr_thread_init(void)
{
	const struct pkr_real *r = pkr_real_init();
	size_t static_size = 0, align = 0;

	if (!pkr_fsgsbase_init())
		pkr_log(PKR_LOG_INFO, "no FSGSBASE: the thread pointer is switched with "
			"arch_prctl (slower calls in read and none modes)");
	r->get_tls_static_info(&static_size, &align);
	pthread_size = *r->sizeof_pthread;
	if (static_size <= pthread_size) {
		pkr_log(PKR_LOG_ERROR, "unexpected static TLS size %zu", static_size);
		return -1;
	}
	tls_below = static_size - pthread_size;
	if (align > tls_align)
		tls_align = align;
	if (pthread_key_create(&thread_key, thread_exit) != 0)
		return -1;
	pkr_log(PKR_LOG_DEBUG, "static TLS: %zu bytes below the thread pointer, "
		"struct pthread %zu bytes, align %zu", tls_below, pthread_size, tls_align);
	return 0;
}

void pkr_thread_rseq_off(void)
{
	struct rseq *rs;
	long r;

	if (__rseq_size == 0)
		return;      /* glibc did not register (glibc.pthread.rseq=0) */
	rs = (struct rseq *)((char *)__builtin_thread_pointer() + __rseq_offset);
	if ((int32_t)rs->cpu_id == RSEQ_CPU_ID_REGISTRATION_FAILED)
		return;
	r = syscall(SYS_rseq, rs, __rseq_size < 32 ? 32 : __rseq_size,
		    RSEQ_FLAG_UNREGISTER, RSEQ_SIG_X86);
	if (r != 0 && __rseq_size != 32)
		r = syscall(SYS_rseq, rs, 32, RSEQ_FLAG_UNREGISTER, RSEQ_SIG_X86);
	if (r != 0 && errno != EINVAL) {
		pkr_log(PKR_LOG_WARN, "cannot unregister rseq: %s", strerror(errno));
		return;
	}
	/* sched_getcpu() trusts cpu_id while it is >= 0: make it ask the
	 * kernel instead of reading a value that no longer changes. */
	rs->cpu_id = (uint32_t)RSEQ_CPU_ID_REGISTRATION_FAILED;
}

static void altstack_setup(struct pkr_thread *t)
{
	stack_t ss, old;
	long min = sysconf(_SC_SIGSTKSZ);
	size_t len = ALTSTACK_MIN;

	/* SS_AUTODISARM: while a handler runs, the altstack is off, so that
	 * a fault in a domain called from the handler gets its frame on the
	 * stack it happens on (the domain's, writable under the domain's
	 * PKRU on every kernel) instead of at the altstack's top, over the
	 * live frame of the handler that called it.  sigreturn arms it
	 * again.
	 *
	 * The program's own altstack (key 0) is kept where the kernel can
	 * always write a frame there (6.12 and later), armed the same way;
	 * before 6.12 a frame for a fault in a read or none domain needs the
	 * signal-stack key, so the shim's altstack replaces it. */
	if (!pkr_sigkey && sigaltstack(NULL, &old) == 0 && !(old.ss_flags & SS_DISABLE)) {
		old.ss_flags = PKR_SS_AUTODISARM;
		if (sigaltstack(&old, NULL) == 0) {
			t->ss_sp = old.ss_sp;
			t->ss_size = old.ss_size;
		}
		return;
	}
	if (min > 0 && (size_t)min * 8 > len)
		len = ((size_t)min * 8 + PAGE - 1) & ~(PAGE - 1);
	t->altstack = map_pages(len);
	if (!t->altstack)
		return;
	t->altstack_size = len;
	if (pkr_sigkey && pkey_mprotect(t->altstack, len, PROT_READ | PROT_WRITE,
					pkr_sigkey) != 0) {
		pkr_log(PKR_LOG_WARN, "cannot tag the signal stack with key %d: %s",
			pkr_sigkey, strerror(errno));
		munmap(t->altstack, len);
		t->altstack = NULL;
		return;
	}
	ss.ss_sp = t->altstack;
	ss.ss_size = len;
	ss.ss_flags = PKR_SS_AUTODISARM;
	/* Inside a signal handler (the thread's first call into a domain
	 * is made from one), the handler's sigreturn would put back the
	 * state from before the signal, no altstack: the outermost handler
	 * writes ours into its frame instead (fault.c). */
	if (pkr_handler_depth > 0)
		t->altstack_rearm = 1;
	if (sigaltstack(&ss, NULL) != 0) {
		munmap(t->altstack, len);
		t->altstack = NULL;
		return;
	}
	t->ss_sp = t->altstack;
	t->ss_size = len;
}

struct pkr_thread *pkr_thread_get(void)
{
	struct pkr_thread *t = pkr_tls_thread;

	if (t)
		return t;
	t = map_pages((sizeof *t + PAGE - 1) & ~(PAGE - 1));
	if (!t)
		return NULL;
	t->tp = (uintptr_t)__builtin_thread_pointer();
	t->self = t;
	pkr_wrgsbase((uintptr_t)t);       /* the anchor (domains.h) */
	pkr_thread_rseq_off();
	altstack_setup(t);
	pthread_setspecific(thread_key, t);
	pkr_tls_thread = t;
	return t;
}

/* Copy this thread's static TLS block and struct pthread into domain
 * memory and rebase the pointers that point into the block. */
static int shadow_setup(struct pkr_thread *t, struct pkr_domain *d, struct pkr_tdom *td)
{
	size_t span = tls_below + pthread_size;
	size_t len = (span + tls_align + PAGE - 1) & ~(PAGE - 1);
	uintptr_t tp = t->tp, lo = tp - tls_below, hi = tp + pthread_size;
	uintptr_t map, stp;
	intptr_t delta;

	map = (uintptr_t)map_pages(len);
	if (!map)
		return -1;
	if (pkey_mprotect((void *)map, len, PROT_READ | PROT_WRITE, d->pkey) != 0) {
		munmap((void *)map, len);
		return -1;
	}
	stp = (map + tls_below + tls_align - 1) & ~(tls_align - 1);
	memcpy((void *)(stp - tls_below), (void *)lo, span);
	delta = (intptr_t)(stp - tp);
	for (uintptr_t *w = (uintptr_t *)(stp - tls_below);
	     (uintptr_t)(w + 1) <= stp + pthread_size; w++) {
		if (*w >= lo && *w < hi)
			*w += delta;
	}
	td->shadow_map = (void *)map;
	td->shadow_map_size = len;
	td->shadow_tp = stp;
	return 0;
}

int pkr_thread_enter_setup(struct pkr_thread *t, struct pkr_domain *d)
{
	struct pkr_tdom *td = &t->doms[d->index];
	size_t ssize = d->pol->stack;
	size_t len = ssize + PAGE;
	char *map;

	map = map_pages(len);
	if (!map)
		return -1;
	if (mprotect(map, PAGE, PROT_NONE) != 0 ||
	    pkey_mprotect(map + PAGE, ssize, PROT_READ | PROT_WRITE, d->pkey) != 0) {
		munmap(map, len);
		return -1;
	}
	td->stack_map = map;
	td->stack_map_size = len;
	td->stack_lo = (uintptr_t)map + PAGE;
	td->stack_hi = (uintptr_t)map + len;
	if (d->shadow) {
		if (shadow_setup(t, d, td) != 0)
			return -1;
		pkr_wrfsbase(td->shadow_tp);
		if (d->ns_uselocale)
			d->ns_uselocale(LC_GLOBAL_LOCALE);
		pkr_wrfsbase(t->tp);
	} else if (d->ns_uselocale) {
		d->ns_uselocale(LC_GLOBAL_LOCALE);
	}
	td->sp = td->stack_hi & ~(uintptr_t)15;
	return 0;
}

void pkr_gate_prepare(struct pkr_fn *fn)
{
	uint32_t pkru = pkr_rdpkru();
	uintptr_t fs = pkr_rdfsbase();
	struct pkr_thread *t = pkr_tls_thread;
	sigset_t all, old;
	int err = 0;

	/* No handler in the middle of the set-up: one that called into a
	 * domain would find the thread state half made (the GS anchor set,
	 * pkr_tls_thread not yet) and make a second one.  The fault signals
	 * stay deliverable. */
	pkr_sigset_async(&all);
	syscall(SYS_rt_sigprocmask, SIG_BLOCK, &all, &old, _NSIG / 8);

	/* Called from a callback inside a domain: take the program's rights
	 * and thread pointer while we allocate. */
	pkr_wrpkru(PKR_PROG_PKRU);   /* a literal: key 0 may be unreadable here */
	if (t)
		pkr_wrfsbase(t->tp);
	t = pkr_thread_get();
	if (!t)
		err = errno ? errno : ENOMEM;
	else if (t->doms[fn->dom->index].sp == 0 &&
		 pkr_thread_enter_setup(t, fn->dom) != 0)
		err = errno ? errno : ENOMEM;
	if (err) {
		pkr_log(PKR_LOG_ERROR, "cannot prepare domain '%s' for this thread "
			"(calling %s): %s", fn->dom->pol->name,
			fn->name, strerror(err));
		abort();
	}
	if (fs != pkr_rdfsbase())
		pkr_wrfsbase(fs);
	syscall(SYS_rt_sigprocmask, SIG_SETMASK, &old, NULL, _NSIG / 8);
	pkr_wrpkru(pkru);
}
