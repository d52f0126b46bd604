/* loader.h - link namespaces, the domain runtime, key tagging.
 *
 * Invariants:
 *  - Called under pkr_shim_lock at start-up or from the dlopen wrapper;
 *    allocates; never in a signal handler.
 *  - A domain owns one protection key and one link namespace whose first
 *    object is libpkrewind-rt.so.  Every mapping of every object of the
 *    namespace (except the ld.so proxy entry shared by all namespaces),
 *    the domain heap, and every stack and shadow block made for it carry
 *    the domain's key; protections are never changed by tagging.
 *  - Library constructors in the namespace run at load time with the
 *    program's rights (before any untrusted input reaches the library).
 */
#ifndef PKR_LOADER_H
#define PKR_LOADER_H

#include "shim.h"

/* A main-namespace object that matched one of a domain's libraries. */
struct pkr_lib_match {
	const char *path;
	uintptr_t lo, hi;            /* its address range in the main namespace */
};

/* Create domain number `index` for policy entry `dp`.  NULL on error
 * (already reported). */
struct pkr_domain *pkr_loader_create(const struct pkr_domain_policy *dp, unsigned index,
				     const struct pkr_lib_match *m, size_t n);

/* The program loaded more objects that match domain `d`: record where
 * its own copies are, so that references to them are rewritten. */
void pkr_loader_adopt(struct pkr_domain *d, const struct pkr_lib_match *m, size_t n);

/* A function of the domain by name and version (NULL: the default
 * version, else any). */
struct pkr_fn *pkr_domain_lookup(struct pkr_domain *d, const char *name, const char *version);

/* The runtime's path: PKREWIND_RUNTIME, else beside libpkrewind.so,
 * else PKGLIBDIR/LIBDIR. */
const char *pkr_loader_runtime_path(void);

/* on-fault reset: copy every writable mapping of the namespace and the
 * used part of the domain heap (at the end of pkr_loader_create), and
 * copy them back.  pkr_snapshot_restore() and pkr_snapshot_unlock_heap()
 * are async-signal-safe (memcpy, madvise); they run in the fault handler.
 * Memory the library mapped itself after the snapshot is not dropped. */
int pkr_snapshot_take(struct pkr_domain *d);
void pkr_snapshot_restore(struct pkr_domain *d);
/* on-fault rewind: a fault inside the runtime's allocator leaves its lock
 * held by the rewound thread; release it. */
void pkr_snapshot_unlock_heap(struct pkr_domain *d, uintptr_t pc);

/* One mapping of /proc/self/maps. */
struct pkr_map { uintptr_t lo, hi; int prot; };
/* Read /proc/self/maps (malloc'd array).  Returns the count or -1. */
long pkr_read_maps(struct pkr_map **out);
/* Protections of the page at addr, or -1. */
int pkr_maps_prot(const struct pkr_map *m, long n, uintptr_t addr);

#endif
