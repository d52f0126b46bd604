/* crossheap.c - the program's free() and realloc() of memory a domain
 * allocated.  See crossheap.h.
 *
 * free(), realloc() and malloc_usable_size() are exported by the shim and
 * so come before libc's in the main namespace.  A pointer into a domain's
 * heap goes, through the gate, to that domain's own allocator (the
 * runtime's free/realloc, with the domain's rights); every other pointer
 * goes to the C library's.  Neither allocator ever sees the other's
 * chunks.
 *
 * Not async-signal-safe (nor are free and realloc).  The lookup reads
 * pkr_domains without a lock: a domain is complete before it is
 * published there, and never removed.
 */
#include "config.h"

#include <malloc.h>
#include <stddef.h>
#include <stdlib.h>
#include <stdint.h>

#include "crossheap.h"
#include "domains.h"
#include "real.h"

static void (*libc_free)(void *);
static void *(*libc_realloc)(void *, size_t);
static size_t (*libc_usable)(void *);

/* The C library's own functions, by symbol table lookup (allocation-free:
 * ld.so frees through this free() before the shim's constructor runs). */
static void resolve(void)
{
	if (!libc_free) {
		libc_usable = (size_t (*)(void *))pkr_real_libc_symbol("malloc_usable_size",
								       "GLIBC_2.2.5");
		libc_realloc = (void *(*)(void *, size_t))pkr_real_libc_symbol("realloc",
									    "GLIBC_2.2.5");
		__atomic_store_n(&libc_free, (void (*)(void *))pkr_real_libc_symbol("free",
							"GLIBC_2.2.5"), __ATOMIC_RELEASE);
	}
}

void pkr_crossheap_init(void)
{
	resolve();
}

/* The domain whose heap holds p, if it has the runtime's functions. */
static struct pkr_domain *owner(const void *p)
{
	struct pkr_domain *d = pkr_domain_of_heap((uintptr_t)p);

	return d && d->rt_free ? d : NULL;
}

PKR_EXPORT void free(void *p)
{
	struct pkr_domain *d;

	if (!p)
		return;
	if ((d = owner(p))) {
		((void (*)(void *))d->rt_free->stub)(p);
		return;
	}
	resolve();
	libc_free(p);
}

PKR_EXPORT void *realloc(void *p, size_t n)
{
	struct pkr_domain *d;

	if (p && (d = owner(p)))
		return ((void *(*)(void *, size_t))d->rt_realloc->stub)(p, n);
	resolve();
	return libc_realloc(p, n);
}

PKR_EXPORT size_t malloc_usable_size(void *p)
{
	struct pkr_domain *d;

	if (p && (d = owner(p)))
		return ((size_t (*)(void *))d->rt_usable->stub)(p);
	resolve();
	return libc_usable(p);
}
