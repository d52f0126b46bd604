/* interpose.c - rewrite the main namespace's GOT entries, and the dl*
 * wrappers.  See interpose.h for the invariants.  Not async-signal-safe.
 */
#include "config.h"

#include <dlfcn.h>
#include <elf.h>
#include <limits.h>
#include <link.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/mman.h>

#include "domains.h"
#include "elf.h"
#include "interpose.h"
#include "log.h"
#include "maps.h"
#include "real.h"

/* The real functions, resolved on first use: a wrapper may run before
 * the shim's constructor (another object's constructor calls dlopen). */
#define R pkr_real_init()

static void (*on_load)(void);

void pkr_interpose_on_load(void (*fn)(void))
{
	on_load = fn;
}

/* ---- which library an address belongs to ----------------------------- */

void *pkr_interpose_stub_for(void *addr, const char *name, const char *version)
{
	const struct pkr_lib *lib;
	struct pkr_domain *d;
	struct pkr_fn *f;
	bool in_ns;

	d = pkr_domain_of((uintptr_t)addr, &lib, &in_ns);
	if (!d)
		return NULL;
	if (name) {
		f = pkr_domain_lookup(d, name, version);
		return f ? f->stub : NULL;
	}
	/* By address: the two copies of a library differ only by load bias. */
	uintptr_t target = in_ns ? (uintptr_t)addr
				 : (uintptr_t)addr - lib->base_lo + lib->ns_lo;
	for (size_t i = 0; i < d->nfns; i++)
		if ((uintptr_t)d->fns[i].target == target)
			return d->fns[i].stub;
	return NULL;
}

/* ---- GOT rewriting ---------------------------------------------------- */

static const char *needed_version(const struct pkr_dyn *di, size_t symidx)
{
	ElfW(Half) vi;
	const ElfW(Verneed) *vn;

	if (!di->versym || !di->verneed)
		return NULL;
	vi = di->versym[symidx] & 0x7fff;
	if (vi < 2)
		return NULL;
	for (vn = di->verneed;; vn = (const void *)((const char *)vn + vn->vn_next)) {
		const ElfW(Vernaux) *a = (const void *)((const char *)vn + vn->vn_aux);
		for (unsigned k = 0; k < vn->vn_cnt; k++) {
			if (a->vna_other == vi)
				return di->strtab + a->vna_name;
			a = (const void *)((const char *)a + a->vna_next);
		}
		if (!vn->vn_next)
			break;
	}
	return NULL;
}

struct patch_ctx {
	struct pkr_map *maps;
	long nmaps;
	size_t patched;
	size_t failed;                 /* slots that could not be rewritten */
	uintptr_t self_base;
};

static int write_slot(struct patch_ctx *c, uintptr_t *slot, uintptr_t val)
{
	return pkr_maps_write(c->maps, c->nmaps, (uintptr_t)slot, &val, sizeof val);
}

static void patch_relocs(struct patch_ctx *c, const struct dl_phdr_info *info,
			 const struct pkr_dyn *di, const ElfW(Rela) *r, size_t sz,
			 uintptr_t lo, uintptr_t hi)
{
	for (size_t i = 0; i < sz / sizeof *r; i++) {
		unsigned type = ELF64_R_TYPE(r[i].r_info);
		size_t idx = ELF64_R_SYM(r[i].r_info);
		const ElfW(Sym) *sym;
		const char *name, *ver;
		uintptr_t *slot, cur;
		struct pkr_fn *f = NULL;
		struct pkr_domain *d = NULL;

		if (idx == 0 || (type != R_X86_64_JUMP_SLOT && type != R_X86_64_GLOB_DAT &&
				 type != R_X86_64_COPY))
			continue;
		sym = &di->symtab[idx];
		if (sym->st_shndx != SHN_UNDEF && type != R_X86_64_COPY)
			continue;
		name = di->strtab + sym->st_name;
		ver = needed_version(di, idx);
		for (size_t k = 0; k < PKR_MAX_DOM && !f; k++) {
			if (!(d = pkr_domains[k]))
				continue;
			f = pkr_domain_lookup(d, name, ver);
			/* A data object cannot be trampolined: it is made one
			 * copy (shared.c).  Through a copy relocation the
			 * program holds its own copy, so the name is what tells
			 * it is the library's. */
			if (!f && type != R_X86_64_JUMP_SLOT &&
			    ELF64_ST_TYPE(sym->st_info) == STT_OBJECT)
				for (size_t j = 0; j < d->ndata; j++)
					if (!strcmp(d->data[j].name, name))
						d->data[j].used = true;
		}
		if (!f || type == R_X86_64_COPY)
			continue;
		slot = (uintptr_t *)(info->dlpi_addr + r[i].r_offset);
		cur = *slot;
		if (cur == (uintptr_t)f->stub)
			continue;
		if (cur >= lo && cur < hi) {
			/* lazy binding not done yet: where would it bind? */
			cur = (uintptr_t)(ver ? R->dlvsym(RTLD_DEFAULT, name, ver)
					      : R->dlsym(RTLD_DEFAULT, name));
		}
		const struct pkr_lib *l;
		bool in_ns;
		if (!cur || pkr_domain_of(cur, &l, &in_ns) != f->dom)
			continue;     /* binds to another library's definition */
		if (write_slot(c, slot, (uintptr_t)f->stub) == 0) {
			c->patched++;
			pkr_log(PKR_LOG_DEBUG, "patched %s: %s%s%s -> trampoline",
				info->dlpi_name[0] ? info->dlpi_name : "(program)", name,
				ver ? "@" : "", ver ? ver : "");
		} else {
			pkr_log(PKR_LOG_ERROR, "cannot rewrite the GOT entry of %s in %s",
				name, info->dlpi_name[0] ? info->dlpi_name : "the program");
			c->failed++;
		}
	}
}

static int patch_object(struct dl_phdr_info *info, size_t size, void *arg)
{
	struct patch_ctx *c = arg;
	const ElfW(Dyn) *dyn = NULL;
	const struct pkr_lib *lib;     /* the program's own copy of an isolated */
	bool in_ns;                    /* library is never called: skip it */
	struct pkr_dyn di;
	uintptr_t lo, hi;

	(void)size;
	if (info->dlpi_addr == c->self_base || info->dlpi_addr == getauxval(AT_BASE) ||
	    info->dlpi_addr == getauxval(AT_SYSINFO_EHDR) ||
	    pkr_domain_of(info->dlpi_addr, &lib, &in_ns) ||
	    !strncmp(info->dlpi_name, "linux-vdso", 10))
		return 0;
	pkr_elf_phdr_range(info->dlpi_addr, info->dlpi_phdr, info->dlpi_phnum, &lo, &hi, &dyn);
	if (!dyn)
		return 0;
	pkr_dyn_parse(info->dlpi_addr, dyn, &di);
	if (!di.symtab || !di.strtab)
		return 0;
	if (di.jmprel)
		patch_relocs(c, info, &di, di.jmprel, di.jmprelsz, lo, hi);
	if (di.rela)
		patch_relocs(c, info, &di, di.rela, di.relasz, lo, hi);
	return 0;
}

long pkr_interpose_patch_all(void)
{
	struct patch_ctx c = { 0 };
	Dl_info self;

	if (dladdr((void *)&pkr_interpose_patch_all, &self))
		c.self_base = (uintptr_t)self.dli_fbase;
	c.nmaps = pkr_read_maps(&c.maps);
	if (c.nmaps < 0) {
		pkr_log(PKR_LOG_ERROR, "cannot read /proc/self/maps");
		return -1;
	}
	dl_iterate_phdr(patch_object, &c);
	free(c.maps);
	return c.failed ? -1 : (long)c.patched;
}

/* ---- the dl* wrappers ------------------------------------------------- */

/* dlsym(RTLD_NEXT) must search after the *caller*, not after the shim. */
static void *next_after(void *caller, const char *name, const char *version)
{
	struct link_map *lm = NULL, *def;
	Dl_info info;

	if (!dladdr1(caller, &info, (void **)&lm, RTLD_DL_LINKMAP) || !lm)
		return NULL;
	/* A link_map is a valid dlsym handle only for objects glibc gave a
	 * search list (the program, dlopen()ed objects): open each object by
	 * name without loading anything, and keep only its own definitions. */
	for (struct link_map *m = lm->l_next; m; m = m->l_next) {
		void *h, *r;
		if (!m->l_name || !m->l_name[0] ||
		    !(h = R->dlopen(m->l_name, RTLD_LAZY | RTLD_NOLOAD)))
			continue;
		r = version ? R->dlvsym(h, name, version) : R->dlsym(h, name);
		R->dlclose(h);
		if (r && dladdr1(r, &info, (void **)&def, RTLD_DL_LINKMAP) && def == m)
			return r;
	}
	return NULL;
}

static void *lookup(void *h, const char *name, const char *version, void *caller)
{
	void *r;

	if (h == RTLD_NEXT)
		r = next_after(caller, name, version);
	else
		r = version ? R->dlvsym(h, name, version) : R->dlsym(h, name);
	if (r && pkr_ndomains) {
		void *s = pkr_interpose_stub_for(r, name, version);
		if (s)
			return s;
	}
	return r;
}

PKR_EXPORT void *dlsym(void *h, const char *name)
{
	return lookup(h, name, NULL, __builtin_return_address(0));
}

PKR_EXPORT void *dlvsym(void *h, const char *name, const char *version)
{
	return lookup(h, name, version, __builtin_return_address(0));
}

/* glibc's dlopen searches the *caller's* DT_RUNPATH/DT_RPATH for a bare
 * name, and through this wrapper the caller would be the shim.  Do that
 * part of the search for the real caller, then let glibc do the rest. */
static void *open_as(void *caller, const char *file, int mode)
{
	struct link_map *lm = NULL;
	Dl_serinfo size, *si = NULL;
	Dl_info info;
	void *h = NULL;

	if (!file || strchr(file, '/'))
		return R->dlopen(file, mode);
	/* Already loaded (by soname): glibc applies the mode flags and counts
	 * the reference, as the plain call would. */
	if ((h = R->dlopen(file, mode | RTLD_NOLOAD)))
		return h;
	if (!dladdr1(caller, &info, (void **)&lm, RTLD_DL_LINKMAP) || !lm ||
	    dlinfo(lm, RTLD_DI_SERINFOSIZE, &size) != 0 ||
	    !(si = malloc(size.dls_size)))
		return R->dlopen(file, mode);
	si->dls_size = size.dls_size;
	si->dls_cnt = size.dls_cnt;
	if (dlinfo(lm, RTLD_DI_SERINFO, si) == 0) {
		for (unsigned i = 0; i < si->dls_cnt && !h; i++) {
			char path[PATH_MAX];
			if (snprintf(path, sizeof path, "%s/%s", si->dls_serpath[i].dls_name,
				     file) < (int)sizeof path && access(path, F_OK) == 0)
				h = R->dlopen(path, mode);
		}
	}
	free(si);
	return h ? h : R->dlopen(file, mode);
}

PKR_EXPORT void *dlopen(const char *file, int mode)
{
	void *h = open_as(__builtin_return_address(0), file, mode);

	if (h && on_load)
		on_load();
	return h;
}

PKR_EXPORT void *dlmopen(Lmid_t lmid, const char *file, int mode)
{
	void *h = R->dlmopen(lmid, file, mode);

	if (h && lmid == LM_ID_BASE && on_load)
		on_load();
	return h;
}
