/* loader_fini.c - destructors of a domain's namespace, and of the
 * program's own copies of its libraries.  See loader.h.
 *
 * At exit ld.so runs every object's DT_FINI_ARRAY, the namespace's
 * included, with the program's rights: a library's buggy destructor (and
 * the atexit handlers it registered, which __cxa_finalize runs from
 * there) could write anywhere, and its crash was the program's.  Each
 * entry of a namespace object's array now leads to a trampoline, so the
 * destructor runs through the gate with the domain's rights, and a fault
 * in it is rewound (void) and reported like any call's.
 *
 * The program's own copy of an isolated library stays loaded in the main
 * namespace; the shim rewrites every call into it, and its destructors
 * are made no-ops: it never runs after start-up (its constructors ran
 * before the shim's, which ld.so runs after the libraries it preloads
 * next to).
 *
 * Not async-signal-safe (start-up only).
 */
#include "config.h"

#define _GNU_SOURCE 1
#include <dlfcn.h>
#include <elf.h>
#include <link.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "domains.h"
#include "elf.h"
#include "loader.h"
#include "log.h"
#include "maps.h"
#include "real.h"

/* The fini array of l (NULL, 0 when it has none). */
static uintptr_t *fini_array(const struct link_map *l, size_t *n)
{
	uintptr_t at = 0;
	size_t size = 0;

	*n = 0;
	if (!l->l_ld || !l->l_addr)
		return NULL;
	for (const ElfW(Dyn) *d = l->l_ld; d->d_tag != DT_NULL; d++) {
		if (d->d_tag == DT_FINI_ARRAY)
			at = pkr_dyn_ptr(l->l_addr, d->d_un.d_ptr);
		else if (d->d_tag == DT_FINI_ARRAYSZ)
			size = d->d_un.d_val;
	}
	if (!at)
		return NULL;
	*n = size / sizeof(uintptr_t);
	return (uintptr_t *)at;
}

/* An entry ld.so calls (0 and -1 are markers it skips). */
static bool live(uintptr_t v)
{
	return v != 0 && v != (uintptr_t)-1;
}

size_t pkr_loader_fini_count(const struct pkr_domain *d)
{
	size_t total = 0, n;

	for (struct link_map *l = pkr_domain_first_object(d); l; l = l->l_next)
		if (!pkr_domain_shared_object(l) && fini_array(l, &n))
			total += n;
	return total;
}

size_t pkr_loader_fini_fns(struct pkr_domain *d, struct pkr_fn *f, size_t max)
{
	size_t k = 0, n;

	for (struct link_map *l = pkr_domain_first_object(d); l && k < max; l = l->l_next) {
		uintptr_t *a = pkr_domain_shared_object(l) ? NULL : fini_array(l, &n);
		for (size_t i = 0; a && i < n && k < max; i++) {
			if (!live(a[i]))
				continue;
			f[k].target = (void *)a[i];
			f[k].dom = d;
			f[k].name = "a destructor";
			f[k].fault_void = true;
			f[k].fault_errno = PKR_ERRNO_KEEP;
			k++;
		}
	}
	return k;
}

int pkr_loader_fini_patch(const struct pkr_domain *d, const struct pkr_fn *f, size_t nf)
{
	struct pkr_map *m;
	long nm = nf ? pkr_read_maps(&m) : 0;
	size_t k = 0, n;
	int rc = 0;

	if (nm < 0)
		return -1;
	for (struct link_map *l = pkr_domain_first_object(d); l && k < nf && rc == 0; l = l->l_next) {
		uintptr_t *a = pkr_domain_shared_object(l) ? NULL : fini_array(l, &n);
		for (size_t i = 0; a && i < n && k < nf && rc == 0; i++) {
			uintptr_t stub = (uintptr_t)f[k].stub;
			if (!live(a[i]))
				continue;
			/* The arrays are in RELRO: written whatever the protection. */
			if (a[i] != (uintptr_t)f[k].target ||
			    pkr_maps_write(m, nm, (uintptr_t)&a[i], &stub, sizeof stub) != 0) {
				pkr_log(PKR_LOG_ERROR, "domain %s: cannot route the destructors of "
					"%s through the gate", d->pol->name, l->l_name);
				rc = -1;
			}
			k++;
		}
	}
	if (nf)
		free(m);
	if (rc == 0)
		pkr_log(PKR_LOG_DEBUG, "domain %s: %zu destructors go through the gate",
			d->pol->name, k);
	return rc;
}

static void no_fini(void)
{
}

void pkr_loader_fini_disable(const struct pkr_domain *d, const char *path)
{
	void *h = pkr_real.dlopen(path, RTLD_LAZY | RTLD_NOLOAD);
	uintptr_t none = (uintptr_t)no_fini, *a = NULL;
	struct link_map *l = NULL;
	struct pkr_map *m;
	long nm = -1;
	size_t n = 0;

	if (h && dlinfo(h, RTLD_DI_LINKMAP, &l) == 0 && l && (a = fini_array(l, &n)))
		nm = pkr_read_maps(&m);
	for (size_t i = 0; nm >= 0 && i < n; i++)
		if (live(a[i]) && a[i] != none &&
		    pkr_maps_write(m, nm, (uintptr_t)&a[i], &none, sizeof none) != 0)
			pkr_log(PKR_LOG_WARN, "domain %s: cannot keep the destructors of the "
				"program's own copy of %s from running", d->pol->name, path);
	if (nm >= 0)
		free(m);
	if (h)
		pkr_real.dlclose(h);
}
