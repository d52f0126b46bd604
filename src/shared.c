/* shared.c - one copy of every data object the program shares with an
 * isolated library.  See shared.h.
 *
 * Not async-signal-safe (start-up and after dlopen, under the shim lock).
 */
#include "config.h"

#define _GNU_SOURCE 1
#include <dlfcn.h>
#include <elf.h>
#include <errno.h>
#include <link.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "domains.h"
#include "elf.h"
#include "interpose.h"
#include "log.h"
#include "maps.h"
#include "real.h"
#include "shared.h"

void *pkr_shared_stub_for(const struct pkr_domain *d, uintptr_t v, const struct pkr_map *m,
		      long n, bool *missing)
{
	const struct pkr_fn *const rt[] = { d->rt_free, d->rt_realloc, d->rt_malloc, d->rt_calloc };
	void *s;

	if (!pkr_domain_in_objs(d, v, 1) || !(pkr_maps_prot(m, n, v) & PROT_EXEC))
		return NULL;
	for (size_t i = 0; i < sizeof rt / sizeof rt[0]; i++)
		if (rt[i] && (uintptr_t)rt[i]->target == v)
			return rt[i]->stub;
	s = pkr_interpose_stub_for((void *)v, NULL, NULL);
	if (!s)
		*missing = true;
	return s;
}

/* Point every reference of the objects from l on (a namespace's chain) to
 * `name` (GOT slots, absolute pointers in data) that is bound to the copy
 * at `ns` (size bytes) at `one` instead.  Returns how many, or -1. */
static long redirect(struct link_map *l, const char *name, uintptr_t ns, size_t size,
		     uintptr_t one, const struct pkr_map *m, long n)
{
	long count = 0;

	if (!l)
		return -1;
	for (; l; l = l->l_next) {
		struct pkr_dyn di;
		if (!l->l_ld || !l->l_addr)
			continue;
		pkr_dyn_parse(l->l_addr, l->l_ld, &di);
		if (!di.symtab || !di.strtab || !di.rela)
			continue;
		for (size_t i = 0; i < di.relasz / sizeof *di.rela; i++) {
			const ElfW(Rela) *r = &di.rela[i];
			unsigned type = ELF64_R_TYPE(r->r_info);
			size_t idx = ELF64_R_SYM(r->r_info);
			uintptr_t *slot = (uintptr_t *)(l->l_addr + r->r_offset), v;
			if (idx == 0 || (type != R_X86_64_GLOB_DAT && type != R_X86_64_64) ||
			    strcmp(di.strtab + di.symtab[idx].st_name, name) != 0)
				continue;
			v = *slot;
			if (v < ns || v - ns > size)
				continue;     /* bound elsewhere (another definition) */
			v = one + (v - ns);
			if (pkr_maps_write(m, n, (uintptr_t)slot, &v, sizeof v) != 0)
				return -1;
			count++;
		}
	}
	return count;
}

/* The main namespace's chain of objects, the executable first. */
static struct link_map *main_chain(void)
{
	static struct link_map *main_map;

	if (!main_map) {
		main_map = pkr_real.dlopen(NULL, RTLD_NOW);
		if (main_map)
			pkr_real.dlclose(main_map);   /* it stays: the program */
	}
	return main_map;
}

/* Is a lies in the executable (a copy relocation put the variable
 * there: its address is fixed by the program's code)? */
static bool in_executable(uintptr_t a)
{
	struct link_map *l = main_chain();
	uintptr_t lo, hi;

	return l && pkr_elf_object_range(l, &lo, &hi) == 0 && a >= lo && a < hi;
}

/* Does the namespace copy at ns (size bytes) hold a pointer to code of
 * the namespace (a function-pointer variable: the program must reach
 * such a function through its trampoline, so the one copy is its)? */
static bool holds_code(const struct pkr_domain *d, uintptr_t ns, size_t size,
		       const struct pkr_map *m, long n)
{
	for (size_t off = 0; off + sizeof(uintptr_t) <= size && ns % sizeof(uintptr_t) == 0;
	     off += sizeof(uintptr_t)) {
		uintptr_t v;
		bool missing = false;
		memcpy(&v, (const void *)(ns + off), sizeof v);
		if (pkr_shared_stub_for(d, v, m, n, &missing) || missing)
			return true;
	}
	return false;
}

/* Make data object x of d one copy.  0, or -1 (said why). */
static int share(struct pkr_domain *d, struct pkr_data *x, const struct pkr_map *m, long n)
{
	const char *dn = d->pol->name;
	uintptr_t one = (uintptr_t)pkr_real.dlsym(RTLD_DEFAULT, x->name), ns = 0;
	const ElfW(Sym) *sym = NULL;
	Dl_info info;
	size_t size;
	long refs;

	for (size_t i = 0; i < d->nlibs && !ns; i++)
		ns = (uintptr_t)pkr_real.dlsym(d->libs[i].ns_handle, x->name);
	if (!one || !ns || !dladdr1((void *)ns, &info, (void **)&sym, RTLD_DL_SYMENT) || !sym) {
		pkr_log(PKR_LOG_ERROR, "domain %s: cannot find both copies of data object '%s'",
			dn, x->name);
		return -1;
	}
	size = sym->st_size;
	if (!in_executable(one) && !holds_code(d, ns, size, m, n)) {
		/* Only GOT slots and pointers reach it on the program's side,
		 * so the one copy can be the namespace's: the library writes
		 * it in every mode, the program (every right) reads and
		 * writes it there. */
		refs = redirect(main_chain(), x->name, one, size, ns, m, n);
		if (refs < 0) {
			pkr_log(PKR_LOG_ERROR, "domain %s: cannot point the program's references "
				"to data object '%s' at the library's copy", dn, x->name);
			return -1;
		}
		pkr_log(PKR_LOG_INFO, "domain %s: data object '%s' (%zu bytes) is shared: one "
			"copy, the library's at %p; %ld reference%s of the program point there",
			dn, x->name, size, (void *)ns, refs, refs == 1 ? "" : "s");
		x->addr = ns;
		x->size = size;
		x->shared = true;
		return 0;
	}
	if (d->pol->trust == PKR_TRUST_NONE) {
		pkr_log(PKR_LOG_ERROR, "domain %s: the program uses data object '%s' of the "
			"library, which in trusted-memory none could not read the one copy "
			"(it lives in program memory): use read or write mode", dn, x->name);
		return -1;
	}
	if (ELF64_ST_VISIBILITY(sym->st_other) == STV_PROTECTED) {
		pkr_log(PKR_LOG_ERROR, "domain %s: data object '%s' has protected visibility: "
			"the library reaches its own copy directly, and the program's copy "
			"cannot be made the one copy", dn, x->name);
		return -1;
	}
	/* The value the namespace's constructors left, function pointers into
	 * the namespace made trampolines: built in a buffer, then written
	 * (a copy of read-only data lies in RELRO: made writable meanwhile). */
	{
		unsigned char *buf = malloc(size ? size : 1);
		if (!buf)
			return -1;
		memcpy(buf, (const void *)ns, size);
		for (size_t off = 0; off + sizeof(uintptr_t) <= size && one % sizeof(uintptr_t) == 0;
		     off += sizeof(uintptr_t)) {
			uintptr_t v;
			bool missing = false;
			void *stub;
			memcpy(&v, buf + off, sizeof v);
			stub = pkr_shared_stub_for(d, v, m, n, &missing);
			if (stub) {
				v = (uintptr_t)stub;
				memcpy(buf + off, &v, sizeof v);
			} else if (missing) {
				char where[96];
				pkr_domain_where(d, v, where, sizeof where);
				pkr_log(PKR_LOG_ERROR, "domain %s: data object '%s' points to %s, "
					"a function of the namespace with no trampoline: the "
					"program would run it without isolation", dn, x->name, where);
				free(buf);
				return -1;
			}
		}
		if (memcmp((void *)one, buf, size) != 0 && pkr_maps_write(m, n, one, buf, size) != 0) {
			pkr_log(PKR_LOG_ERROR, "domain %s: cannot write the program's copy of "
				"data object '%s'", dn, x->name);
			free(buf);
			return -1;
		}
		free(buf);
	}
	refs = redirect(pkr_domain_first_object(d), x->name, ns, size, one, m, n);
	if (refs < 0) {
		pkr_log(PKR_LOG_ERROR, "domain %s: cannot point the library's references to "
			"data object '%s' at the program's copy", dn, x->name);
		return -1;
	}
	pkr_log(PKR_LOG_INFO, "domain %s: data object '%s' (%zu bytes) is shared: one copy "
		"in program memory at %p, %ld reference%s of the namespace point there%s",
		dn, x->name, size, (void *)one, refs, refs == 1 ? "" : "s",
		d->pol->trust == PKR_TRUST_READ ? " (read-only to the library)" : "");
	if (refs == 0)
		pkr_log(PKR_LOG_INFO, "domain %s: the library's code does not refer to data "
			"object '%s' through its GOT (it may not use it at all)", dn, x->name);
	x->addr = one;
	x->size = size;
	x->shared = true;
	return 0;
}

int pkr_shared_data(struct pkr_domain *d)
{
	struct pkr_map *m;
	bool todo = false;
	long n;
	int rc = 0;

	for (size_t i = 0; i < d->ndata; i++)
		todo |= d->data[i].used && !d->data[i].shared;
	if (!todo)
		return 0;
	n = pkr_read_maps(&m);
	if (n < 0)
		return -1;
	for (size_t i = 0; i < d->ndata && rc == 0; i++)
		if (d->data[i].used && !d->data[i].shared)
			rc = share(d, &d->data[i], m, n);
	free(m);
	return rc;
}
