/* reset.h - snapshots for on-fault reset, and releasing the runtime's
 * heap lock after a rewind.
 *
 * Invariants:
 *  - The snapshot is taken at the end of pkr_loader_create (every
 *    writable mapping of the namespace and the used part of the domain
 *    heap), into program memory (key 0): a domain in read or none mode
 *    cannot change the copy it will be restored from.
 *  - pkr_reset_restore() and pkr_reset_unlock_heap() are async-signal-
 *    safe; they run in the fault handler.  Memory the library mapped
 *    itself after the snapshot is not dropped.
 *  - The runtime is reached only through the plain data it shares
 *    (runtime/rt.h, d->rt); no call into the namespace.
 */
#ifndef PKR_RESET_H
#define PKR_RESET_H

#include <stdint.h>

#include "domains.h"

/* Take d's snapshot (d->snapshot).  0, or -1 (errno). */
int pkr_reset_take(struct pkr_domain *d);
/* Put it back, and drop heap pages handed out since. */
void pkr_reset_restore(struct pkr_domain *d);
/* A rewound call that held the runtime's heap lock leaves it held:
 * release it if its owner word (the holder's frame address) lies in
 * [lo, hi), the rewound call's part of its domain stack.  A lock another
 * thread, or an interrupted call of the same thread, holds is left
 * alone. */
void pkr_reset_unlock_heap(struct pkr_domain *d, uintptr_t lo, uintptr_t hi);

#endif
