/* tlsdesc.c - a namespace object's TLS descriptors for dynamic TLS go to
 * the domain runtime.
 *
 * Code built with -mtls-dialect=gnu2 reaches a `__thread` variable
 * through a TLS descriptor (R_X86_64_TLSDESC: a function and its
 * argument) that ld.so filled in at load time.  For a module in static
 * TLS (the argument is the variable's negative offset from the thread
 * pointer) its function only returns that, in every mode.  For one in
 * dynamic TLS the argument points at a record ld.so allocated with the
 * program's malloc, and its function reads it and the thread's DTV, and
 * allocates there: program memory, a fault in read and none modes.  Such
 * descriptors get the runtime's function instead (runtime/rt_tlsdesc.S)
 * and, as argument, a copy of the module and offset in pages with the
 * domain's key; the runtime finds the block as its __tls_get_addr does.
 * An undefined weak variable's descriptor (a small argument) is left
 * alone.  The loader calls this for each object it tags, at creation
 * and after a dlopen inside the domain (objects load with RTLD_NOW, so
 * no descriptor is resolved lazily).
 *
 * Not async-signal-safe (mmap, the maps list).  Runs with the program's
 * rights, at start-up and in the dlopen service.
 */
#include "config.h"

#define _GNU_SOURCE 1
#include <elf.h>
#include <link.h>
#include <stdint.h>
#include <sys/mman.h>

#include "domains.h"
#include "elf.h"
#include "log.h"
#include "maps.h"
#include "real.h"
#include "tlsdesc.h"

struct tls_index {
	uintptr_t module, offset;
};

#define POOL (4096 / sizeof(struct tls_index))

/* Arguments handed out, per domain: the current page and how much of it
 * is used.  A new page when it is full; pages are never given back (the
 * objects are never unloaded). */
static struct {
	struct tls_index *page;
	size_t used;
} pools[PKR_MAX_DOM];

static struct tls_index *new_index(struct pkr_domain *d, uintptr_t module, uintptr_t offset)
{
	struct tls_index *ti, *page = pools[d->index].page;

	if (!page || pools[d->index].used == POOL) {
		page = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (page == MAP_FAILED)
			return NULL;
		pools[d->index].page = page;
		pools[d->index].used = 0;
	} else if (pkey_mprotect(page, 4096, PROT_READ | PROT_WRITE, d->pkey) != 0) {
		return NULL;
	}
	ti = &page[pools[d->index].used++];
	ti->module = module;
	ti->offset = offset;
	/* Read-only to the library: it could otherwise aim its own
	 * accesses at another module's block (its own memory, but not
	 * what the descriptor said). */
	if (pkey_mprotect(page, 4096, PROT_READ, d->pkey) != 0)
		return NULL;
	return ti;
}

static int route(struct pkr_domain *d, const struct link_map *l, const ElfW(Rela) *r,
		 size_t n, void *fn, const struct pkr_map *m, long nm, size_t *count)
{
	for (size_t i = 0; i < n; i++) {
		uintptr_t *desc = (uintptr_t *)(l->l_addr + r[i].r_offset), v[2];
		const uintptr_t *rec;
		struct tls_index *ti;

		if (ELF64_R_TYPE(r[i].r_info) != R_X86_64_TLSDESC)
			continue;
		/* Static TLS: a negative offset; undefined weak: the addend. */
		if ((intptr_t)desc[1] < 4096)
			continue;
		rec = (const uintptr_t *)desc[1];   /* ld.so's {module, offset, generation} */
		if (rec[0] == 0 || rec[0] > (1u << 20))
			continue;
		ti = new_index(d, rec[0], rec[1]);
		v[0] = (uintptr_t)fn;
		v[1] = (uintptr_t)ti;
		if (!ti || pkr_maps_write(m, nm, (uintptr_t)desc, v, sizeof v) != 0) {
			pkr_log(PKR_LOG_ERROR, "domain %s: %s: cannot route a TLS descriptor",
				d->pol->name, l->l_name);
			return -1;
		}
		(*count)++;
	}
	return 0;
}

int pkr_tlsdesc_route(struct pkr_domain *d, const struct link_map *l, const struct pkr_map *m,
		      long nm)
{
	struct pkr_dyn di;
	size_t count = 0;
	void *fn;

	if (!l->l_ld)
		return 0;
	pkr_dyn_parse(l->l_addr, l->l_ld, &di);
	if (!di.rela && !di.jmprel)
		return 0;
	fn = pkr_real.dlsym(d->rt_handle, "pkr_rt_tlsdesc");
	if (!fn) {
		pkr_log(PKR_LOG_ERROR, "domain %s: the runtime has no pkr_rt_tlsdesc", d->pol->name);
		return -1;
	}
	if ((di.rela && route(d, l, di.rela, di.relasz / sizeof *di.rela, fn, m, nm, &count) != 0) ||
	    (di.jmprel && route(d, l, di.jmprel, di.jmprelsz / sizeof *di.jmprel, fn, m, nm, &count) != 0))
		return -1;
	if (count)
		pkr_log(PKR_LOG_DEBUG, "domain %s: %s: %zu TLS descriptors of dynamic TLS go to "
			"the runtime", d->pol->name, l->l_name, count);
	return 0;
}
