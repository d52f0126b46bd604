/* dynsym.c - the exported symbols of a loaded object.  See dynsym.h. */
#include "config.h"

#include <elf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dynsym.h"

/* Number of entries in .dynsym: DT_HASH says it; with only DT_GNU_HASH,
 * follow the chain that starts at the highest bucket to its end. */
static size_t count_symbols(const uint32_t *hash, const uint32_t *gnu)
{
	uint32_t nbuckets, symoff, nbloom, last = 0;
	const uint32_t *buckets, *chain;

	if (hash)
		return hash[1];
	if (!gnu)
		return 0;
	nbuckets = gnu[0];
	symoff = gnu[1];
	nbloom = gnu[2];
	buckets = gnu + 4 + (size_t)nbloom * (sizeof(ElfW(Addr)) / 4);
	chain = buckets + nbuckets;
	for (uint32_t b = 0; b < nbuckets; b++)
		if (buckets[b] > last)
			last = buckets[b];
	if (last < symoff)
		return symoff;
	while (!(chain[last - symoff] & 1))
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
