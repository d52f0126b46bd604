/* elfsyms.h - the exported symbols of a shared object file, read with libelf.
 *
 * Invariants:
 *  - Reads the file on disk (not a loaded image).  Not async-signal-safe
 *    (libelf allocates); called at start-up and by the command.
 *  - Only defined, exported symbols are listed: binding GLOBAL or WEAK,
 *    visibility DEFAULT or PROTECTED, section index not UNDEF, type FUNC,
 *    GNU_IFUNC or OBJECT (TLS and others are skipped).
 *  - Versions come from .gnu.version / .gnu.version_d: a symbol exported in
 *    two versions is listed twice.  `hidden` is true for a non-default
 *    version (name@VER rather than name@@VER).
 */
#ifndef PKR_ELFSYMS_H
#define PKR_ELFSYMS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum pkr_sym_kind { PKR_SYM_FUNC, PKR_SYM_IFUNC, PKR_SYM_OBJECT };

struct pkr_sym {
	const char *name;
	const char *version;    /* NULL when unversioned */
	bool hidden;            /* non-default version */
	enum pkr_sym_kind kind;
	uint64_t value;         /* st_value */
	uint64_t size;          /* st_size */
};

struct pkr_symtab {
	struct pkr_sym *syms;
	size_t nsyms;
	char *soname;           /* DT_SONAME or NULL */
	void *priv;
};

/* Read the exported symbols of the ELF shared object at `path`.
 * Returns 0, or -1 with a message in err (errsize bytes). */
int pkr_symtab_read(const char *path, struct pkr_symtab *out, char *err, size_t errsize);
void pkr_symtab_free(struct pkr_symtab *t);

#endif
