/* elf.c - loaded ELF objects in memory.  See elf.h.  Reads memory only;
 * pkr_dynsym_read() allocates. */
#include "config.h"

#include <elf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "elf.h"

/* Number of entries in .dynsym: DT_HASH says it; with only DT_GNU_HASH,
 * follow the chain that starts at the highest bucket to its end. */
void pkr_gnu_hash_parse(const uint32_t *gh, struct pkr_gnu_hash *o)
{
	o->nbuckets = gh[0];
	o->symoff = gh[1];
	o->buckets = gh + 4 + (size_t)gh[2] * (sizeof(ElfW(Addr)) / 4);
	o->chain = o->buckets + o->nbuckets;
}

static size_t count_symbols(const uint32_t *hash, const uint32_t *gnu)
{
	struct pkr_gnu_hash g;
	uint32_t last = 0;

	if (hash)
		return hash[1];
	if (!gnu)
		return 0;
	pkr_gnu_hash_parse(gnu, &g);
	for (uint32_t b = 0; b < g.nbuckets; b++)
		if (g.buckets[b] > last)
			last = g.buckets[b];
	if (last < g.symoff)
		return g.symoff;
	while (!(g.chain[last - g.symoff] & 1))
		last++;
	return (size_t)last + 1;
}

static const char *version_name(const ElfW(Verdef) *vd, const char *strtab, unsigned ndx)
{
	for (; vd; vd = vd->vd_next ? (const void *)((const char *)vd + vd->vd_next) : NULL) {
		if (vd->vd_ndx != ndx || (vd->vd_flags & VER_FLG_BASE))
			continue;
		const ElfW(Verdaux) *a = (const void *)((const char *)vd + vd->vd_aux);
		return strtab + a->vda_name;
	}
	return NULL;
}

void pkr_dyn_parse(uintptr_t base, const ElfW(Dyn) *dyn, struct pkr_dyn *o)
{
	uintptr_t soname = 0;
	int has_soname = 0;

	memset(o, 0, sizeof *o);
	for (const ElfW(Dyn) *d = dyn; d && d->d_tag != DT_NULL; d++) {
		const void *p = (const void *)pkr_dyn_ptr(base, d->d_un.d_ptr);
		switch (d->d_tag) {
		case DT_SYMTAB:   o->symtab = p; break;
		case DT_STRTAB:   o->strtab = p; break;
		case DT_HASH:     o->hash = p; break;
		case DT_GNU_HASH: o->gnu_hash = p; break;
		case DT_VERSYM:   o->versym = p; break;
		case DT_VERDEF:   o->verdef = p; break;
		case DT_VERNEED:  o->verneed = p; break;
		case DT_JMPREL:   o->jmprel = p; break;
		case DT_PLTRELSZ: o->jmprelsz = d->d_un.d_val; break;
		case DT_RELA:     o->rela = p; break;
		case DT_RELASZ:   o->relasz = d->d_un.d_val; break;
		case DT_SONAME:   soname = d->d_un.d_val; has_soname = 1; break;
		}
	}
	if (has_soname && o->strtab)
		o->soname = o->strtab + soname;
}

int pkr_dynsym_read(const struct link_map *l, struct pkr_symtab *out,
		    char *err, size_t errsize)
{
	struct pkr_dyn dy;
	const ElfW(Sym) *symtab;
	const char *strtab;
	const ElfW(Half) *versym;
	size_t n;

	memset(out, 0, sizeof *out);
	pkr_dyn_parse(l->l_addr, l->l_ld, &dy);
	symtab = dy.symtab;
	strtab = dy.strtab;
	versym = dy.versym;
	n = count_symbols(dy.hash, dy.gnu_hash);
	if (!symtab || !strtab || n == 0) {
		snprintf(err, errsize, "%s: no dynamic symbol table", l->l_name);
		return -1;
	}
	out->syms = calloc(n, sizeof *out->syms);
	if (!out->syms) {
		snprintf(err, errsize, "%s: out of memory", l->l_name);
		return -1;
	}
	for (size_t i = 1; i < n; i++) {
		const ElfW(Sym) *s = &symtab[i];
		unsigned bind = ELF64_ST_BIND(s->st_info), type = ELF64_ST_TYPE(s->st_info);
		unsigned vis = ELF64_ST_VISIBILITY(s->st_other);
		struct pkr_sym *o;

		if (s->st_shndx == SHN_UNDEF || s->st_shndx == SHN_ABS ||
		    (bind != STB_GLOBAL && bind != STB_WEAK) ||
		    (vis != STV_DEFAULT && vis != STV_PROTECTED))
			continue;
		if (type != STT_FUNC && type != STT_GNU_IFUNC && type != STT_OBJECT)
			continue;
		o = &out->syms[out->nsyms++];
		o->name = strtab + s->st_name;
		o->kind = type == STT_OBJECT ? PKR_SYM_OBJECT
			: type == STT_GNU_IFUNC ? PKR_SYM_IFUNC : PKR_SYM_FUNC;
		o->value = s->st_value;
		o->size = s->st_size;
		if (versym && (versym[i] & 0x7fff) >= 2) {
			o->version = version_name(dy.verdef, strtab, versym[i] & 0x7fff);
			o->hidden = (versym[i] & 0x8000) != 0;
		}
	}
	return 0;
}

void pkr_dynsym_free(struct pkr_symtab *t)
{
	free(t->syms);
	memset(t, 0, sizeof *t);
}

void *pkr_elf_lookup(const struct link_map *lm, const char *name, const char *version)
{
	struct pkr_dyn dy;
	struct pkr_gnu_hash g;

	pkr_dyn_parse(lm->l_addr, lm->l_ld, &dy);
	if (!dy.symtab || !dy.strtab || !dy.gnu_hash)
		return NULL;
	pkr_gnu_hash_parse(dy.gnu_hash, &g);
	uint32_t h = pkr_elf_gnu_hash(name), i = g.buckets[h % g.nbuckets];

	if (i < g.symoff)
		return NULL;
	for (;; i++) {
		uint32_t c = g.chain[i - g.symoff];
		const ElfW(Sym) *s = &dy.symtab[i];
		if ((c | 1) == (h | 1) && !strcmp(dy.strtab + s->st_name, name) &&
		    s->st_shndx != SHN_UNDEF) {
			if (!version || !dy.versym || !dy.verdef)
				return (void *)(lm->l_addr + s->st_value);
			ElfW(Half) vi = dy.versym[i] & 0x7fff;
			for (const ElfW(Verdef) *v = dy.verdef;;
			     v = (const void *)((const char *)v + v->vd_next)) {
				const ElfW(Verdaux) *a = (const void *)((const char *)v + v->vd_aux);
				if (v->vd_ndx == vi && !strcmp(dy.strtab + a->vda_name, version))
					return (void *)(lm->l_addr + s->st_value);
				if (!v->vd_next)
					break;
			}
		}
		if (c & 1)
			break;
	}
	return NULL;
}

int pkr_elf_phdr_range(uintptr_t base, const ElfW(Phdr) *ph, size_t nph,
		       uintptr_t *lo, uintptr_t *hi, const ElfW(Dyn) **dyn)
{
	uintptr_t a = UINTPTR_MAX, b = 0;

	if (dyn)
		*dyn = NULL;
	for (size_t i = 0; i < nph; i++) {
		if (ph[i].p_type == PT_DYNAMIC && dyn)
			*dyn = (const ElfW(Dyn) *)(base + ph[i].p_vaddr);
		if (ph[i].p_type != PT_LOAD)
			continue;
		uintptr_t s = base + ph[i].p_vaddr, e = s + ph[i].p_memsz;
		if (s < a)
			a = s;
		if (e > b)
			b = e;
	}
	*lo = a;
	*hi = b;
	return b == 0 ? -1 : 0;
}

int pkr_elf_object_range(const struct link_map *l, uintptr_t *lo, uintptr_t *hi)
{
	const ElfW(Ehdr) *eh = (const ElfW(Ehdr) *)l->l_addr;

	if (l->l_addr == 0 || memcmp(eh->e_ident, ELFMAG, SELFMAG) != 0)
		return -1;
	if (pkr_elf_phdr_range(l->l_addr, (const ElfW(Phdr) *)(l->l_addr + eh->e_phoff),
			       eh->e_phnum, lo, hi, NULL) != 0)
		return -1;
	*lo = pkr_page_down(*lo);
	*hi = pkr_page_up(*hi);
	return 0;
}
