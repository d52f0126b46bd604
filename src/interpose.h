/* interpose.h - GOT rewriting and the dl* wrappers.
 *
 * Invariants:
 *  - pkr_interpose_patch_all() runs under pkr_shim_lock; it rewrites only
 *    GOT entries (JUMP_SLOT, GLOB_DAT) that bind to a function of an
 *    isolated library's own copy in the main namespace, and restores the
 *    page protections it found (RELRO stays read-only).
 *  - The shim's internal calls to dlopen/dlsym/... go through the
 *    pkr_real_* references below, which bind to glibc's versioned
 *    definitions and never to the shim's own wrappers.
 *  - Not async-signal-safe.
 */
#ifndef PKR_INTERPOSE_H
#define PKR_INTERPOSE_H

#include <dlfcn.h>
#include "shim.h"

void *pkr_real_dlopen(const char *file, int mode);
void *pkr_real_dlmopen(Lmid_t lmid, const char *file, int mode);
void *pkr_real_dlsym(void *h, const char *name);
void *pkr_real_dlvsym(void *h, const char *name, const char *version);
int pkr_real_dlclose(void *h);

/* A symbol of the program's C library by name and version, looked up
 * in its own symbol table (bypasses every interposer, the shim's too). */
void *pkr_libc_symbol(const char *name, const char *version);

/* Patch every object of the main namespace.  Returns the number of GOT
 * entries rewritten. */
size_t pkr_interpose_patch_all(void);

/* The stub for an address inside an isolated library (either copy), or
 * NULL.  name/version narrow the match when given. */
void *pkr_interpose_stub_for(void *addr, const char *name, const char *version);

#endif
