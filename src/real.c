/* real.c - resolve the real libc and ld.so functions.  See real.h.
 * Not async-signal-safe while resolving (start-up); the table it fills is
 * read without locks afterwards.
 */
#include "config.h"

#include <dlfcn.h>
#include <link.h>
#include <stdio.h>
#include <unistd.h>

#include "elf.h"
#include "log.h"
#include "real.h"

struct pkr_real pkr_real;

static void *need(void *p, const char *name, const char *version)
{
	if (!p) {
		pkr_log(PKR_LOG_ERROR, "cannot find %s@%s in the C library or the "
			"dynamic linker: this glibc is not supported", name, version);
		_exit(127);
	}
	return p;
}

/* name@version in the C library's own symbol table. */
void *pkr_real_libc_symbol(const char *name, const char *version)
{
	struct link_map *lm = NULL;
	Dl_info info;

	if (!dladdr1((void *)&fopen, &info, (void **)&lm, RTLD_DL_LINKMAP) || !lm)
		return need(NULL, name, version);
	return need(pkr_elf_lookup(lm, name, version), name, version);
}
#define libc_symbol pkr_real_libc_symbol

void pkr_real_resolve(void)
{
	struct pkr_real r = { 0 };

	r.dlopen = (void *(*)(const char *, int))libc_symbol("dlopen", "GLIBC_2.34");
	r.dlmopen = (void *(*)(Lmid_t, const char *, int))libc_symbol("dlmopen", "GLIBC_2.34");
	r.dlsym = (void *(*)(void *, const char *))libc_symbol("dlsym", "GLIBC_2.34");
	r.dlvsym = (void *(*)(void *, const char *, const char *))
		libc_symbol("dlvsym", "GLIBC_2.34");
	r.dlclose = (int (*)(void *))libc_symbol("dlclose", "GLIBC_2.34");
	r.sigaction = (int (*)(int, const struct sigaction *, struct sigaction *))
		libc_symbol("sigaction", "GLIBC_2.2.5");
	r.get_tls_static_info = (void (*)(size_t *, size_t *))
		need(r.dlvsym(RTLD_DEFAULT, "_dl_get_tls_static_info", "GLIBC_PRIVATE"),
		     "_dl_get_tls_static_info", "GLIBC_PRIVATE");
	r.sizeof_pthread = need(r.dlvsym(RTLD_DEFAULT, "_thread_db_sizeof_pthread",
					 "GLIBC_PRIVATE"),
				"_thread_db_sizeof_pthread", "GLIBC_PRIVATE");
	/* Racing threads compute the same values: last store wins. */
	pkr_real.dlopen = r.dlopen;
	pkr_real.dlmopen = r.dlmopen;
	pkr_real.dlsym = r.dlsym;
	pkr_real.dlvsym = r.dlvsym;
	pkr_real.dlclose = r.dlclose;
	pkr_real.sigaction = r.sigaction;
	pkr_real.get_tls_static_info = r.get_tls_static_info;
	pkr_real.sizeof_pthread = r.sizeof_pthread;
	__atomic_store_n(&pkr_real.ready, 1, __ATOMIC_RELEASE);
}
