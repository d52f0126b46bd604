/* spell.c - names and spelling: errno names and numbers, and the "did
 * you mean" suggestions of the policy's messages.  See spell.h.  Pure: no
 * I/O, no globals but constant tables.
 */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <string.h>

#include "spell.h"

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* ==== errno names ====================================================== */

/* Names the C library spells differently from strerrorname_np(). */
static const struct { const char *name; int err; } errno_aliases[] = {
	{ "EWOULDBLOCK", EWOULDBLOCK },
	{ "EDEADLOCK", EDEADLOCK },
	{ "ENOTSUP", ENOTSUP },
};

#ifdef HAVE_STRERRORNAME_NP
static const char *errno_name_raw(int err)
{
	return strerrorname_np(err);
}
#else
/* A C library without strerrorname_np: the common names only. */
#define E(x) [x] = #x
static const char *const errno_table[] = {
	E(EPERM), E(ENOENT), E(ESRCH), E(EINTR), E(EIO), E(ENXIO), E(E2BIG),
	E(ENOEXEC), E(EBADF), E(ECHILD), E(EAGAIN), E(ENOMEM), E(EACCES),
	E(EFAULT), E(EBUSY), E(EEXIST), E(EXDEV), E(ENODEV), E(ENOTDIR),
	E(EISDIR), E(EINVAL), E(ENFILE), E(EMFILE), E(ENOTTY), E(EFBIG),
	E(ENOSPC), E(ESPIPE), E(EROFS), E(EMLINK), E(EPIPE), E(EDOM),
	E(ERANGE), E(EDEADLK), E(ENAMETOOLONG), E(ENOSYS), E(ENOTEMPTY),
	E(ELOOP), E(ENODATA), E(ETIME), E(EPROTO), E(EOVERFLOW), E(EILSEQ),
	E(ENOTSOCK), E(EOPNOTSUPP), E(ECONNRESET), E(ETIMEDOUT), E(ECANCELED),
};
#undef E
static const char *errno_name_raw(int err)
{
	return (size_t)err < COUNT(errno_table) ? errno_table[err] : NULL;
}
#endif

const char *pkr_errno_name(int err)
{
	if (err <= 0 || err > PKR_MAX_ERRNO)
		return NULL;
	return errno_name_raw(err);
}

int pkr_errno_from_name_n(const char *s, size_t n)
{
	if (n < 2 || s[0] != 'E')
		return -1;
	for (int e = 1; e <= PKR_MAX_ERRNO; e++) {
		const char *name = errno_name_raw(e);

		if (name && strlen(name) == n && memcmp(name, s, n) == 0)
			return e;
	}
	for (size_t i = 0; i < COUNT(errno_aliases); i++)
		if (strlen(errno_aliases[i].name) == n && memcmp(errno_aliases[i].name, s, n) == 0)
			return errno_aliases[i].err;
	return -1;
}

int pkr_errno_from_name(const char *name)
{
	return name ? pkr_errno_from_name_n(name, strlen(name)) : -1;
}

/* ==== did you mean ===================================================== */


/* Optimal string alignment distance (insertions, deletions, substitutions
 * and swaps of neighbours cost 1), ignoring case.  Both strings are at
 * most PKR_SPELL_MAX bytes. */
static unsigned edit_distance(const char *a, size_t an, const char *b, size_t bn)
{
	unsigned rows[3][PKR_SPELL_MAX + 2];
	unsigned *prev2 = rows[0], *prev = rows[1], *cur = rows[2];

	if (an > PKR_SPELL_MAX || bn > PKR_SPELL_MAX)
		return UINT_MAX;
	for (size_t j = 0; j <= bn; j++)
		prev[j] = (unsigned)j;
	for (size_t i = 1; i <= an; i++) {
		cur[0] = (unsigned)i;
		for (size_t j = 1; j <= bn; j++) {
			unsigned cost = pkr_lower(a[i - 1]) != pkr_lower(b[j - 1]);
			unsigned d = prev[j - 1] + cost;

			if (prev[j] + 1 < d)
				d = prev[j] + 1;
			if (cur[j - 1] + 1 < d)
				d = cur[j - 1] + 1;
			if (i > 1 && j > 1 && pkr_lower(a[i - 1]) == pkr_lower(b[j - 2]) &&
			    pkr_lower(a[i - 2]) == pkr_lower(b[j - 1]) && prev2[j - 2] + 1 < d)
				d = prev2[j - 2] + 1;
			cur[j] = d;
		}
		unsigned *t = prev2;
		prev2 = prev;
		prev = cur;
		cur = t;
	}
	return prev[bn];
}

/* The closest candidate so far, within an edit distance of 2. */
struct suggestion {
	const char *word;
	unsigned dist;
};

static void consider(struct suggestion *sg, const char *s, size_t n, const char *cand)
{
	size_t cn = strlen(cand);
	unsigned d;

	if ((cn > n ? cn - n : n - cn) > 2)
		return;
	d = edit_distance(s, n, cand, cn);
	if (d <= 2 && (!sg->word || d < sg->dist)) {
		sg->word = cand;
		sg->dist = d;
	}
}

const char *pkr_suggest(const char *s, size_t n, const char *const *cands, size_t ncands)
{
	struct suggestion sg = { 0 };

	for (size_t i = 0; i < ncands; i++)
		if (cands[i])
			consider(&sg, s, n, cands[i]);
	return sg.word;
}

const char *pkr_suggest_errno(const char *s, size_t n)
{
	struct suggestion sg = { 0 };

	for (int e = 1; e <= PKR_MAX_ERRNO; e++) {
		const char *name = errno_name_raw(e);

		if (name)
			consider(&sg, s, n, name);
	}
	for (size_t i = 0; i < COUNT(errno_aliases); i++)
		consider(&sg, s, n, errno_aliases[i].name);
	consider(&sg, s, n, "keep");
	return sg.word;
}

