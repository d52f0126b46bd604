/* reset.c - what on-fault reset and rewind put back in a domain: the
 * snapshot of its writable memory, and the runtime's heap lock.  See
 * reset.h.
 *
 * pkr_reset_take() allocates (start-up, under pkr_shim_lock).
 * pkr_reset_restore() and pkr_reset_unlock_heap() are async-signal-safe
 * (memcpy, madvise, an atomic store): they run in the fault handler.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "domains.h"
#include "elf.h"
#include "log.h"
#include "maps.h"
#include "pkey.h"
#include "reset.h"
#include "runtime/rt.h"

struct pkr_snap_region {
	uintptr_t lo, hi;
	unsigned char *copy;
};

struct pkr_snapshot {
	struct pkr_snap_region *r;
	size_t n;
	uintptr_t heap_dirty;         /* the heap's high-water mark then */
	size_t bytes;
};

int pkr_reset_take(struct pkr_domain *d)
{
	struct pkr_snapshot *s = calloc(1, sizeof *s);
	struct pkr_map *maps;
	long n;
	size_t total = 0;
	unsigned char *buf;

	if (!s || !d->rt)
		goto fail;
	n = pkr_read_maps(&maps);
	if (n < 0)
		goto fail;
	/* At most one region per mapping, plus the heap. */
	s->r = calloc((size_t)n + 1, sizeof *s->r);
	if (!s->r) {
		free(maps);
		goto fail;
	}
	for (size_t o = 0; o < d->nobjs; o++)
		for (long i = 0; i < n; i++) {
			uintptr_t a, b;
			if (!pkr_map_clip(&maps[i], d->objs[o].lo, d->objs[o].hi, &a, &b) ||
			    !(maps[i].prot & PROT_WRITE))
				continue;
			s->r[s->n].lo = a;
			s->r[s->n].hi = b;
			s->n++;
			total += b - a;
		}
	free(maps);
	s->heap_dirty = *d->rt->heap_dirty_hi;
	if (s->heap_dirty > (uintptr_t)d->heap_base) {
		s->r[s->n].lo = (uintptr_t)d->heap_base;
		s->r[s->n].hi = pkr_page_up(s->heap_dirty);
		total += s->r[s->n].hi - s->r[s->n].lo;
		s->n++;
	}
	/* Program memory (key 0): a domain in read or none mode cannot touch
	 * the copy it will be restored from. */
	buf = mmap(NULL, total ? total : PKR_PAGE, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (buf == MAP_FAILED)
		goto fail;
	for (size_t i = 0; i < s->n; i++) {
		s->r[i].copy = buf;
		memcpy(buf, (void *)s->r[i].lo, s->r[i].hi - s->r[i].lo);
		buf += s->r[i].hi - s->r[i].lo;
	}
	s->bytes = total;
	d->snapshot = s;
	pkr_log(PKR_LOG_INFO, "domain %s: snapshot of %zu bytes in %zu regions for on-fault reset",
		d->pol->name, total, s->n);
	return 0;
fail:
	if (s)
		free(s->r);
	free(s);
	return -1;
}

void pkr_reset_restore(struct pkr_domain *d)
{
	struct pkr_snapshot *s = d->snapshot;
	uintptr_t dirty;

	if (!s)
		return;
	/* The heap's current high-water mark, before its bookkeeping (in the
	 * runtime's .bss) is put back. */
	dirty = *d->rt->heap_dirty_hi;
	for (size_t i = 0; i < s->n; i++) {
		/* The library may have made its own memory read-only (or
		 * inaccessible) since: writable again, as it was after
		 * loading, with the domain's key. */
		uintptr_t lo = s->r[i].lo & ~(uintptr_t)4095, hi = pkr_page_up(s->r[i].hi);
		pkr_raw_pkey_mprotect((void *)lo, hi - lo, PROT_READ | PROT_WRITE, d->pkey);
		memcpy((void *)s->r[i].lo, s->r[i].copy, s->r[i].hi - s->r[i].lo);
	}
	/* Drop what was allocated since.  The mark is the runtime's (domain
	 * memory): only within the domain's heap. */
	uintptr_t from = pkr_page_up(s->heap_dirty);
	uintptr_t heap_end = (uintptr_t)d->heap_base + d->heap_size;
	if (dirty > heap_end)
		dirty = heap_end;
	if (dirty > from && from >= (uintptr_t)d->heap_base)
		madvise((void *)from, pkr_page_up(dirty) - from, MADV_DONTNEED);
	/* The threads' TLS tables (runtime rt_tls.c) may point into what was
	 * dropped: a new epoch, never one used before. */
	if (d->rt->tls_epoch)
		*d->rt->tls_epoch = d->resets + 1;
}

void pkr_reset_unlock_heap(struct pkr_domain *d, uintptr_t lo, uintptr_t hi)
{
	uintptr_t owner;

	if (!d->rt)
		return;
	owner = __atomic_load_n(d->rt->heap_lock, __ATOMIC_ACQUIRE);
	if (owner >= lo && owner < hi)
		__atomic_compare_exchange_n(d->rt->heap_lock, &owner, 0, false,
					    __ATOMIC_RELEASE, __ATOMIC_RELAXED);
}
