/* arena.c - allocation arena and string hash table for the policy parser.
 * See arena.h.  Pure: allocates, prints nothing, no globals.
 */
#include "config.h"

#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"

#if defined(__SANITIZE_ADDRESS__)
#define PKR_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define PKR_ASAN 1
#endif
#endif

#define ARENA_CHUNK 8192

void pkr_arena_oom(struct arena *a)
{
	longjmp(*a->oom, 1);
}

void *pkr_arena_alloc(struct arena *a, size_t n)
{
	const size_t align = _Alignof(max_align_t);
	struct arena_chunk *c = a->head;
	void *p;

	if (n > SIZE_MAX / 2)
		pkr_arena_oom(a);
#ifdef PKR_ASAN
	/* One malloc per object, so that AddressSanitizer (the fuzzer's
	 * build) sees the bounds of each. */
	c = malloc(sizeof *c + n);
	if (!c)
		pkr_arena_oom(a);
	c->size = c->used = n;
	c->next = a->head;
	a->head = c;
	return c->data;
#endif
	n = (n + align - 1) & ~(align - 1);
	if (!c || c->size - c->used < n) {
		size_t size = n > ARENA_CHUNK ? n : ARENA_CHUNK;

		c = malloc(sizeof *c + size);
		if (!c)
			pkr_arena_oom(a);
		c->size = size;
		c->used = 0;
		c->next = a->head;
		a->head = c;
	}
	p = (char *)c->data + c->used;
	c->used += n;
	return p;
}

char *pkr_arena_strndup(struct arena *a, const char *s, size_t n)
{
	char *d = pkr_arena_alloc(a, n + 1);

	memcpy(d, s, n);
	d[n] = '\0';
	return d;
}

void pkr_arena_destroy(struct arena *a)
{
	struct arena_chunk *c, *next;

	if (!a)
		return;
	for (c = a->head; c; c = next) {
		next = c->next;
		free(c);
	}
	free(a);
}

/* Make room for element n of an arena vector of `elsize` byte elements.
 * Old storage stays in the arena until it is destroyed. */
void *pkr_vec_reserve(struct arena *a, void *v, size_t n, size_t *cap, size_t elsize)
{
	size_t ncap;
	void *nv;

	if (n < *cap)
		return v;
	ncap = *cap ? *cap * 2 : 8;
	if (ncap > SIZE_MAX / elsize)
		pkr_arena_oom(a);
	nv = pkr_arena_alloc(a, ncap * elsize);
	if (n)
		memcpy(nv, v, n * elsize);
	*cap = ncap;
	return nv;
}

/* ==== string hash table ================================================
 * Keys are (space, string): the space separates e.g. the functions of one
 * domain from those of another.  Entries remember where a name was first
 * seen, for "first at FILE:LINE" messages. */

static size_t hash_key(size_t space, const char *s, size_t n)
{
	uint64_t h = 1469598103934665603ull ^ space;

	for (size_t i = 0; i < n; i++) {
		h ^= (unsigned char)s[i];
		h *= 1099511628211ull;
	}
	return (size_t)(h ^ (h >> 29));
}

static struct hentry *htab_slot(struct hentry *v, size_t cap, size_t space,
				const char *s, size_t n, size_t h)
{
	size_t i = h & (cap - 1);

	while (v[i].key) {
		if (v[i].hash == h && v[i].space == space && v[i].klen == n &&
		    memcmp(v[i].key, s, n) == 0)
			return &v[i];
		i = (i + 1) & (cap - 1);
	}
	return &v[i];
}

/* The entry for (space, s[0..n)); a new entry has key == NULL and the
 * caller must fill it in (with an arena string). */
struct hentry *pkr_htab_find(struct arena *a, struct htab *t, size_t space,
				const char *s, size_t n)
{
	size_t h = hash_key(space, s, n);

	if ((t->n + 1) * 2 > t->cap) {
		size_t ncap = t->cap ? t->cap * 2 : 32;
		struct hentry *nv = pkr_arena_alloc(a, ncap * sizeof *nv);

		memset(nv, 0, ncap * sizeof *nv);
		for (size_t i = 0; i < t->cap; i++) {
			struct hentry *e = &t->v[i];

			if (e->key)
				*htab_slot(nv, ncap, e->space, e->key, e->klen, e->hash) = *e;
		}
		t->v = nv;
		t->cap = ncap;
	}
	struct hentry *e = htab_slot(t->v, t->cap, space, s, n, h);
	if (!e->key) {
		e->klen = n;
		e->space = space;
		e->hash = h;
	}
	return e;
}

void pkr_htab_claim(struct htab *t, struct hentry *e, const char *key)
{
	e->key = key;
	t->n++;
}

