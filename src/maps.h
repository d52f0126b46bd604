/* maps.h - the process's memory map (/proc/self/maps) and address-range
 * lookups in it.
 *
 * Invariants:
 *  - Ground floor: includes no other shim header.
 *  - pkr_read_maps() allocates (start-up, dlopen wrapper, under
 *    pkr_shim_lock); the lookups only read the array they are given.
 */
#ifndef PKR_MAPS_H
#define PKR_MAPS_H

#include <stdint.h>

/* One mapping of /proc/self/maps. */
struct pkr_map { uintptr_t lo, hi; int prot; };

/* Read /proc/self/maps (malloc'd array).  Returns the count or -1. */
long pkr_read_maps(struct pkr_map **out);

/* Protections of the page at addr, or -1. */
int pkr_maps_prot(const struct pkr_map *m, long n, uintptr_t addr);

/* Copy size bytes to `at` whatever the pages' protections (RELRO, GOT,
 * fini arrays), restoring them after (mprotect keeps the pages' keys).
 * 0, or -1 (a page unmapped, or more than 64 pages). */
int pkr_maps_write(const struct pkr_map *m, long n, uintptr_t at, const void *src, size_t size);

/* The part [*a, *b) of mapping m that lies in [lo, hi); false when they
 * do not overlap. */
static inline int pkr_map_clip(const struct pkr_map *m, uintptr_t lo, uintptr_t hi,
			       uintptr_t *a, uintptr_t *b)
{
	*a = m->lo > lo ? m->lo : lo;
	*b = m->hi < hi ? m->hi : hi;
	return *a < *b;
}

#endif
