/* elf.h - reading loaded ELF objects in memory: the dynamic section,
 * exported symbols, GNU-hash lookups, address ranges.  One copy of each
 * helper for the whole shim (ground floor: includes no other shim header).
 *
 * Invariants:
 *  - Used by the shim: loader.c (the table of a domain's exported
 *    functions), real.c (glibc's own dl* functions), interpose.c and
 *    shim.c (program headers, relocations).  The shim does not link libelf: libelf and its libz would
 *    otherwise sit in every process the shim is preloaded into, and a
 *    policy isolating libz would then match every such process.  The
 *    command (cli.c) reads files with libelf (elfsyms.h); both list the
 *    same symbols by the same rules (see elfsyms.h).
 *  - Names and versions point into the object's image; only the array is
 *    allocated.  pkr_dynsym_read() allocates (start-up only); the other
 *    helpers only read memory.
 */
#ifndef PKR_ELF_H
#define PKR_ELF_H

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

/* The GNU hash of a symbol name (DT_GNU_HASH; also the domain's table of
 * functions by name). */
static inline uint32_t pkr_elf_gnu_hash(const char *s)
{
	uint32_t h = 5381;
	while (*s)
		h = h * 33 + (unsigned char)*s++;
	return h;
}

/* A DT_GNU_HASH section, taken apart (64-bit bloom words). */
struct pkr_gnu_hash {
	uint32_t nbuckets, symoff;
	const uint32_t *buckets, *chain;
};
void pkr_gnu_hash_parse(const uint32_t *gh, struct pkr_gnu_hash *out);

/* The definition of name@version (version NULL: any) in the loaded object
 * `lm`, found through its GNU hash table alone: bypasses every
 * interposer.  NULL if absent (or the object has no DT_GNU_HASH). */
void *pkr_elf_lookup(const struct link_map *lm, const char *name, const char *version);

/* The range [lo, hi) its PT_LOAD segments span in an object loaded at
 * `base` (not page-rounded), and its dynamic section (NULL without
 * PT_DYNAMIC).  Returns -1 when it has no PT_LOAD segment. */
int pkr_elf_phdr_range(uintptr_t base, const ElfW(Phdr) *ph, size_t nph,
		       uintptr_t *lo, uintptr_t *hi, const ElfW(Dyn) **dyn);

/* The same for a link map entry, read from its ELF header, and rounded
 * out to pages.  -1 for an object without a readable header (l_addr 0:
 * the program, or the ld.so proxy). */
int pkr_elf_object_range(const struct link_map *l, uintptr_t *lo, uintptr_t *hi);

#define PKR_PAGE 4096ul
static inline uintptr_t pkr_page_down(uintptr_t a) { return a & ~(PKR_PAGE - 1); }
static inline uintptr_t pkr_page_up(uintptr_t a) { return (a + PKR_PAGE - 1) & ~(PKR_PAGE - 1); }

#endif
