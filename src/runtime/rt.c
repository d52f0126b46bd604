/* rt.c - the domain runtime: the namespace's allocator, memory mappings
 * and signal masks.  See rt.h for the invariants.
 *
 * Not async-signal-safe (the allocator spins on a lock); the shim's fault
 * handler never calls into the runtime.
 */
#include "config.h"

#include <dlfcn.h>
#include <errno.h>
#include <malloc.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "alloc.h"
#include "rt.h"
#include "rt_int.h"

#define BOOT_SIZE (64u << 10)

static struct pkr_heap heap;
static int domain_key = -1;
long (*pkr_rt_service)(long op, long a, long b);
static char dom_name[64];
static int log_fd = 2;
static size_t heap_bytes;
static int full_said;
/* The namespace's own longjmp family, past the runtime. */
typedef void noreturn_jump(void *, int);      /* does not return */
static noreturn_jump *real_longjmp, *real_longjmp_chk;
typedef int sigaction_fn(int, const struct sigaction *, struct sigaction *);
static sigaction_fn *real_sigaction;
static void *(*ns_dlsym)(void *, const char *);
static void *(*ns_dlvsym)(void *, const char *, const char *);
/* Allocations made while the namespace's libc starts, before the shim
 * hands over the heap.  Part of the runtime's .bss: tagged like it, and
 * copied on every on-fault reset, so kept small: glibc 2.36 allocates
 * nothing there (PKREWIND_LOG=debug reports what it holds). */
static char boot[BOOT_SIZE] __attribute__((aligned(64)));

static struct pkr_heap *H(void)
{
	if (heap.narenas == 0)
		pkr_heap_add_region(&heap, boot, sizeof boot);
	return &heap;
}

static struct pkr_rt_mask mask_slots[PKR_RT_MASK_SLOTS];
static struct sigaction fault_acts[PKR_RT_NSIG];   /* zero: SIG_DFL */

/* The fields rt.h publishes, as the allocator declares them. */
static_assert(sizeof heap.lock == sizeof(uintptr_t), "heap_lock is a uintptr_t");
static_assert(sizeof heap.arenas[1].dirty_hi == sizeof(uintptr_t), "dirty_hi");

RT_EXPORT int pkr_rt_init(const struct pkr_rt_config *cfg, struct pkr_rt_shared *out)
{
	H();
	pkr_heap_add_region(&heap, cfg->heap, cfg->heap_size);
	domain_key = cfg->pkey;
	pkr_rt_service = cfg->service;
	if (cfg->name) {
		size_t i = 0;
		for (; cfg->name[i] && i < sizeof dom_name - 1; i++)
			dom_name[i] = cfg->name[i];
		dom_name[i] = 0;
	}
	log_fd = cfg->log_fd;
	heap_bytes = cfg->heap_size;
	ns_dlsym = cfg->ns_dlsym;
	ns_dlvsym = cfg->ns_dlvsym;
	real_longjmp = (noreturn_jump *)pkr_rt_next("longjmp");
	real_longjmp_chk = (noreturn_jump *)pkr_rt_next("__longjmp_chk");
	real_sigaction = (sigaction_fn *)pkr_rt_next("sigaction");
	pkr_rt_stdio_init();
	pkr_rt_tls_init();
	pkr_rt_thread_init();
	pkr_rt_iconv_init();
	pkr_rt_nss_init();
	if (heap.narenas != 2)
		return -1;
	memset(out, 0, sizeof *out);
	out->size = sizeof *out;
	out->heap_lock = &heap.lock;
	out->heap_dirty_hi = &heap.arenas[1].dirty_hi;
	out->boot_base = heap.arenas[0].base;
	out->boot_dirty_hi = &heap.arenas[0].dirty_hi;
	out->masks = mask_slots;
	out->fault_acts = fault_acts;
	out->tls_epoch = &pkr_rt_tls_epoch;
	out->nmasks = PKR_RT_MASK_SLOTS;
	return 0;
}

void *pkr_rt_next(const char *name)
{
	return ns_dlsym ? ns_dlsym(RTLD_NEXT, name) : NULL;
}

void *pkr_rt_vnext(const char *name, const char *version)
{
	return ns_dlvsym ? ns_dlvsym(RTLD_NEXT, name, version) : NULL;
}

bool pkr_rt_heap_holds(const void *p, size_t n)
{
	uintptr_t a = (uintptr_t)p;

	for (int i = 0; i < heap.narenas; i++)
		if (a >= heap.arenas[i].base && a < heap.arenas[i].end &&
		    n <= heap.arenas[i].end - a)
			return true;
	return false;
}

bool pkr_rt_heap_owns(const void *p)
{
	uintptr_t a = (uintptr_t)p;

	for (int i = 0; i < heap.narenas; i++)
		if (a >= heap.arenas[i].base && a < heap.arenas[i].end)
			return true;
	return false;
}

/* ---- the malloc family ------------------------------------------------ */

/* "pkrewind[PID]: error: domain D: its heap (N MiB) is full ..." once,
 * written with no allocation (this runs when there is none to have). */
static void say_full(size_t want)
{
	char buf[256], num[3][24];
	unsigned long v[3] = { (unsigned long)syscall(SYS_getpid),
			       (unsigned long)(heap_bytes >> 20), (unsigned long)want };
	const char *part[] = { "pkrewind[", num[0], "]: error: domain ", dom_name,
			       ": its heap (", num[1], " MiB) is full: an allocation of ",
			       num[2], " bytes fails with ENOMEM (raise 'heap' in the policy)\n" };
	size_t n = 0;

	if (__atomic_exchange_n(&full_said, 1, __ATOMIC_RELAXED))
		return;
	for (int k = 0; k < 3; k++) {
		char tmp[24];
		int j = 0, i = 0;
		do tmp[j++] = (char)('0' + v[k] % 10); while ((v[k] /= 10) && j < 23);
		while (j)
			num[k][i++] = tmp[--j];
		num[k][i] = 0;
	}
	for (size_t k = 0; k < sizeof part / sizeof part[0]; k++)
		for (const char *c = part[k]; *c && n < sizeof buf; c++)
			buf[n++] = *c;
	syscall(SYS_write, log_fd, buf, n);
}

/* Every allocation's result: a failure is said once. */
static void *got(void *p, size_t n)
{
	if (!p && n && heap_bytes)
		say_full(n);
	return p;
}

RT_EXPORT void *malloc(size_t n)
{
	return got(pkr_heap_malloc(H(), n), n);
}

RT_EXPORT void free(void *p)
{
	/* -1: a pointer from another heap: the program's (ownership passed
	 * in; also glibc bug 32026, which hands the strerror buffer across
	 * namespaces): to the program's allocator, which the shim allows in
	 * write mode only.  -2: not an allocated chunk. */
	int r = pkr_heap_free(H(), p);

	if (r == -2)
		abort();
	if (r == -1 && pkr_rt_service)
		pkr_rt_service(PKR_RT_FREE, (long)p, 0);
}

RT_EXPORT void *calloc(size_t n, size_t m)
{
	size_t t;
	void *p;

	if (__builtin_mul_overflow(n, m, &t)) {
		errno = ENOMEM;
		return NULL;
	}
	p = got(pkr_heap_malloc(H(), t), t);
	if (p)
		memset(p, 0, t);
	return p;
}

RT_EXPORT void *realloc(void *p, size_t n)
{
	if (p && n && !pkr_rt_heap_owns(p)) {
		/* The program's block, ownership passed in. */
		long q = pkr_rt_service ? pkr_rt_service(PKR_RT_REALLOC, (long)p, (long)n) : 0;
		if (q <= 0) {
			errno = ENOMEM;
			return NULL;
		}
		return (void *)q;
	}
	return got(pkr_heap_realloc(H(), p, n), n);
}

RT_EXPORT void *reallocarray(void *p, size_t n, size_t m)
{
	size_t t;

	if (__builtin_mul_overflow(n, m, &t)) {
		errno = ENOMEM;
		return NULL;
	}
	return got(pkr_heap_realloc(H(), p, t), t);
}

RT_EXPORT int posix_memalign(void **out, size_t align, size_t n)
{
	void *p;

	if (align < sizeof(void *) || (align & (align - 1)))
		return EINVAL;
	p = got(pkr_heap_memalign(H(), align, n), n);
	if (!p)
		return ENOMEM;
	*out = p;
	return 0;
}

RT_EXPORT void *aligned_alloc(size_t align, size_t n)
{
	return got(pkr_heap_memalign(H(), align, n), n);
}

RT_EXPORT void *memalign(size_t align, size_t n)
{
	return got(pkr_heap_memalign(H(), align, n), n);
}

RT_EXPORT void *valloc(size_t n)
{
	return got(pkr_heap_memalign(H(), 4096, n), n);
}

RT_EXPORT void *pvalloc(size_t n)
{
	return got(pkr_heap_memalign(H(), 4096, (n + 4095) & ~(size_t)4095), n);
}

RT_EXPORT size_t malloc_usable_size(void *p)
{
	return pkr_heap_usable_size(H(), p);
}

/* ---- mappings: whatever the library maps carries the domain's key ----- */

RT_EXPORT void *mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off)
{
	long r = syscall(SYS_mmap, addr, len, prot, flags, fd, off);

	if (r == -1)
		return MAP_FAILED;
	if (domain_key > 0 && syscall(SYS_pkey_mprotect, r, len, prot, domain_key) != 0) {
		int e = errno;
		syscall(SYS_munmap, r, len);
		errno = e;
		return MAP_FAILED;
	}
	return (void *)r;
}

RT_EXPORT void *mmap64(void *addr, size_t len, int prot, int flags, int fd, off_t off)
{
	return mmap(addr, len, prot, flags, fd, off);
}

RT_EXPORT int munmap(void *addr, size_t len)
{
	return (int)syscall(SYS_munmap, addr, len);
}

/* A moved or grown mapping keeps its key (the kernel carries it over). */
RT_EXPORT void *mremap(void *old, size_t oldlen, size_t newlen, int flags, ...)
{
	void *newaddr = NULL;
	long r;

	if (flags & MREMAP_FIXED) {
		va_list ap;
		va_start(ap, flags);
		newaddr = va_arg(ap, void *);
		va_end(ap);
	}
	r = syscall(SYS_mremap, old, oldlen, newlen, flags, newaddr);
	return r == -1 ? MAP_FAILED : (void *)r;
}

/* mprotect keeps the mapping's key; going through the raw system call
 * keeps libc from choosing the execute-only key for PROT_EXEC pages. */
RT_EXPORT int mprotect(void *addr, size_t len, int prot)
{
	if (domain_key > 0)
		return (int)syscall(SYS_pkey_mprotect, addr, len, prot, -1);
	return (int)syscall(SYS_mprotect, addr, len, prot);
}

/* ---- signal masks: the fault signals stay deliverable ----------------- */

static const int fault_signals[] = { SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGTRAP, SIGABRT };

/* The mask each thread had before the library first changed it, so that
 * a rewound call does not leave the program with the library's mask (the
 * shim reads this table in its fault handler).  A slot is released when
 * the library puts the mask back.  (mask_slots is defined above, with
 * what pkr_rt_init shares.) */

/* This thread's slot, or a free one claimed for it (a compare-and-swap
 * on `active`: threads of the domain change masks concurrently).  A
 * claimed slot has tid set before it counts as this thread's. */
static struct pkr_rt_mask *mask_slot(int tid, const sigset_t *prev)
{
	for (size_t i = 0; i < PKR_RT_MASK_SLOTS; i++)
		if (__atomic_load_n(&mask_slots[i].active, __ATOMIC_ACQUIRE) &&
		    mask_slots[i].tid == tid)
			return &mask_slots[i];
	for (size_t i = 0; i < PKR_RT_MASK_SLOTS; i++) {
		int zero = 0;
		if (__atomic_compare_exchange_n(&mask_slots[i].active, &zero, 2, false,
						__ATOMIC_ACQ_REL, __ATOMIC_RELAXED)) {
			mask_slots[i].saved = *prev;
			mask_slots[i].tid = tid;
			__atomic_store_n(&mask_slots[i].active, 1, __ATOMIC_RELEASE);
			return &mask_slots[i];
		}
	}
	return NULL;
}

static int set_mask(int how, const sigset_t *set, sigset_t *old)
{
	sigset_t copy, prev, now;
	struct pkr_rt_mask *m;
	int r, tid;

	/* The kernel fills _NSIG/8 bytes of a sigset_t: the rest must be
	 * zero for the comparison below. */
	memset(&prev, 0, sizeof prev);
	memset(&now, 0, sizeof now);

	if (!set)
		return (int)syscall(SYS_rt_sigprocmask, how, NULL, old, _NSIG / 8);
	copy = *set;
	if (how != SIG_UNBLOCK)
		for (size_t i = 0; i < sizeof fault_signals / sizeof fault_signals[0]; i++)
			sigdelset(&copy, fault_signals[i]);
	r = (int)syscall(SYS_rt_sigprocmask, how, &copy, &prev, _NSIG / 8);
	if (r != 0)
		return r;
	if (old)
		*old = prev;
	tid = (int)syscall(SYS_gettid);
	if (syscall(SYS_rt_sigprocmask, SIG_BLOCK, NULL, &now, _NSIG / 8) == 0 &&
	    (m = mask_slot(tid, &prev))) {
		if (!memcmp(&now, &m->saved, _NSIG / 8))
			__atomic_store_n(&m->active, 0, __ATOMIC_RELEASE);
	}
	return 0;
}

RT_EXPORT int sigprocmask(int how, const sigset_t *set, sigset_t *old)
{
	return set_mask(how, set, old);
}

RT_EXPORT int pthread_sigmask(int how, const sigset_t *set, sigset_t *old)
{
	return set_mask(how, set, old) == 0 ? 0 : errno;
}

/* The library's own handlers for the fault signals stay here (rt.h):
 * given to the kernel they would replace the shim's handler for the
 * whole process.  The shim delivers the library's faults to them. */
static bool is_fault_signal(int sig)
{
	for (size_t i = 0; i < sizeof fault_signals / sizeof fault_signals[0]; i++)
		if (fault_signals[i] == sig)
			return true;
	return false;
}

RT_EXPORT int sigaction(int sig, const struct sigaction *act, struct sigaction *old)
{
	sigaction_fn *real = real_sigaction;

	if (sig > 0 && sig < PKR_RT_NSIG && is_fault_signal(sig)) {
		if (old)
			*old = fault_acts[sig];
		if (act)
			fault_acts[sig] = *act;
		return 0;
	}
	return real ? real(sig, act, old) : -1;
}

RT_EXPORT sighandler_t signal(int sig, sighandler_t h)
{
	struct sigaction a, old;

	memset(&a, 0, sizeof a);
	a.sa_handler = h;
	a.sa_flags = SA_RESTART;
	if (sigaction(sig, &a, &old) != 0)
		return SIG_ERR;
	return old.sa_handler;
}

/* ---- what must happen on the program's side ---------------------------- */

/* exit() from the library is the program's exit: its stdio is flushed and
 * its atexit handlers run (the namespace's own exit would end the process
 * with neither).  _exit and _Exit stay the namespace's: they flush
 * nothing anyway. */
RT_EXPORT void exit(int status)
{
	if (pkr_rt_service)
		pkr_rt_service(PKR_RT_EXIT, status, 0);
	_exit(status);
}

/* fork() from the library: the program's fork (its atfork handlers, its
 * C library's state); parent and child both go on in the library.  The
 * runtime's heap lock is held across it, so the child's heap is
 * consistent. */
RT_EXPORT pid_t fork(void)
{
	long r;

	if (!pkr_rt_service)
		return -1;
	pkr_heap_lock(&heap);
	r = pkr_rt_service(PKR_RT_FORK, 0, 0);
	pkr_heap_unlock(&heap);
	return (pid_t)r;
}

/* longjmp to a jmp_buf of the program's (libpng-style error handling)
 * leaves the domain: the shim unwinds its calls and jumps with the
 * program's rights.  To the library's own jmp_buf: the namespace's. */
static __attribute__((noreturn)) void jump(void *env, int val, int chk)
{
	/* 1: the domain's own jmp_buf; 2: refused (not a live frame of the
	 * program): a fault of the library's, rewound. */
	if (pkr_rt_service && pkr_rt_service(PKR_RT_LONGJMP, (long)env, val) == 2)
		abort();
	if (chk && real_longjmp_chk)
		real_longjmp_chk(env, val);
	real_longjmp(env, val);
	__builtin_unreachable();
}

/* Declared here: <setjmp.h> types them with jmp_buf, which would not
 * match the interposition's plain pointer. */
void longjmp(void *env, int val) __attribute__((noreturn));
void _longjmp(void *env, int val) __attribute__((noreturn));
void siglongjmp(void *env, int val) __attribute__((noreturn));
void __longjmp_chk(void *env, int val) __attribute__((noreturn));
RT_EXPORT __attribute__((noreturn)) void longjmp(void *env, int val) { jump(env, val, 0); }
RT_EXPORT __attribute__((noreturn)) void _longjmp(void *env, int val) { jump(env, val, 0); }
RT_EXPORT __attribute__((noreturn)) void siglongjmp(void *env, int val) { jump(env, val, 0); }
RT_EXPORT __attribute__((noreturn)) void __longjmp_chk(void *env, int val) { jump(env, val, 1); }
