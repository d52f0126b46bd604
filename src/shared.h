/* shared.h - data objects an isolated library exports and the program
 * uses: one copy.
 *
 * The program reaches a library's variable through a copy relocation
 * (R_X86_64_COPY: its own copy in its .bss, the usual code of a PIE) or
 * a GOT slot bound to the library's copy in the main namespace; the
 * isolated library, through its GOT, its namespace copy.  Two copies:
 * writes on one side never reached the other, and a function-pointer
 * variable (libxml2's xmlFree) held the main namespace's C library's
 * free(), which the program then handed the domain's memory.
 *
 * Invariants:
 *  - A variable the program's objects reach only through GOT slots and
 *    absolute pointers (no copy relocation: its address is not fixed in
 *    the executable), and whose namespace copy holds no pointer to a
 *    function of the namespace, is the namespace's copy: every such
 *    reference of the main namespace's objects is pointed there.  The
 *    library writes it in every mode; the program has every right.
 *  - Any other one copy is the program's: the executable's copy, or the
 *    main namespace copy of the library (which never runs).  It is
 *    program memory: the library reads it in read mode and writes it
 *    only in write mode; none mode cannot use it, so a none-mode domain
 *    whose such data the program uses does not start (fail closed).
 *    (A function-pointer variable must be the program's: the program
 *    reaches the library's functions through trampolines.)
 *  - The program's copy starts with the value the namespace copy has after the
 *    namespace's constructors ran; a word pointing to a function of the
 *    namespace becomes that function's trampoline (the runtime's malloc,
 *    calloc, realloc, free included).  A function with no trampoline is
 *    an error (fail closed): the program would run it unisolated.
 *  - Every GLOB_DAT and R_X86_64_64 relocation of the namespace's
 *    objects that resolved to the namespace copy is rewritten to point at
 *    the one copy.  Code of the library that reaches its variable without
 *    its GOT keeps the namespace copy: protected visibility, which says
 *    so, is an error (fail closed); no GOT reference at all is said at
 *    log level info (the library may not use its variable itself).
 *  - Runs under the shim lock, after the GOT patching that marks which
 *    data objects the program uses (interpose.c).
 *  - Not async-signal-safe.
 */
#ifndef PKR_SHARED_H
#define PKR_SHARED_H

#include <stdbool.h>
#include <stdint.h>

#include "domains.h"
#include "maps.h"

/* Share d's data objects that the program uses and are not shared yet.
 * 0, or -1 (the caller fails closed; the reason was logged). */
int pkr_shared_data(struct pkr_domain *d);

/* The trampoline for a function pointer into d's namespace: an exported
 * function of its libraries, or the runtime's allocator.  NULL if v is
 * not code of the namespace; *missing when it is, but has no stub.
 * m, n: the process's mappings (pkr_read_maps).  Also hooks.c's. */
void *pkr_shared_stub_for(const struct pkr_domain *d, uintptr_t v, const struct pkr_map *m,
			  long n, bool *missing);

#endif
