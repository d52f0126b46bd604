/* spell.h - errno names and "did you mean" suggestions.
 *
 * Invariants: pure (constant tables, no I/O); async-signal-safe
 * (pkr_errno_name is used by the fault handler's messages).
 */
#ifndef PKR_SPELL_H
#define PKR_SPELL_H

#include <stddef.h>

/* errno name <-> number ("EIO" <-> 5); -1 / NULL when unknown. */
int pkr_errno_from_name(const char *name);
const char *pkr_errno_name(int err);
#define PKR_MAX_ERRNO 4095   /* errno numbers a policy may name */
#define PKR_SPELL_MAX 255    /* longest word compared (policy.h: PKR_MAX_NAME) */

/* ASCII tolower. */
static inline int pkr_lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c + 'a' - 'A' : c;
}

int pkr_errno_from_name_n(const char *s, size_t n);
/* The candidate within an edit distance of 2 of s[0..n) (ignoring case),
 * or NULL. */
const char *pkr_suggest(const char *s, size_t n, const char *const *cands, size_t ncands);
/* The same among errno names and "keep". */
const char *pkr_suggest_errno(const char *s, size_t n);

#endif
