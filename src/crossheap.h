/* crossheap.h - memory that crosses the boundary: the program's free(),
 * realloc() and malloc_usable_size() of a block a domain allocated go to
 * that domain's allocator.
 *
 * Invariants:
 *  - A domain's heap is one key-tagged region (pkr_domain.heap_base,
 *    heap_size) that only its runtime allocates from; a pointer inside it
 *    is the domain's, every other pointer the C library's.
 *  - The domain's free, realloc and malloc_usable_size are reached through
 *    the gate (descriptors pkr_domain.rt_free, rt_realloc, rt_usable, at
 *    the end of the domain's descriptor array, set before the domain is
 *    published), so they run with the domain's rights and a fault in them
 *    is rewound like any other call.
 *  - Memory the program allocated and the library frees is not handled
 *    here: the runtime's free() leaves a pointer outside the domain's
 *    heap alone (a leak, never adoption; runtime/rt.c).
 */
#ifndef PKR_CROSSHEAP_H
#define PKR_CROSSHEAP_H

/* Resolve the C library's functions (start-up; also done lazily). */
void pkr_crossheap_init(void);

#endif
