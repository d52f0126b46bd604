/* lend.h - lending a program buffer's pages to a domain for one call,
 * instead of copying it (marshal.c decides; pkrewind.policy(5), `lend`).
 *
 * A lent `out` or `inout` buffer [p, p + len) is split at page bounds:
 *   - its whole pages are moved (mremap, no copy) into the domain's lending
 *     window, a reservation of the domain's key, and tagged with that key;
 *   - its first and last partial pages are not lent (they hold other
 *     program data): the buffer's bytes in them are copied into the window
 *     pages before and after the whole pages.
 * The library gets the buffer's address in the window.  After the call
 * the pages are moved back and get the program's key 0 again, and the
 * partial bytes are copied back (only if the call returned: after a rewind
 * the whole pages may hold the library's partial output, the rest of the
 * buffer is as it was).
 *
 * Invariants:
 *  - Only while the process has one thread (glibc's
 *    __libc_single_threaded, never true again once a thread was made): the
 *    pages are missing from the program during the call, and no other
 *    thread may touch them.  One lending call at a time (not nested: a call
 *    made while pages are lent copies).
 *  - Never the program's stack, never a call that passes a callback (the
 *    program's code, running during the call, may touch the buffer), never
 *    in learn mode.
 *  - Assumes the buffer's pages are ordinary read-write data with key 0
 *    (the program's heap or mappings); they come back read-write, key 0.
 *  - Not async-signal-safe (system calls and memcpy, no allocation, no
 *    lock; its state is one static per process, guarded by the invariant
 *    above).
 */
#ifndef PKR_LEND_H
#define PKR_LEND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "domains.h"

struct pkr_lend {
	uintptr_t prog;               /* the program's buffer */
	size_t len;
	uintptr_t lo, hi;             /* its whole pages (program addresses) */
	uintptr_t win;                /* where lo is moved to */
	uintptr_t dom;                /* the buffer's address in the window */
};

/* May [p, p + len) be lent to d for this call (cheap checks, no system
 * call): the policy's threshold, one thread, not nested, not the stack,
 * at least one whole page.  (The caller rules out learn mode and calls
 * that pass callbacks.) */
bool pkr_lend_allowed(const struct pkr_domain *d, uintptr_t p, size_t len);

/* Do two buffers' pages overlap (two lent buffers must not)? */
bool pkr_lend_overlap(uintptr_t p1, size_t l1, uintptr_t p2, size_t l2);

/* Lend [p, p + len): fills *l and returns the address the library uses,
 * or 0 (nothing changed: copy it instead).  `zero`: the library sees zeros
 * (an `out` buffer in none mode), else the buffer's bytes.  Several
 * buffers may be lent for one call (pkr_lend_overlap false between them);
 * pkr_lend_end_all() returns them all. */
uintptr_t pkr_lend_begin(struct pkr_domain *d, struct pkr_lend *l, uintptr_t p, size_t len, bool zero);

/* Give back every buffer lent since the first pkr_lend_begin() (n of
 * them, in l[]); `returned`: the call returned, copy the partial pages'
 * bytes back too. */
void pkr_lend_end_all(struct pkr_domain *d, struct pkr_lend *l, size_t n, bool returned);

#endif
