/* shim.h - the top floor: libpkrewind.so's start-up and exit (shim.c).
 *
 * Invariants:
 *  - Nothing below includes this header: modules that must reach the
 *    top floor are handed a function at start-up (the dlopen wrapper's
 *    pkr_interpose_on_load hook).
 *  - Domains are created and GOTs patched under pkr_shim_lock (a
 *    recursive mutex: the dlopen wrapper may run while a domain is being
 *    created); never on the call or fault paths.
 */
#ifndef PKR_SHIM_H
#define PKR_SHIM_H

void pkr_shim_lock(void);
void pkr_shim_unlock(void);

#endif
