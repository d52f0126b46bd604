/* interpose.h - GOT rewriting and the dl* wrappers.
 *
 * Invariants:
 *  - pkr_interpose_patch_all() runs under pkr_shim_lock; it rewrites only
 *    GOT entries (JUMP_SLOT, GLOB_DAT) that bind to a function of an
 *    isolated library's own copy in the main namespace, and restores the
 *    page protections it found (RELRO stays read-only).
 *  - The wrappers call glibc's own functions through pkr_real (real.h),
 *    never the shim's wrappers.
 *  - After loading into the main namespace, the dlopen and dlmopen
 *    wrappers call the hook the top floor set (pkr_interpose_on_load):
 *    this module does not call upwards by name.
 *  - Not async-signal-safe.
 */
#ifndef PKR_INTERPOSE_H
#define PKR_INTERPOSE_H

#include <dlfcn.h>
#include <stddef.h>

#include "domains.h"

/* fn runs after every successful dlopen, and dlmopen(LM_ID_BASE). */
void pkr_interpose_on_load(void (*fn)(void));

/* Patch every object of the main namespace.  Returns the number of GOT
 * entries rewritten, or -1 if any entry that leads to an isolated
 * library could not be rewritten (or the memory map could not be read):
 * the caller must not let the program run with that call unisolated. */
long pkr_interpose_patch_all(void);

/* The stub for an address inside an isolated library (either copy), or
 * NULL.  name/version narrow the match when given. */
void *pkr_interpose_stub_for(void *addr, const char *name, const char *version);

#endif
