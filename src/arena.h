/* arena.h - the policy parser's allocation arena and string hash table.
 *
 * Invariants:
 *  - Everything the parsed model keeps lives in one arena, freed at once
 *    by pkr_arena_destroy().  Running out of memory longjmps to a->oom
 *    (pkr_policy_parse sets it); nothing returns NULL.
 *  - Under AddressSanitizer every object is its own malloc, so that the
 *    fuzzer sees the bounds of each.
 *  - Not async-signal-safe (malloc); no globals, no I/O.
 */
#ifndef PKR_ARENA_H
#define PKR_ARENA_H

#include <setjmp.h>
#include <stddef.h>

struct arena_chunk {
	struct arena_chunk *next;
	size_t size, used;
	max_align_t data[];
};

struct arena {
	struct arena_chunk *head;
	jmp_buf *oom;           /* longjmp target when malloc fails */
};

_Noreturn void pkr_arena_oom(struct arena *a);
void *pkr_arena_alloc(struct arena *a, size_t n);
char *pkr_arena_strndup(struct arena *a, const char *s, size_t n);
void pkr_arena_destroy(struct arena *a);
/* Make room for element n of an arena vector of `elsize` byte elements.
 * Old storage stays in the arena until it is destroyed. */
void *pkr_vec_reserve(struct arena *a, void *v, size_t n, size_t *cap, size_t elsize);

/* ---- string hash table ----------------------------------------------
 * Keys are (space, string): the space separates e.g. the functions of one
 * domain from those of another.  Entries remember where a name was first
 * seen, for "first at FILE:LINE" messages. */
struct hentry {
	const char *key;        /* NULL: free slot */
	size_t klen;
	size_t space;
	size_t hash;
	const char *file;
	unsigned line;
	size_t value;           /* what the user of the table wants */
};

struct htab {
	struct hentry *v;
	size_t cap, n;
};

/* The entry for (space, s[0..n)); a new entry has key == NULL and the
 * caller must fill it in (pkr_htab_claim, with an arena string). */
struct hentry *pkr_htab_find(struct arena *a, struct htab *t, size_t space,
			     const char *s, size_t n);
void pkr_htab_claim(struct htab *t, struct hentry *e, const char *key);

#endif
