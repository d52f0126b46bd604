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

#include <stddef.h>
#include <stdint.h>

#include "domains.h"

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

/* The runtime's path: PKREWIND_RUNTIME, else beside libpkrewind.so,
 * else PKGLIBDIR. */
const char *pkr_loader_runtime_path(void);

/* Tag and record the objects a dlopen() inside d added to its namespace
 * (service_dl.c, through the shim's hook).  0, or -1. */
int pkr_loader_retag(struct pkr_domain *d);

/* loader_fini.c: the destructors (DT_FINI_ARRAY entries) of d's
 * namespace go through the gate: how many there are; descriptors for
 * them in f[0..max) (returns how many); after the stubs exist, the
 * arrays rewritten to them (0, or -1).  And the program's own copy of an
 * isolated library (path): its destructors made no-ops. */
size_t pkr_loader_fini_count(const struct pkr_domain *d);
size_t pkr_loader_fini_fns(struct pkr_domain *d, struct pkr_fn *f, size_t max);
int pkr_loader_fini_patch(const struct pkr_domain *d, const struct pkr_fn *f, size_t nf);
void pkr_loader_fini_disable(const struct pkr_domain *d, const char *path);

/* loader_vtab.c: the slots of the vtables in d's namespace lead to
 * entries that send every caller but the domain itself through the
 * gate.  Found once (NULL: none, or no keys); one descriptor for each
 * virtual function that is not an exported function of the domain, in
 * f[0..max) (returns how many); after the stubs exist, the slots
 * rewritten (0, or -1: said); then freed. */
struct pkr_vtabs;
struct pkr_vtabs *pkr_loader_vtab_scan(const struct pkr_domain *d);
size_t pkr_loader_vtab_count(const struct pkr_vtabs *vt);
size_t pkr_loader_vtab_fns(struct pkr_vtabs *vt, struct pkr_domain *d, struct pkr_fn *f,
			   size_t max);
int pkr_loader_vtab_patch(struct pkr_vtabs *vt, struct pkr_domain *d);
void pkr_loader_vtab_free(struct pkr_vtabs *vt);
/* The other way: the vtables of the program's classes that implement
 * one of d's libraries' classes (main_map: the program's chain) lead to
 * callback stubs.  0, or -1 (said). */
int pkr_loader_vtab_program(struct pkr_domain *d, struct link_map *main_map);

/* Tag ld.so's read-only mappings (RELRO, constants) with `key`, keeping
 * their protections (pkey.h pkr_pubkey).  0, or -1. */
int pkr_loader_tag_loader_data(int key);

#endif
