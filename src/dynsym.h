/* dynsym.h - the exported symbols of a *loaded* object, read from its
 * dynamic section in memory.
 *
 * Invariants:
 *  - Used by the shim (loader.c) for the table of a domain's exported
 *    functions.  The shim does not link libelf: libelf and its libz would
 *    otherwise sit in every process the shim is preloaded into, and a
 *    policy isolating libz would then match every such process.  The
 *    command (cli.c) reads files with libelf (elfsyms.h); both list the
 *    same symbols by the same rules (see elfsyms.h).
 *  - Names and versions point into the object's image; only the array is
 *    allocated.  Not async-signal-safe (allocates); start-up only.
 */
#ifndef PKR_DYNSYM_H
#define PKR_DYNSYM_H

#include <link.h>
#include <stdint.h>

#include "elfsyms.h"

/* ld.so relocates some .dynamic entries in place (symtab, strtab, hash
 * tables, relocations, versym) but not others (verdef, verneed), and none
 * of the vDSO's: a value below the load address is an offset. */
static inline uintptr_t pkr_dyn_ptr(uintptr_t base, uintptr_t v)
{
	return v < base ? base + v : v;
}

/* What the shim reads from an object's dynamic section. */
struct pkr_dyn {
	const ElfW(Sym) *symtab;
	const char *strtab;
	const uint32_t *hash, *gnu_hash;
	const ElfW(Half) *versym;
	const ElfW(Verdef) *verdef;
	const ElfW(Verneed) *verneed;
	const ElfW(Rela) *jmprel, *rela;
	size_t jmprelsz, relasz;
	const char *soname;           /* NULL without DT_SONAME */
};

/* Parse the dynamic section `dyn` of an object loaded at `base`. */
void pkr_dyn_parse(uintptr_t base, const ElfW(Dyn) *dyn, struct pkr_dyn *out);

/* Fill `out` (syms, nsyms; soname and priv NULL) with the defined,
 * exported functions and data objects of `l`.  Returns 0, or -1 with a
 * message in err. */
int pkr_dynsym_read(const struct link_map *l, struct pkr_symtab *out,
		    char *err, size_t errsize);
void pkr_dynsym_free(struct pkr_symtab *t);

#endif
