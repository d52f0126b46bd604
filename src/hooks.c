/* hooks.c - function pointers stored into shared variables at any time.
 *
 * A data object the program and an isolated library share (shared.c)
 * may be a hook: a function-pointer variable, or a table of them, that
 * one side sets and the other calls (libxml2's xmlFree, set by
 * xmlMemSetup; an error handler the program assigns).  shared.c turns
 * the pointers it finds at start-up into trampolines; a pointer stored
 * later went through raw: the library called the program's function
 * with the domain's rights (a fault in read mode as soon as it wrote the
 * program's memory), and the program called the library's with its own.
 *
 * So every 8-byte word of a shared variable (up to PKR_HOOK_SPAN bytes
 * each, PKR_MAX_HOOKS in all) is watched: the gate compares each with
 * the value last seen, on the way into a domain and on the way back out
 * (gate.S, hooks_scan: two loads and a compare per word), and on a
 * change calls pkr_hooks_refresh, which makes
 *  - a pointer to code of a domain's namespace: that function's
 *    trampoline (the program's call goes through the gate);
 *  - a pointer to other code (the program's, or another library's):
 *    a callback stub for the variable's domain (the library's call
 *    takes the program's rights, as for an annotated callback);
 * and writes it back into the variable.  The program then reads a stub
 * where it stored its function: calling it is the same (a stub called
 * with the program's rights jumps straight to the function), comparing
 * it is not.  Data pointers and stubs are left as they are.
 *
 * A store becomes a stub before the next crossing, not at once: a
 * library thread that reads the variable while the program thread that
 * stored it is still outside every call sees the raw pointer.
 *
 * pkr_hooks_add runs at start-up and after a dlopen, under the shim
 * lock; pkr_hooks_refresh from the gate, on any thread: it takes its own
 * lock with trylock, and does nothing inside a signal handler (the next
 * crossing outside does it).  Not async-signal-safe (the maps list,
 * stub allocation), hence that.  Runs with the program's rights.
 */
#include "config.h"

#define _GNU_SOURCE 1
#include <pthread.h>
#include <stddef.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>

#include "domains.h"
#include "hooks.h"
#include "log.h"
#include "maps.h"
#include "shared.h"
#include "thread.h"
#include "tramp.h"

struct pkr_hook pkr_hooks[PKR_MAX_HOOKS];
size_t pkr_nhooks;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

_Static_assert(sizeof(struct pkr_hook) == 24 && offsetof(struct pkr_hook, last) == 8,
	       "gate.S's hooks_scan reads struct pkr_hook");

void pkr_hooks_add(struct pkr_domain *d, uintptr_t addr, size_t size)
{
	size_t n = __atomic_load_n(&pkr_nhooks, __ATOMIC_ACQUIRE);

	if (addr % sizeof(uintptr_t))
		return;
	if (size > PKR_HOOK_SPAN)
		size = PKR_HOOK_SPAN;
	for (size_t off = 0; off + sizeof(uintptr_t) <= size; off += sizeof(uintptr_t)) {
		if (n == PKR_MAX_HOOKS) {
			pkr_log(PKR_LOG_WARN, "domain %s: more than %d words of shared variables "
				"to watch for function pointers: the rest are not",
				d->pol->name, PKR_MAX_HOOKS);
			break;
		}
		pkr_hooks[n].var = (uintptr_t *)(addr + off);
		pkr_hooks[n].last = *(uintptr_t *)(addr + off);
		pkr_hooks[n].dom = d;
		__atomic_store_n(&pkr_nhooks, ++n, __ATOMIC_RELEASE);
	}
}

/* What v should be in a variable of d's. */
static uintptr_t convert(struct pkr_domain *d, uintptr_t v, const struct pkr_map *m, long n)
{
	int prot = v ? pkr_maps_prot(m, n, v) : -1;
	struct pkr_domain *owner;
	void *stub;

	if (prot < 0 || !(prot & PROT_EXEC) || pkr_tramp_is_stub((const void *)v))
		return v;
	owner = pkr_domain_of(v, NULL, NULL);
	if (owner) {
		/* As at start-up (shared.c): an exported function or the
		 * runtime's allocator. */
		bool missing = false;
		stub = pkr_shared_stub_for(owner, v, m, n, &missing);
		if (missing)
			pkr_log(PKR_LOG_ERROR, "domain %s: a shared variable now points to a "
				"function of the namespace with no trampoline (0x%lx): the "
				"program would run it without isolation", owner->pol->name,
				(unsigned long)v);
	} else {
		stub = pkr_tramp_callback(d, (void *)v);
		if (!stub)
			pkr_log(PKR_LOG_ERROR, "domain %s: no callback slot left for the "
				"function 0x%lx stored in a shared variable: the library would "
				"run it with its own rights", d->pol->name, (unsigned long)v);
	}
	pkr_log(PKR_LOG_DEBUG, "domain %s: shared word now 0x%lx: %s %p", d->pol->name,
		(unsigned long)v, owner ? "trampoline" : "callback stub", stub);
	return stub ? (uintptr_t)stub : v;
}

/* The mappings as last read (under the lock): read again only for a
 * value they do not cover, so a variable that changes on every call (a
 * counter, a pointer into the heap) costs no system call. */
static struct pkr_map *maps;
static long nmaps = -1;

static bool covered(uintptr_t v)
{
	if (nmaps >= 0 && pkr_maps_prot(maps, nmaps, v) >= 0)
		return true;
	free(maps);
	nmaps = pkr_read_maps(&maps);
	if (nmaps < 0)
		maps = NULL;
	return nmaps >= 0 && pkr_maps_prot(maps, nmaps, v) >= 0;
}

void pkr_hooks_refresh(void)
{
	size_t n;

	/* Not inside a signal handler (a crossing from one: the interrupted
	 * code may hold malloc's lock, which reading the maps takes); the
	 * next crossing outside does it. */
	if (pkr_handler_depth || pthread_mutex_trylock(&lock) != 0)
		return;
	n = __atomic_load_n(&pkr_nhooks, __ATOMIC_ACQUIRE);
	for (size_t i = 0; i < n; i++) {
		struct pkr_hook *h = &pkr_hooks[i];
		uintptr_t v = __atomic_load_n(h->var, __ATOMIC_RELAXED), nv = v;
		if (v == h->last)
			continue;
		/* No user-space address (a number, part of a double, two
		 * ints): nothing to make of it. */
		if (v >= 0x10000 && v < 0x800000000000ull && covered(v))
			nv = convert(h->dom, v, maps, nmaps);
		/* Only if nobody stored another value meanwhile. */
		if (nv == v || __atomic_compare_exchange_n(h->var, &v, nv, false, __ATOMIC_RELAXED,
							   __ATOMIC_RELAXED))
			__atomic_store_n(&h->last, nv, __ATOMIC_RELEASE);
	}
	pthread_mutex_unlock(&lock);
}
