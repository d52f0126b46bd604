/* alloc.h - the domain heap: a boundary-tag allocator over fixed regions.
 *
 * Invariants:
 *  - Serves memory only from the regions it is given (the domain's
 *    key-tagged heap, and a small bootstrap region in the runtime's own
 *    .bss for allocations made before the shim hands over the heap).
 *    It never calls mmap or the C library's allocator.
 *  - Thread-safe through one spinlock per heap.  Not async-signal-safe
 *    (a handler that interrupts malloc and calls it would spin); the
 *    fault path of the shim never calls it.
 *  - All chunks are 16-byte aligned.  Freed runs are coalesced at once;
 *    free space at the end of a region and large free runs are returned to
 *    the kernel with madvise(MADV_DONTNEED) (the key tag stays).
 */
#ifndef PKR_RT_ALLOC_H
#define PKR_RT_ALLOC_H

#include <stddef.h>
#include <stdint.h>

#define PKR_ALLOC_NBINS 192

struct pkr_arena {
	uintptr_t base, end;      /* the region */
	uintptr_t top;            /* start of the untouched tail */
	uintptr_t dirty_hi;       /* highest address ever handed out */
	void *bins[PKR_ALLOC_NBINS];
	uint64_t binmap[(PKR_ALLOC_NBINS + 63) / 64];
	size_t in_use;            /* bytes in allocated chunks */
};

struct pkr_heap {
	uintptr_t lock;               /* 0, or the owner's frame address (alloc.c) */
	struct pkr_arena arenas[2];   /* [0] bootstrap, [1] the domain heap */
	int narenas;
};

void pkr_heap_add_region(struct pkr_heap *h, void *base, size_t size);
void *pkr_heap_malloc(struct pkr_heap *h, size_t n);
void *pkr_heap_memalign(struct pkr_heap *h, size_t align, size_t n);
void *pkr_heap_realloc(struct pkr_heap *h, void *p, size_t n);
/* Returns 0; -1 when p is not from this heap (it is then ignored);
 * -2 when p is not an allocated chunk (double free, smashed header). */
int pkr_heap_free(struct pkr_heap *h, void *p);
/* Hold the heap's lock across a fork (the child's heap is then whole). */
void pkr_heap_lock(struct pkr_heap *h);
void pkr_heap_unlock(struct pkr_heap *h);
size_t pkr_heap_usable_size(struct pkr_heap *h, void *p);

#endif
