/* alloc.c - the domain heap.  See alloc.h for the invariants.
 *
 * Why our own allocator: the heap must live inside one fixed, key-tagged
 * region that the shim maps before the namespace's libc runs, must be
 * restorable by copying that region (reset after a fault), and must never
 * call mmap or the program's malloc.  The Debian allocators (glibc malloc,
 * jemalloc, tcmalloc, mimalloc) all obtain memory from the kernel
 * themselves and keep state outside any region we could tag or snapshot;
 * none can be pointed at a caller-supplied region.  So this is a small
 * classic design: boundary tags, segregated free lists with a bitmap,
 * immediate coalescing, a wilderness ("top") at the end of each region.
 *
 * Chunk layout: [prev_size][head = size | flags][payload ...].  prev_size
 * is valid only when the previous chunk is free.  A free chunk keeps its
 * list links at the start of its payload.
 */
#include "config.h"

#include <errno.h>
#include <stdbool.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "alloc.h"

#define HDR         16ul
#define MIN_CHUNK   32ul
#define INUSE       1ul
#define PREV_INUSE  2ul
#define FLAGS       (INUSE | PREV_INUSE)
#define PAGE        4096ul
#define TRIM_SLACK  (1ul << 20)     /* dirty tail kept before madvise */
#define RELEASE_MIN (256ul << 10)   /* free runs at least this big are released */

struct chunk {
	size_t prev_size;
	size_t head;
	struct chunk *next, *prev;   /* only while free */
};

static inline size_t csize(const struct chunk *c) { return c->head & ~FLAGS; }
static inline struct chunk *cnext(struct chunk *c) { return (struct chunk *)((char *)c + csize(c)); }
static inline void *payload(struct chunk *c) { return (char *)c + HDR; }
static inline struct chunk *chunk_of(void *p) { return (struct chunk *)((char *)p - HDR); }

/* The lock word holds where its owner stands: the frame address of the
 * allocator function that took it (lock() is inlined into it), on the
 * domain stack of the thread and call that holds it.  After rewinding a
 * call, the shim releases the lock only if that frame lies in the
 * rewound call's part of the stack: not when another thread holds it,
 * nor when the same thread does in a call the rewound one interrupted (a
 * signal handler's call into the domain). */
#define lock(h) lock_at((h), (uintptr_t)__builtin_frame_address(0))

static void lock_at(struct pkr_heap *h, uintptr_t me)
{
	for (;;) {
		uintptr_t free_ = 0;
		if (__atomic_compare_exchange_n(&h->lock, &free_, me, false,
						__ATOMIC_ACQUIRE, __ATOMIC_RELAXED))
			return;
		syscall(SYS_sched_yield);
	}
}

static void unlock(struct pkr_heap *h)
{
	__atomic_store_n(&h->lock, 0, __ATOMIC_RELEASE);
}

void pkr_heap_lock(struct pkr_heap *h) { lock(h); }
void pkr_heap_unlock(struct pkr_heap *h) { unlock(h); }

static unsigned bin_index(size_t sz)
{
	unsigned lg, idx;

	if (sz < 1024)
		return (unsigned)(sz >> 4);         /* 2..63: exact sizes */
	lg = 63u - (unsigned)__builtin_clzl(sz);    /* >= 10 */
	idx = 64 + (lg - 10) * 4 + (unsigned)((sz >> (lg - 2)) & 3);
	return idx < PKR_ALLOC_NBINS ? idx : PKR_ALLOC_NBINS - 1;
}

static void bin_insert(struct pkr_arena *a, struct chunk *c)
{
	unsigned i = bin_index(csize(c));
	struct chunk *head = a->bins[i];

	c->prev = NULL;
	c->next = head;
	if (head)
		head->prev = c;
	a->bins[i] = c;
	a->binmap[i / 64] |= 1ull << (i % 64);
}

static void bin_remove(struct pkr_arena *a, struct chunk *c)
{
	unsigned i = bin_index(csize(c));

	if (c->prev)
		c->prev->next = c->next;
	else
		a->bins[i] = c->next;
	if (c->next)
		c->next->prev = c->prev;
	if (!a->bins[i])
		a->binmap[i / 64] &= ~(1ull << (i % 64));
}

/* Give back the whole pages inside a free run. */
static void release(uintptr_t lo, uintptr_t hi)
{
	lo = (lo + PAGE - 1) & ~(PAGE - 1);
	hi &= ~(PAGE - 1);
	if (hi > lo)
		madvise((void *)lo, hi - lo, MADV_DONTNEED);
}

/* Mark c (free, size sz) and tell its successor. */
static void make_free(struct pkr_arena *a, struct chunk *c, size_t sz)
{
	struct chunk *n;

	c->head = sz | (c->head & PREV_INUSE);
	n = cnext(c);
	if ((uintptr_t)n < a->top) {
		n->prev_size = sz;
		n->head &= ~PREV_INUSE;
	}
	bin_insert(a, c);
}

/* Split c (in use, size >= need) keeping `need` bytes. */
static void split(struct pkr_arena *a, struct chunk *c, size_t need)
{
	size_t sz = csize(c);
	struct chunk *r;

	if (sz - need < MIN_CHUNK)
		return;
	c->head = need | (c->head & FLAGS);
	r = cnext(c);
	if ((uintptr_t)r + (sz - need) >= a->top) {
		a->top = (uintptr_t)r;     /* the rest joins the wilderness */
		return;
	}
	r->head = PREV_INUSE;
	make_free(a, r, sz - need);
	/* make_free told r's successor that r is free; coalesce if that
	 * successor was free too. */
	struct chunk *n = cnext(r);
	if ((uintptr_t)n < a->top && !(n->head & INUSE)) {
		bin_remove(a, r);
		bin_remove(a, n);
		make_free(a, r, csize(r) + csize(n));
	}
}

static struct chunk *from_bins(struct pkr_arena *a, size_t need)
{
	unsigned i = bin_index(need);

	/* The first bin may hold smaller chunks (ranges above 1 KiB). */
	for (struct chunk *c = a->bins[i]; c; c = c->next)
		if (csize(c) >= need) {
			bin_remove(a, c);
			return c;
		}
	for (unsigned w = (i + 1) / 64; w < (PKR_ALLOC_NBINS + 63) / 64; w++) {
		uint64_t m = a->binmap[w];
		if (w == (i + 1) / 64)
			m &= ~0ull << ((i + 1) % 64);
		if (!m)
			continue;
		struct chunk *c = a->bins[w * 64 + (unsigned)__builtin_ctzll(m)];
		bin_remove(a, c);
		return c;
	}
	return NULL;
}

static struct chunk *from_top(struct pkr_arena *a, size_t need)
{
	struct chunk *c;

	if (a->end - a->top < need + HDR)
		return NULL;
	c = (struct chunk *)a->top;
	/* The chunk below top is always in use (a free one merges into top). */
	c->head = need | PREV_INUSE;
	a->top += need;
	if (a->top > a->dirty_hi)
		a->dirty_hi = a->top;
	return c;
}

static void *arena_malloc(struct pkr_arena *a, size_t need)
{
	struct chunk *c = from_bins(a, need);

	if (c) {
		c->head |= INUSE;
		struct chunk *n = cnext(c);
		if ((uintptr_t)n < a->top)
			n->head |= PREV_INUSE;
		split(a, c, need);
	} else if (!(c = from_top(a, need))) {
		return NULL;
	} else {
		c->head |= INUSE;
	}
	a->in_use += csize(c);
	return payload(c);
}

static void arena_free(struct pkr_arena *a, struct chunk *c)
{
	size_t sz = csize(c);
	struct chunk *n = cnext(c);

	a->in_use -= sz;
	if (!(c->head & PREV_INUSE)) {
		struct chunk *p = (struct chunk *)((char *)c - c->prev_size);
		bin_remove(a, p);
		sz += csize(p);
		c = p;
	}
	if ((uintptr_t)n >= a->top) {
		/* Merges into the wilderness. */
		a->top = (uintptr_t)c;
		if (a->dirty_hi - a->top > TRIM_SLACK) {
			release(a->top + HDR, a->dirty_hi);
			a->dirty_hi = (a->top + HDR + PAGE - 1) & ~(PAGE - 1);
		}
		return;
	}
	if (!(n->head & INUSE)) {
		bin_remove(a, n);
		sz += csize(n);
	}
	c->head = sz | (c->head & PREV_INUSE);
	make_free(a, c, sz);
	if (sz >= RELEASE_MIN)
		release((uintptr_t)c + sizeof(struct chunk), (uintptr_t)c + sz);
}

static struct pkr_arena *arena_of(struct pkr_heap *h, void *p)
{
	for (int i = 0; i < h->narenas; i++)
		if ((uintptr_t)p >= h->arenas[i].base && (uintptr_t)p < h->arenas[i].end)
			return &h->arenas[i];
	return NULL;
}

static size_t request(size_t n)
{
	if (n > (SIZE_MAX >> 2))
		return 0;
	n = (n + HDR + 15) & ~15ul;
	return n < MIN_CHUNK ? MIN_CHUNK : n;
}

void pkr_heap_add_region(struct pkr_heap *h, void *base, size_t size)
{
	struct pkr_arena *a;
	uintptr_t b = ((uintptr_t)base + 15) & ~15ul;

	lock(h);
	if (h->narenas < 2) {
		a = &h->arenas[h->narenas];
		memset(a, 0, sizeof *a);
		a->base = b;
		a->end = ((uintptr_t)base + size) & ~15ul;
		a->top = a->dirty_hi = b;
		h->narenas++;
	}
	unlock(h);
}

void *pkr_heap_malloc(struct pkr_heap *h, size_t n)
{
	size_t need = request(n);
	void *p = NULL;

	if (!need) {
		errno = ENOMEM;
		return NULL;
	}
	lock(h);
	/* The domain heap first, the bootstrap region as a fallback. */
	for (int i = h->narenas - 1; i >= 0 && !p; i--)
		p = arena_malloc(&h->arenas[i], need);
	unlock(h);
	if (!p)
		errno = ENOMEM;
	return p;
}

/* The checks glibc's free makes, so that a double free or a smashed
 * header is caught here (the runtime then aborts, which the shim rewinds)
 * instead of corrupting the free lists. */
static bool chunk_ok(const struct pkr_arena *a, struct chunk *c)
{
	size_t sz = csize(c);
	struct chunk *n;

	if (((uintptr_t)c & 15) || !(c->head & INUSE) || sz < MIN_CHUNK || (sz & 15) ||
	    (uintptr_t)c < a->base || (uintptr_t)c + sz > a->top)
		return false;
	n = cnext(c);
	return (uintptr_t)n >= a->top || (n->head & PREV_INUSE);
}

int pkr_heap_free(struct pkr_heap *h, void *p)
{
	struct pkr_arena *a;
	int rc = 0;

	if (!p)
		return 0;
	lock(h);
	a = arena_of(h, p);
	if (!a)
		rc = -1;
	else if (!chunk_ok(a, chunk_of(p)))
		rc = -2;
	else
		arena_free(a, chunk_of(p));
	unlock(h);
	return rc;
}

size_t pkr_heap_usable_size(struct pkr_heap *h, void *p)
{
	if (!p || !arena_of(h, p))
		return 0;
	return csize(chunk_of(p)) - HDR;
}

void *pkr_heap_memalign(struct pkr_heap *h, size_t align, size_t n)
{
	struct pkr_arena *a;
	struct chunk *c, *d;
	uintptr_t p, q;
	size_t need = request(n), lead;

	if (align <= 16)
		return pkr_heap_malloc(h, n);
	if ((align & (align - 1)) || !need || align > (SIZE_MAX >> 4)) {
		errno = EINVAL;
		return NULL;
	}
	p = (uintptr_t)pkr_heap_malloc(h, need + align + MIN_CHUNK);
	if (!p)
		return NULL;
	lock(h);
	a = arena_of(h, (void *)p);
	c = chunk_of((void *)p);
	q = (p + align - 1) & ~(align - 1);
	while (q != p && q - p < MIN_CHUNK)
		q += align;
	lead = q - p;
	if (lead) {
		/* Free the leading part as its own chunk. */
		size_t total = csize(c);
		d = chunk_of((void *)q);
		d->head = (total - lead) | INUSE;   /* prev (the lead) is free */
		c->head = lead | (c->head & PREV_INUSE) | INUSE;
		a->in_use -= lead;
		c->head &= ~INUSE;
		/* (its predecessor is in use: free chunks never touch) */
		make_free(a, c, lead);
		c = d;
	}
	size_t before = csize(c);
	split(a, c, need);
	a->in_use -= before - csize(c);
	unlock(h);
	return payload(c);
}

void *pkr_heap_realloc(struct pkr_heap *h, void *p, size_t n)
{
	struct pkr_arena *a;
	struct chunk *c, *nx;
	size_t need = request(n), have;
	void *q;

	if (!p)
		return pkr_heap_malloc(h, n);
	if (n == 0) {
		pkr_heap_free(h, p);
		return NULL;
	}
	if (!need) {
		errno = ENOMEM;
		return NULL;
	}
	lock(h);
	a = arena_of(h, p);
	if (!a) {
		unlock(h);
		errno = EINVAL;
		return NULL;
	}
	c = chunk_of(p);
	have = csize(c);
	if (have >= need) {
		split(a, c, need);
		a->in_use -= have - csize(c);
		unlock(h);
		return p;
	}
	nx = cnext(c);
	if ((uintptr_t)nx == a->top && a->end - a->top >= need - have + HDR) {
		/* Grow into the wilderness. */
		a->top += need - have;
		if (a->top > a->dirty_hi)
			a->dirty_hi = a->top;
		c->head = need | (c->head & FLAGS);
		a->in_use += need - have;
		unlock(h);
		return p;
	}
	if ((uintptr_t)nx < a->top && !(nx->head & INUSE) && have + csize(nx) >= need) {
		size_t grown = have + csize(nx);
		bin_remove(a, nx);
		c->head = grown | (c->head & FLAGS);
		struct chunk *after = cnext(c);
		if ((uintptr_t)after < a->top)
			after->head |= PREV_INUSE;
		a->in_use += grown - have;
		split(a, c, need);
		a->in_use -= grown - csize(c);
		unlock(h);
		return p;
	}
	unlock(h);
	q = pkr_heap_malloc(h, n);
	if (!q)
		return NULL;
	memcpy(q, p, have - HDR);
	pkr_heap_free(h, p);
	return q;
}
