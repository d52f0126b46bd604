/* dwarfargs.h - argument kinds from DWARF, for `pkrewind symbols
 * --policy` (issue 11).
 *
 * The library's debug information - in the file itself, or in a separate
 * debug file found the standard ways (build-id under /usr/lib/debug,
 * .gnu_debuglink) - gives each exported function's parameter types.
 * Each parameter is classified:
 *   not a pointer, or a pointer to const data      -
 *   a pointer to const char                        string
 *   a pointer to a function                        callback
 *   a pointer to an incomplete struct              handle
 *   a pointer to a writable object of N bytes      inout [N]
 *   a pointer to writable bytes of unknown length  inout [LEN?]
 * The last needs the user: the function line then keeps no list, and the
 * suggestion is printed as a comment.
 *
 * Used by the command only (libdw, libelf); not by the shim.  Not
 * thread-safe; allocates.
 */
#ifndef PKR_DWARFARGS_H
#define PKR_DWARFARGS_H

#include <stdbool.h>
#include <stddef.h>

struct pkr_dwarf;

/* The debug information of the shared object at path, or NULL with *why
 * saying why there is none. */
struct pkr_dwarf *pkr_dwarf_open(const char *path, const char **why);

/* Function `name`: its C prototype into proto, the suggested argument
 * list into list ("" when every argument is `-`); *complete false when a
 * length is unknown.  False if the function has no DWARF entry. */
bool pkr_dwarf_args(struct pkr_dwarf *d, const char *name, char *proto, size_t pn,
		    char *list, size_t ln, bool *complete);

void pkr_dwarf_close(struct pkr_dwarf *d);

#endif
