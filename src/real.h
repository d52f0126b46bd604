/* real.h - the real C library and ld.so functions the shim calls.
 *
 * Invariants:
 *  - Ground floor: includes no other shim header but log.h and elf.h.
 *  - The shim exports its own dlopen, dlmopen, dlsym, dlvsym, sigaction
 *    and signal.  A versioned reference such as dlsym@GLIBC_2.34 from the
 *    shim would bind to the shim's own unversioned wrapper (it comes
 *    first in the global scope, and ld.so lets an unversioned definition
 *    satisfy a versioned reference), so every real function is found in
 *    its object's own GNU hash table (pkr_elf_lookup), or, for ld.so's
 *    private symbols, through the real dlvsym.
 *  - pkr_real_init() resolves all of them once: the shim's constructor
 *    calls it first; the wrappers call it too, because another object's
 *    constructor may call dlopen or sigaction before the shim's runs.  A
 *    missing function is reported and the process exits with status 127.
 *  - After pkr_real_init() every member is set and calling through
 *    pkr_real is async-signal-safe as far as the function itself is
 *    (sigaction is; the fault handler uses it).
 */
#ifndef PKR_REAL_H
#define PKR_REAL_H

#include <dlfcn.h>
#include <signal.h>
#include <stddef.h>

struct pkr_real {
	void *(*dlopen)(const char *, int);
	void *(*dlmopen)(Lmid_t, const char *, int);
	void *(*dlsym)(void *, const char *);
	void *(*dlvsym)(void *, const char *, const char *);
	int (*dlclose)(void *);
	int (*sigaction)(int, const struct sigaction *, struct sigaction *);
	/* ld.so's static TLS layout (GLIBC_PRIVATE): thread.c's shadow blocks */
	void (*get_tls_static_info)(size_t *, size_t *);
	const unsigned int *sizeof_pthread;
	int ready;
};

extern struct pkr_real pkr_real __attribute__((visibility("hidden")));

void pkr_real_resolve(void);

/* name@version from the C library's own symbol table; allocates nothing
 * (usable before start-up, from free()); exits 127 if missing. */
void *pkr_real_libc_symbol(const char *name, const char *version);

static inline const struct pkr_real *pkr_real_init(void)
{
	if (!__atomic_load_n(&pkr_real.ready, __ATOMIC_ACQUIRE))
		pkr_real_resolve();
	return &pkr_real;
}

#endif
