/* policy.c - the policy language: lexer, parser, diagnostics and model.
 *
 * The parser reads one line at a time.  The lexer hands out tokens (slices
 * of the buffer, never copied until they are kept in the model) and
 * reports bad bytes itself.  Each directive has a small parse function
 * that pulls its arguments from the lexer and ends with end_of_line().
 * The first error on a line ends that line; parsing goes on with the next
 * one so that every mistake in a file is reported.
 *
 * Everything the model keeps lives in one arena.  Running out of memory
 * while parsing jumps back to pkr_policy_parse(), which frees what it
 * holds and reports "out of memory".
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"
#include "policy.h"

#ifndef SYSCONFDIR
#define SYSCONFDIR "/etc"
#endif

#define MAX_DOMAIN_NAME 63
#define MAX_ERRNO 4095

/* ==== arena ============================================================ */

#if defined(__SANITIZE_ADDRESS__)
#define PKR_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define PKR_ASAN 1
#endif
#endif

#define ARENA_CHUNK 8192

struct arena_chunk {
	struct arena_chunk *next;
	size_t size, used;
	max_align_t data[];
};

struct arena {
	struct arena_chunk *head;
	jmp_buf *oom;           /* longjmp target when malloc fails */
};

static _Noreturn void arena_oom(struct arena *a)
{
	longjmp(*a->oom, 1);
}

static void *arena_alloc(struct arena *a, size_t n)
{
	const size_t align = _Alignof(max_align_t);
	struct arena_chunk *c = a->head;
	void *p;

	if (n > SIZE_MAX / 2)
		arena_oom(a);
#ifdef PKR_ASAN
	/* One malloc per object, so that AddressSanitizer (the fuzzer's
	 * build) sees the bounds of each. */
	c = malloc(sizeof *c + n);
	if (!c)
		arena_oom(a);
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
			arena_oom(a);
		c->size = size;
		c->used = 0;
		c->next = a->head;
		a->head = c;
	}
	p = (char *)c->data + c->used;
	c->used += n;
	return p;
}

static char *arena_strndup(struct arena *a, const char *s, size_t n)
{
	char *d = arena_alloc(a, n + 1);

	memcpy(d, s, n);
	d[n] = '\0';
	return d;
}

static void arena_destroy(struct arena *a)
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
static void *vec_reserve(struct arena *a, void *v, size_t n, size_t *cap, size_t elsize)
{
	size_t ncap;
	void *nv;

	if (n < *cap)
		return v;
	ncap = *cap ? *cap * 2 : 8;
	if (ncap > SIZE_MAX / elsize)
		arena_oom(a);
	nv = arena_alloc(a, ncap * elsize);
	if (n)
		memcpy(nv, v, n * elsize);
	*cap = ncap;
	return nv;
}

/* ==== string hash table ================================================
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
static struct hentry *htab_find(struct arena *a, struct htab *t, size_t space,
				const char *s, size_t n)
{
	size_t h = hash_key(space, s, n);

	if ((t->n + 1) * 2 > t->cap) {
		size_t ncap = t->cap ? t->cap * 2 : 32;
		struct hentry *nv = arena_alloc(a, ncap * sizeof *nv);

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

static void htab_claim(struct htab *t, struct hentry *e, const char *key)
{
	e->key = key;
	t->n++;
}

/* ==== diagnostics ====================================================== */

void pkr_diags_init(struct pkr_diags *d)
{
	memset(d, 0, sizeof *d);
}

void pkr_diags_free(struct pkr_diags *d)
{
	if (!d)
		return;
	for (size_t i = 0; i < d->n; i++) {
		free(d->v[i].file);
		free(d->v[i].msg);
	}
	free(d->v);
	pkr_diags_init(d);
}

static void diags_vadd(struct pkr_diags *d, enum pkr_severity sev, const char *file,
		       unsigned line, unsigned col, const char *fmt, va_list ap)
{
	struct pkr_diag g = { .sev = sev, .line = line, .col = col };

	/* Count first: even when memory runs out the caller sees the error. */
	if (sev == PKR_DIAG_ERROR)
		d->nerrors++;
	else
		d->nwarnings++;
	if (d->n == d->cap) {
		size_t ncap = d->cap ? d->cap * 2 : 16;
		struct pkr_diag *nv = realloc(d->v, ncap * sizeof *nv);

		if (!nv)
			return;
		d->v = nv;
		d->cap = ncap;
	}
	if (vasprintf(&g.msg, fmt, ap) < 0)
		return;
	g.file = file ? strdup(file) : NULL;
	if (file && !g.file) {
		free(g.msg);
		return;
	}
	d->v[d->n++] = g;
}

void pkr_diags_add(struct pkr_diags *d, enum pkr_severity sev, const char *file,
		   unsigned line, unsigned col, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	diags_vadd(d, sev, file, line, col, fmt, ap);
	va_end(ap);
}

int pkr_diag_format(const struct pkr_diag *g, char *buf, size_t size)
{
	const char *warn = g->sev == PKR_DIAG_WARNING ? "warning: " : "";
	const char *file = g->file ? g->file : "";
	const char *msg = g->msg ? g->msg : "";

	if (!g->file)
		return snprintf(buf, size, "%s%s", warn, msg);
	if (g->line == 0)
		return snprintf(buf, size, "%s: %s%s", file, warn, msg);
	if (g->col == 0)
		return snprintf(buf, size, "%s:%u: %s%s", file, g->line, warn, msg);
	return snprintf(buf, size, "%s:%u:%u: %s%s", file, g->line, g->col, warn, msg);
}

void pkr_diags_print(const struct pkr_diags *d, int fd)
{
	static const char prefix[] = "pkrewind: ";
	char small[1024];

	for (size_t i = 0; i < d->n; i++) {
		int n = pkr_diag_format(&d->v[i], NULL, 0);
		size_t total;
		char *buf;

		if (n < 0)
			continue;
		total = sizeof prefix - 1 + (size_t)n + 1;
		buf = total + 1 <= sizeof small ? small : malloc(total + 1);
		if (!buf)
			continue;
		memcpy(buf, prefix, sizeof prefix - 1);
		pkr_diag_format(&d->v[i], buf + sizeof prefix - 1, (size_t)n + 1);
		buf[total - 1] = '\n';
		pkr_write_all(fd, buf, total);
		if (buf != small)
			free(buf);
	}
}

/* ==== keyword tables =================================================== */

enum directive_id {
	D_INCLUDE, D_DOMAIN, D_LIBRARY, D_TRUSTED_MEMORY, D_ON_FAULT,
	D_MAX_FAULTS, D_HEAP, D_STACK, D_STACK_ARGS, D_FAULT_RETURN,
	D_FUNCTION, D_IF_NO_KEYS, D_COUNT
};

static const char *const directive_names[D_COUNT] = {
	[D_INCLUDE] = "include",
	[D_DOMAIN] = "domain",
	[D_LIBRARY] = "library",
	[D_TRUSTED_MEMORY] = "trusted-memory",
	[D_ON_FAULT] = "on-fault",
	[D_MAX_FAULTS] = "max-faults",
	[D_HEAP] = "heap",
	[D_STACK] = "stack",
	[D_STACK_ARGS] = "stack-args",
	[D_FAULT_RETURN] = "fault-return",
	[D_FUNCTION] = "function",
	[D_IF_NO_KEYS] = "if-no-keys",
};

static const char *const trust_names[] = {
	[PKR_TRUST_READ] = "read",
	[PKR_TRUST_WRITE] = "write",
	[PKR_TRUST_NONE] = "none",
};

static const char *const on_fault_names[] = {
	[PKR_ON_FAULT_REWIND] = "rewind",
	[PKR_ON_FAULT_RESET] = "reset",
	[PKR_ON_FAULT_ABORT] = "abort",
};

static const char *const no_keys_names[] = {
	[PKR_NO_KEYS_REFUSE] = "refuse",
	[PKR_NO_KEYS_REWIND_ONLY] = "rewind-only",
};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

const char *pkr_trust_name(enum pkr_trust t)
{
	return (unsigned)t < COUNT(trust_names) ? trust_names[t] : NULL;
}

const char *pkr_on_fault_name(enum pkr_on_fault f)
{
	return (unsigned)f < COUNT(on_fault_names) ? on_fault_names[f] : NULL;
}

const char *pkr_no_keys_name(enum pkr_no_keys k)
{
	return (unsigned)k < COUNT(no_keys_names) ? no_keys_names[k] : NULL;
}

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
	if (err <= 0 || err > MAX_ERRNO)
		return NULL;
	return errno_name_raw(err);
}

static int errno_from_name_n(const char *s, size_t n)
{
	if (n < 2 || s[0] != 'E')
		return -1;
	for (int e = 1; e <= MAX_ERRNO; e++) {
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
	return name ? errno_from_name_n(name, strlen(name)) : -1;
}

/* ==== did you mean ===================================================== */

static int lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c + 'a' - 'A' : c;
}

/* Optimal string alignment distance (insertions, deletions, substitutions
 * and swaps of neighbours cost 1), ignoring case.  Both strings are at
 * most PKR_MAX_NAME bytes. */
static unsigned edit_distance(const char *a, size_t an, const char *b, size_t bn)
{
	unsigned rows[3][PKR_MAX_NAME + 2];
	unsigned *prev2 = rows[0], *prev = rows[1], *cur = rows[2];

	if (an > PKR_MAX_NAME || bn > PKR_MAX_NAME)
		return UINT_MAX;
	for (size_t j = 0; j <= bn; j++)
		prev[j] = (unsigned)j;
	for (size_t i = 1; i <= an; i++) {
		cur[0] = (unsigned)i;
		for (size_t j = 1; j <= bn; j++) {
			unsigned cost = lower(a[i - 1]) != lower(b[j - 1]);
			unsigned d = prev[j - 1] + cost;

			if (prev[j] + 1 < d)
				d = prev[j] + 1;
			if (cur[j - 1] + 1 < d)
				d = cur[j - 1] + 1;
			if (i > 1 && j > 1 && lower(a[i - 1]) == lower(b[j - 2]) &&
			    lower(a[i - 2]) == lower(b[j - 1]) && prev2[j - 2] + 1 < d)
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

static const char *suggest(const char *s, size_t n, const char *const *cands, size_t ncands)
{
	struct suggestion sg = { 0 };

	for (size_t i = 0; i < ncands; i++)
		if (cands[i])
			consider(&sg, s, n, cands[i]);
	return sg.word;
}

static const char *suggest_errno(const char *s, size_t n)
{
	struct suggestion sg = { 0 };

	for (int e = 1; e <= MAX_ERRNO; e++) {
		const char *name = errno_name_raw(e);

		if (name)
			consider(&sg, s, n, name);
	}
	for (size_t i = 0; i < COUNT(errno_aliases); i++)
		consider(&sg, s, n, errno_aliases[i].name);
	consider(&sg, s, n, "keep");
	return sg.word;
}

/* ==== lexer ============================================================ */

struct lexer {
	const char *file;       /* name for messages (arena string) */
	const char *buf;
	size_t len;
	size_t pos;             /* next byte */
	size_t line_start;      /* offset of the current line */
	unsigned line;          /* 1-based */
};

struct token {
	const char *s;
	size_t len;
	unsigned line, col;
};

enum lex_result { LEX_WORD, LEX_EOL, LEX_ERROR };

static unsigned lex_col(const struct lexer *lx, size_t pos)
{
	return (unsigned)(pos - lx->line_start + 1);
}

/* A CR that ends a line (before LF or at the end of the buffer). */
static bool lex_is_eol_cr(const struct lexer *lx, size_t pos)
{
	return lx->buf[pos] == '\r' && (pos + 1 == lx->len || lx->buf[pos + 1] == '\n');
}

static bool lex_is_blank(const struct lexer *lx, size_t pos)
{
	char c = lx->buf[pos];

	return c == ' ' || c == '\t' || lex_is_eol_cr(lx, pos);
}

/* Move to the start of the next line. */
static void lex_next_line(struct lexer *lx)
{
	const char *nl = memchr(lx->buf + lx->pos, '\n', lx->len - lx->pos);

	lx->pos = nl ? (size_t)(nl - lx->buf) + 1 : lx->len;
	lx->line_start = lx->pos;
	lx->line++;
}

/* ==== parser state ===================================================== */

struct dom_builder {
	struct pkr_domain_policy d;
	size_t index;                   /* hash table space of its functions */
	unsigned col;                   /* of the domain name */
	bool poisoned;                  /* the domain line had an error */
	bool saw_library;               /* a library line, right or wrong */
	size_t diag_pos;                /* where "no library" is inserted */
	unsigned depth;                 /* include depth of its domain line */
	const char **libs;
	struct pkr_src_pos *libpos;     /* parallel to libs */
	size_t libcap, libposcap;
	struct pkr_func_policy *funcs;
	size_t funccap;
	struct {
		const char *file;
		unsigned line;
	} first[D_COUNT];               /* where each directive first stood */
};

struct frame {
	const char *file;               /* name for messages */
	const char *key;                /* identity, for cycles */
	char *buf;                      /* owned buffer (included files) */
};

struct parser {
	struct arena *arena;
	const struct pkr_parse_env *env;
	struct pkr_diags *diags;
	const char *top_file, *top_buf;
	size_t top_len;
	unsigned nerrors;
	bool gave_up;
	bool out_of_memory;

	struct frame stack[PKR_MAX_INCLUDE_DEPTH + 1];
	unsigned depth;                 /* index of the current frame */

	struct dom_builder **doms;
	size_t ndoms, domcap;
	struct dom_builder *cur;        /* NULL outside a domain block */
	bool reported_too_many;

	struct htab domain_names;       /* value: domain index */
	struct htab libraries;          /* value: domain index */
	struct htab functions;          /* space: domain index */
	struct htab files;              /* every file read, by key */
};

/* One directive line being parsed. */
struct linectx {
	struct lexer *lx;
	struct token dir;               /* the directive keyword */
	const char *end;                /* end of the last token consumed */
};

static bool reads_disk(const struct parser *ps)
{
	return !ps->env || !ps->env->read_file;
}

/* ---- errors ---- */

/* Report an error; `at` is the index in diags->v where it goes (SIZE_MAX:
 * at the end).  Past PKR_MAX_ERRORS, one last error ends the parse. */
static void verror_at(struct parser *ps, size_t at, const char *file, unsigned line,
		      unsigned col, const char *fmt, va_list ap)
{
	struct pkr_diags *d = ps->diags;
	size_t n0 = d->n;

	if (ps->gave_up)
		return;
	if (ps->nerrors == PKR_MAX_ERRORS) {
		pkr_diags_add(d, PKR_DIAG_ERROR, file, line, col, "too many errors; giving up");
		ps->gave_up = true;
		return;
	}
	ps->nerrors++;
	diags_vadd(d, PKR_DIAG_ERROR, file, line, col, fmt, ap);
	if (at < n0 && d->n == n0 + 1) {
		struct pkr_diag g = d->v[n0];

		memmove(&d->v[at + 1], &d->v[at], (n0 - at) * sizeof g);
		d->v[at] = g;
	}
}

static void __attribute__((format(printf, 6, 7)))
error_insert(struct parser *ps, size_t at, const char *file, unsigned line, unsigned col,
	     const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	verror_at(ps, at, file, line, col, fmt, ap);
	va_end(ap);
}

static void __attribute__((format(printf, 5, 6)))
error_at(struct parser *ps, const char *file, unsigned line, unsigned col, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	verror_at(ps, SIZE_MAX, file, line, col, fmt, ap);
	va_end(ap);
}

/* An error at a token of the current file. */
static void __attribute__((format(printf, 3, 4)))
tok_error(struct parser *ps, const struct token *t, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	verror_at(ps, SIZE_MAX, ps->stack[ps->depth].file, t->line, t->col, fmt, ap);
	va_end(ap);
}

static void __attribute__((format(printf, 4, 5)))
lex_error(struct parser *ps, const struct lexer *lx, size_t pos, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	verror_at(ps, SIZE_MAX, lx->file, lx->line, lex_col(lx, pos), fmt, ap);
	va_end(ap);
}

/* ---- the lexer proper ---- */

/* The next token of the current line.  LEX_EOL at the end of the line or
 * at a comment (the line is not consumed); LEX_ERROR after reporting a bad
 * byte or an overlong token. */
static enum lex_result lex_next(struct parser *ps, struct lexer *lx, struct token *t)
{
	size_t start;

	while (lx->pos < lx->len && lex_is_blank(lx, lx->pos))
		lx->pos++;
	if (lx->pos >= lx->len || lx->buf[lx->pos] == '\n')
		return LEX_EOL;
	if (lx->buf[lx->pos] == '#') {
		const char *p = lx->buf + lx->pos;
		const char *nl = memchr(p, '\n', lx->len - lx->pos);
		size_t n = nl ? (size_t)(nl - p) : lx->len - lx->pos;
		const char *nul = memchr(p, '\0', n);

		if (nul) {
			lex_error(ps, lx, (size_t)(nul - lx->buf), "NUL byte in policy");
			return LEX_ERROR;
		}
		lx->pos += n;
		return LEX_EOL;
	}
	start = lx->pos;
	for (; lx->pos < lx->len; lx->pos++) {
		unsigned char c = (unsigned char)lx->buf[lx->pos];

		if (c == '\n' || lex_is_blank(lx, lx->pos))
			break;
		if (c == '\0') {
			lex_error(ps, lx, lx->pos, "NUL byte in policy");
			return LEX_ERROR;
		}
		if (c < 0x20 || c >= 0x7f) {
			lex_error(ps, lx, lx->pos, "invalid character (byte 0x%02x)", c);
			return LEX_ERROR;
		}
	}
	t->s = lx->buf + start;
	t->len = lx->pos - start;
	t->line = lx->line;
	t->col = lex_col(lx, start);
	if (t->len > PKR_MAX_NAME) {
		lex_error(ps, lx, start, "token is too long (%zu bytes; at most %d)",
			  t->len, PKR_MAX_NAME);
		return LEX_ERROR;
	}
	return LEX_WORD;
}

static bool tok_is(const struct token *t, const char *word)
{
	return strlen(word) == t->len && memcmp(t->s, word, t->len) == 0;
}

/* The text of the line from the directive to the last token consumed. */
#define LC_TEXT(lc) (int)((lc)->end - (lc)->dir.s), (lc)->dir.s
#define TOK(t) (int)(t)->len, (t)->s

/* The next token, which the directive needs: `what` names it. */
static bool need_arg(struct parser *ps, struct linectx *lc, struct token *t, const char *what)
{
	switch (lex_next(ps, lc->lx, t)) {
	case LEX_WORD:
		lc->end = t->s + t->len;
		return true;
	case LEX_EOL:
		error_at(ps, lc->lx->file, lc->lx->line,
			 lex_col(lc->lx, (size_t)(lc->end - lc->lx->buf)),
			 "missing %s after '%.*s'", what, LC_TEXT(lc));
		return false;
	default:
		return false;
	}
}

/* An optional next token: LEX_WORD, LEX_EOL or LEX_ERROR.  The caller
 * calls accept() when the word belongs to the directive. */
static enum lex_result opt_arg(struct parser *ps, struct linectx *lc, struct token *t)
{
	return lex_next(ps, lc->lx, t);
}

static void accept(struct linectx *lc, const struct token *t)
{
	lc->end = t->s + t->len;
}

static void unexpected(struct parser *ps, struct linectx *lc, const struct token *t)
{
	tok_error(ps, t, "unexpected '%.*s' after '%.*s'", TOK(t), LC_TEXT(lc));
}

/* The directive is complete: nothing but a comment may follow. */
static bool end_of_line(struct parser *ps, struct linectx *lc)
{
	struct token t;

	switch (lex_next(ps, lc->lx, &t)) {
	case LEX_EOL:
		return true;
	case LEX_WORD:
		unexpected(ps, lc, &t);
		return false;
	default:
		return false;
	}
}

/* ==== values =========================================================== */

enum num_result { NUM_OK, NUM_SYNTAX, NUM_RANGE };

static int digit_value(char c, unsigned base)
{
	int v;

	if (c >= '0' && c <= '9')
		v = c - '0';
	else if (c >= 'a' && c <= 'f')
		v = c - 'a' + 10;
	else if (c >= 'A' && c <= 'F')
		v = c - 'A' + 10;
	else
		return -1;
	return (unsigned)v < base ? v : -1;
}

/* Digits in `base` up to the end or the first non-digit; *used gets how
 * many bytes were digits.  NUM_RANGE when the value exceeds `max`. */
static enum num_result parse_digits(const char *s, size_t n, unsigned base, uint64_t max,
				    uint64_t *out, size_t *used)
{
	uint64_t v = 0;
	bool over = false;
	size_t i;
	int d;

	for (i = 0; i < n && (d = digit_value(s[i], base)) >= 0; i++) {
		if (v > (max - (uint64_t)d) / base)
			over = true;
		else
			v = v * base + (uint64_t)d;
	}
	*used = i;
	if (i == 0)
		return NUM_SYNTAX;
	*out = v;
	return over ? NUM_RANGE : NUM_OK;
}

/* A decimal number with nothing after it, at most `max`. */
static enum num_result parse_decimal(const char *s, size_t n, uint64_t max, uint64_t *out)
{
	size_t used;
	enum num_result r = parse_digits(s, n, 10, max, out, &used);

	if (used != n)
		return NUM_SYNTAX;
	return r;
}

/* VALUE: decimal, 0x hex, optionally negative, or `null`. */
static enum num_result parse_value(const char *s, size_t n, int64_t *out)
{
	bool neg = false;
	unsigned base = 10;
	uint64_t mag, max;
	size_t used;
	enum num_result r;

	if (n == 4 && memcmp(s, "null", 4) == 0) {
		*out = 0;
		return NUM_OK;
	}
	if (n > 0 && s[0] == '-') {
		neg = true;
		s++;
		n--;
	}
	if (n > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
		n -= 2;
	}
	max = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
	r = parse_digits(s, n, base, max, &mag, &used);
	if (used != n)
		return NUM_SYNTAX;
	if (r != NUM_OK)
		return r;
	if (neg)
		*out = mag == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)mag;
	else
		*out = (int64_t)mag;
	return NUM_OK;
}

/* SIZE: digits, an optional K/M/G (any case), then optional B or iB. */
static enum num_result parse_size(const char *s, size_t n, uint64_t *out)
{
	uint64_t v;
	unsigned shift = 0;
	size_t used;
	enum num_result r = parse_digits(s, n, 10, UINT64_MAX, &v, &used);

	if (r == NUM_SYNTAX)
		return r;
	s += used;
	n -= used;
	if (n > 0) {
		switch (s[0]) {
		case 'k': case 'K': shift = 10; break;
		case 'm': case 'M': shift = 20; break;
		case 'g': case 'G': shift = 30; break;
		}
		if (shift) {
			s++;
			n--;
		}
	}
	if (n == 1 && s[0] == 'B')
		n = 0;
	else if (shift && n == 2 && s[0] == 'i' && s[1] == 'B')
		n = 0;
	if (n != 0)
		return NUM_SYNTAX;
	if (r == NUM_RANGE || v > (UINT64_MAX >> shift))
		return NUM_RANGE;
	*out = v << shift;
	return NUM_OK;
}

/* ==== domains ========================================================== */

static void close_domain(struct parser *ps)
{
	struct dom_builder *b = ps->cur;

	if (!b)
		return;
	ps->cur = NULL;
	/* Reported where the domain line stands among the messages; not
	 * when a library line was there but wrong (it has its own error). */
	if (b->d.nlibraries == 0 && !b->poisoned && !b->saw_library)
		error_insert(ps, b->diag_pos, b->d.file, b->d.line, b->col,
			     "domain '%s' has no 'library' line", b->d.name);
}

static struct dom_builder *new_domain(struct parser *ps, const char *name, size_t n,
				      const struct token *dir, unsigned col)
{
	struct dom_builder *b = arena_alloc(ps->arena, sizeof *b);
	static const struct pkr_retval default_ret = {
		.is_void = false, .set = false, .value = -1, .err = EFAULT,
	};

	memset(b, 0, sizeof *b);
	b->d.name = arena_strndup(ps->arena, name, n);
	b->d.file = ps->stack[ps->depth].file;
	b->d.line = dir->line;
	b->d.trust = PKR_TRUST_READ;
	b->d.on_fault = PKR_ON_FAULT_REWIND;
	b->d.max_faults = 0;
	b->d.heap = PKR_HEAP_DEFAULT;
	b->d.stack = PKR_STACK_DEFAULT;
	b->d.stack_args = PKR_STACK_ARGS_DEFAULT;
	b->d.fault_return = default_ret;
	b->col = col;
	b->depth = ps->depth;
	b->index = ps->ndoms;
	ps->doms = vec_reserve(ps->arena, ps->doms, ps->ndoms, &ps->domcap, sizeof *ps->doms);
	ps->doms[ps->ndoms++] = b;
	return b;
}

static bool valid_domain_name(const char *s, size_t n)
{
	if (n == 0 || !(s[0] == '_' || (lower(s[0]) >= 'a' && lower(s[0]) <= 'z')))
		return false;
	for (size_t i = 1; i < n; i++) {
		char c = s[i];

		if (!(c == '_' || c == '.' || c == '-' || (c >= '0' && c <= '9') ||
		      (lower(c) >= 'a' && lower(c) <= 'z')))
			return false;
	}
	return true;
}

static void parse_domain(struct parser *ps, struct linectx *lc)
{
	struct token name;
	struct dom_builder *b;
	unsigned e0;
	bool ok = true;

	close_domain(ps);
	e0 = ps->nerrors;
	if (!need_arg(ps, lc, &name, "domain name")) {
		b = new_domain(ps, "", 0, &lc->dir, lc->dir.col);
		b->poisoned = true;
		ps->cur = b;
		return;
	}
	if (!valid_domain_name(name.s, name.len)) {
		tok_error(ps, &name, "invalid domain name '%.*s' (letters, digits, '_', '.' and '-', "
			  "starting with a letter or '_')", TOK(&name));
		ok = false;
	} else if (name.len > MAX_DOMAIN_NAME) {
		tok_error(ps, &name, "domain name '%.*s' is too long (%zu bytes; at most %d)",
			  TOK(&name), name.len, MAX_DOMAIN_NAME);
		ok = false;
	} else if (htab_find(ps->arena, &ps->domain_names, 0, name.s, name.len)->key) {
		struct hentry *e = htab_find(ps->arena, &ps->domain_names, 0, name.s, name.len);

		tok_error(ps, &name, "duplicate domain '%.*s' (first at %s:%u)",
			  TOK(&name), e->file, e->line);
		ok = false;
	} else if (ps->domain_names.n >= PKR_MAX_DOMAINS && !ps->reported_too_many) {
		/* Said once: the domains past the 15th are still checked. */
		ps->reported_too_many = true;
		tok_error(ps, &lc->dir, "at most %d domains: the hardware has 16 protection keys "
			  "and key 0 is the program's", PKR_MAX_DOMAINS);
		ok = false;
	}
	b = new_domain(ps, name.s, name.len, &lc->dir, name.col);
	if (ok) {
		struct hentry *e = htab_find(ps->arena, &ps->domain_names, 0, name.s, name.len);

		htab_claim(&ps->domain_names, e, b->d.name);
		e->file = b->d.file;
		e->line = b->d.line;
		e->value = b->index;
		end_of_line(ps, lc);
	}
	b->poisoned = ps->nerrors != e0;
	b->diag_pos = ps->diags->n;
	ps->cur = b;
}

/* ==== directives ======================================================= */

/* `library SPEC` */
static void parse_library(struct parser *ps, struct linectx *lc)
{
	struct dom_builder *b = ps->cur;
	struct token t;
	struct hentry *e;

	b->saw_library = true;
	if (!need_arg(ps, lc, &t, "soname, path or glob"))
		return;
	if (t.s[0] != '/' && memchr(t.s, '/', t.len)) {
		tok_error(ps, &t, "library '%.*s' is a relative path (give a soname, "
			  "an absolute path or a glob)", TOK(&t));
		return;
	}
	e = htab_find(ps->arena, &ps->libraries, 0, t.s, t.len);
	if (e->key) {
		const struct dom_builder *o = ps->doms[e->value];

		if (o == b)
			tok_error(ps, &t, "duplicate library '%.*s' in domain '%s' (first at %s:%u)",
				  TOK(&t), b->d.name, e->file, e->line);
		else
			tok_error(ps, &t, "library '%.*s' is already in domain '%s' (at %s:%u)",
				  TOK(&t), o->d.name, e->file, e->line);
		return;
	}
	if (!end_of_line(ps, lc))
		return;
	if (b->d.nlibraries == PKR_MAX_LIBRARIES) {
		tok_error(ps, &t, "at most %d libraries in a domain", PKR_MAX_LIBRARIES);
		return;
	}
	htab_claim(&ps->libraries, e, arena_strndup(ps->arena, t.s, t.len));
	e->file = ps->stack[ps->depth].file;
	e->line = t.line;
	e->value = b->index;
	b->libs = vec_reserve(ps->arena, b->libs, b->d.nlibraries, &b->libcap, sizeof *b->libs);
	b->libpos = vec_reserve(ps->arena, b->libpos, b->d.nlibraries, &b->libposcap,
				sizeof *b->libpos);
	b->libs[b->d.nlibraries] = e->key;
	b->libpos[b->d.nlibraries] = (struct pkr_src_pos){
		.file = e->file, .line = t.line, .col = t.col,
	};
	b->d.nlibraries++;
}

/* A keyword out of `names`; -1 after reporting `what` as unknown. */
static int parse_enum(struct parser *ps, struct linectx *lc, const char *what,
		      const char *const *names, size_t n, const char *expected)
{
	struct token t;
	const char *s;

	if (!need_arg(ps, lc, &t, what))
		return -1;
	for (size_t i = 0; i < n; i++)
		if (tok_is(&t, names[i]))
			return end_of_line(ps, lc) ? (int)i : -1;
	s = suggest(t.s, t.len, names, n);
	if (s)
		tok_error(ps, &t, "unknown %s '%.*s' (did you mean '%s'?)", what, TOK(&t), s);
	else
		tok_error(ps, &t, "unknown %s '%.*s' (expected %s)", what, TOK(&t), expected);
	return -1;
}

static void parse_trusted_memory(struct parser *ps, struct linectx *lc)
{
	int v = parse_enum(ps, lc, "trusted-memory mode", trust_names, COUNT(trust_names),
			   "read, write or none");

	if (v >= 0)
		ps->cur->d.trust = (enum pkr_trust)v;
}

static void parse_on_fault(struct parser *ps, struct linectx *lc)
{
	int v = parse_enum(ps, lc, "on-fault action", on_fault_names, COUNT(on_fault_names),
			   "rewind, reset or abort");

	if (v >= 0)
		ps->cur->d.on_fault = (enum pkr_on_fault)v;
}

static void parse_if_no_keys(struct parser *ps, struct linectx *lc)
{
	int v = parse_enum(ps, lc, "if-no-keys choice", no_keys_names, COUNT(no_keys_names),
			   "refuse or rewind-only");

	if (v >= 0)
		ps->cur->d.if_no_keys = (enum pkr_no_keys)v;
}

static void parse_max_faults(struct parser *ps, struct linectx *lc)
{
	struct token t;
	uint64_t v;

	if (!need_arg(ps, lc, &t, "number of faults"))
		return;
	switch (parse_decimal(t.s, t.len, PKR_MAX_FAULTS_MAX, &v)) {
	case NUM_SYNTAX:
		tok_error(ps, &t, "invalid max-faults '%.*s' (expected a number 0..%lu)",
			  TOK(&t), PKR_MAX_FAULTS_MAX);
		return;
	case NUM_RANGE:
		tok_error(ps, &t, "max-faults '%.*s' is out of range (0..%lu)",
			  TOK(&t), PKR_MAX_FAULTS_MAX);
		return;
	case NUM_OK:
		break;
	}
	if (end_of_line(ps, lc))
		ps->cur->d.max_faults = (unsigned long)v;
}

struct size_limits {
	uint64_t min, max;
	const char *min_text, *max_text, *example;
	bool multiple_of_8;
};

static const struct size_limits heap_limits = {
	PKR_HEAP_MIN, PKR_HEAP_MAX, "64K", "64G", "64M", false,
};
static const struct size_limits stack_limits = {
	PKR_STACK_MIN, PKR_STACK_MAX, "64K", "1G", "1M", false,
};
static const struct size_limits stack_args_limits = {
	0, PKR_STACK_ARGS_MAX, "0", "4096", "64", true,
};

static void parse_size_directive(struct parser *ps, struct linectx *lc,
				 const struct size_limits *lim, uint64_t *dest)
{
	struct token t;
	uint64_t v = 0;
	enum num_result r;

	if (!need_arg(ps, lc, &t, "size"))
		return;
	r = parse_size(t.s, t.len, &v);
	if (r == NUM_SYNTAX) {
		tok_error(ps, &t, "invalid size '%.*s' for '%.*s' (expected a number with an "
			  "optional K, M or G suffix, e.g. %s)", TOK(&t), TOK(&lc->dir), lim->example);
		return;
	}
	if (r == NUM_RANGE || v < lim->min || v > lim->max) {
		tok_error(ps, &t, "%.*s '%.*s' is out of range (%s..%s)",
			  TOK(&lc->dir), TOK(&t), lim->min_text, lim->max_text);
		return;
	}
	if (lim->multiple_of_8 && v % 8 != 0) {
		tok_error(ps, &t, "%.*s '%.*s' is not a multiple of 8", TOK(&lc->dir), TOK(&t));
		return;
	}
	if (end_of_line(ps, lc))
		*dest = v;
}

static void parse_heap(struct parser *ps, struct linectx *lc)
{
	parse_size_directive(ps, lc, &heap_limits, &ps->cur->d.heap);
}

static void parse_stack(struct parser *ps, struct linectx *lc)
{
	parse_size_directive(ps, lc, &stack_limits, &ps->cur->d.stack);
}

static void parse_stack_args(struct parser *ps, struct linectx *lc)
{
	parse_size_directive(ps, lc, &stack_args_limits, &ps->cur->d.stack_args);
}

/* `VALUE|void` after fault-return. */
static bool parse_retval(struct parser *ps, struct linectx *lc, struct pkr_retval *r)
{
	static const char *const words[] = { "void", "null" };
	struct token t;
	const char *s;
	int64_t v;

	if (!need_arg(ps, lc, &t, "value"))
		return false;
	if (tok_is(&t, "void")) {
		r->is_void = true;
		r->value = 0;
		return true;
	}
	switch (parse_value(t.s, t.len, &v)) {
	case NUM_OK:
		r->is_void = false;
		r->value = v;
		return true;
	case NUM_RANGE:
		tok_error(ps, &t, "fault-return value '%.*s' is out of range "
			  "(a signed 64-bit integer)", TOK(&t));
		return false;
	case NUM_SYNTAX:
		break;
	}
	s = suggest(t.s, t.len, words, COUNT(words));
	if (s)
		tok_error(ps, &t, "invalid fault-return value '%.*s' (did you mean '%s'?)",
			  TOK(&t), s);
	else
		tok_error(ps, &t, "invalid fault-return value '%.*s' (expected an integer, "
			  "'null' or 'void')", TOK(&t));
	return false;
}

/* E after `errno`. */
static bool parse_errno(struct parser *ps, struct linectx *lc, int *err)
{
	struct token t;
	uint64_t v;
	const char *s;
	int e;

	if (!need_arg(ps, lc, &t, "errno"))
		return false;
	if (tok_is(&t, "keep")) {
		*err = PKR_ERRNO_KEEP;
		return true;
	}
	if (t.s[0] >= '0' && t.s[0] <= '9') {
		switch (parse_decimal(t.s, t.len, MAX_ERRNO, &v)) {
		case NUM_OK:
			*err = (int)v;
			return true;
		case NUM_RANGE:
			tok_error(ps, &t, "errno %.*s is out of range (0..%d)", TOK(&t), MAX_ERRNO);
			return false;
		case NUM_SYNTAX:
			tok_error(ps, &t, "invalid errno '%.*s' (expected a name such as EIO, "
				  "a number 0..%d or 'keep')", TOK(&t), MAX_ERRNO);
			return false;
		}
	}
	e = errno_from_name_n(t.s, t.len);
	if (e > 0) {
		*err = e;
		return true;
	}
	s = suggest_errno(t.s, t.len);
	if (s)
		tok_error(ps, &t, "unknown errno name '%.*s' (did you mean '%s'?)", TOK(&t), s);
	else
		tok_error(ps, &t, "unknown errno name '%.*s' (expected a name such as EIO, "
			  "a number 0..%d or 'keep')", TOK(&t), MAX_ERRNO);
	return false;
}

/* A token where a keyword of `kw` (or the end of the line) was expected. */
static void bad_keyword(struct parser *ps, struct linectx *lc, const struct token *t,
			const char *const *kw, size_t nkw)
{
	const char *s = suggest(t->s, t->len, kw, nkw);

	if (s)
		tok_error(ps, t, "unknown keyword '%.*s' (did you mean '%s'?)", TOK(t), s);
	else
		unexpected(ps, lc, t);
}

/* After `fault-return VALUE`: [errno E] and the end of the line. */
static bool parse_retval_tail(struct parser *ps, struct linectx *lc, struct pkr_retval *r)
{
	static const char *const kw[] = { "errno" };
	struct token t;

	switch (opt_arg(ps, lc, &t)) {
	case LEX_EOL:
		return true;
	case LEX_ERROR:
		return false;
	case LEX_WORD:
		break;
	}
	if (!tok_is(&t, "errno")) {
		bad_keyword(ps, lc, &t, kw, COUNT(kw));
		return false;
	}
	accept(lc, &t);
	return parse_errno(ps, lc, &r->err) && end_of_line(ps, lc);
}

/* `fault-return VALUE|void [errno E]` (the domain's default).  Without
 * errno, a value sets EFAULT; `void` says nothing (PKR_ERRNO_INHERIT):
 * errno is left alone, and a function line with a value gets EFAULT. */
static void parse_fault_return(struct parser *ps, struct linectx *lc)
{
	struct pkr_retval r = { .set = true, .err = PKR_ERRNO_INHERIT };

	if (!parse_retval(ps, lc, &r) || !parse_retval_tail(ps, lc, &r))
		return;
	if (r.err == PKR_ERRNO_INHERIT && !r.is_void)
		r.err = EFAULT;
	ps->cur->d.fault_return = r;
}

/* NAME of `function`: a C identifier, optionally @VERSION or @@VERSION
 * (the form `pkrewind symbols` prints for a default version).  *extra
 * gets the index of the second '@' of "@@", else 0. */
static bool valid_function_name(const char *s, size_t n, size_t *extra)
{
	size_t i = 0;

	*extra = 0;
	if (n == 0 || !(s[0] == '_' || (lower(s[0]) >= 'a' && lower(s[0]) <= 'z')))
		return false;
	for (i = 1; i < n && s[i] != '@'; i++)
		if (!(s[i] == '_' || (s[i] >= '0' && s[i] <= '9') ||
		      (lower(s[i]) >= 'a' && lower(s[i]) <= 'z')))
			return false;
	if (i == n)
		return true;
	if (++i < n && s[i] == '@')
		*extra = i++;
	if (i == n)
		return false;          /* "name@", "name@@" */
	for (; i < n; i++)
		if (!(s[i] == '_' || s[i] == '.' || s[i] == '-' || (s[i] >= '0' && s[i] <= '9') ||
		      (lower(s[i]) >= 'a' && lower(s[i]) <= 'z')))
			return false;
	return true;
}

static void annotations_error(struct parser *ps, const struct token *t, size_t at)
{
	struct token p = *t;

	p.col += (unsigned)at;
	tok_error(ps, &p, "argument annotations are not supported yet");
}

/* `function NAME [fault-return VALUE|void] [errno E]` */
static void parse_function(struct parser *ps, struct linectx *lc)
{
	static const char *const kw[] = { "fault-return", "errno" };
	struct dom_builder *b = ps->cur;
	struct pkr_retval r = { .set = false, .value = -1, .err = PKR_ERRNO_INHERIT };
	struct token name, t;
	const char *paren, *fname;
	size_t extra, fnlen;
	struct hentry *e;

	if (!need_arg(ps, lc, &name, "function name"))
		return;
	fname = name.s;
	fnlen = name.len;
	paren = memchr(name.s, '(', name.len);
	if (paren) {
		annotations_error(ps, &name, (size_t)(paren - name.s));
		return;
	}
	if (!valid_function_name(name.s, name.len, &extra)) {
		tok_error(ps, &name, "invalid function name '%.*s' (expected a C identifier, "
			  "optionally followed by @VERSION)", TOK(&name));
		return;
	}
	/* "f@@V" is kept as "f@V": one spelling per name. */
	if (extra) {
		char *one = arena_alloc(ps->arena, name.len);

		memcpy(one, name.s, extra);
		memcpy(one + extra, name.s + extra + 1, name.len - extra - 1);
		fname = one;
		fnlen = name.len - 1;
	}
	e = htab_find(ps->arena, &ps->functions, b->index, fname, fnlen);
	if (e->key) {
		tok_error(ps, &name, "duplicate function '%.*s' in domain '%s' (first at %s:%u)",
			  TOK(&name), b->d.name, e->file, e->line);
		return;
	}
	switch (opt_arg(ps, lc, &t)) {
	case LEX_ERROR:
		return;
	case LEX_EOL:
		break;
	case LEX_WORD:
		if (t.s[0] == '(') {
			annotations_error(ps, &t, 0);
			return;
		}
		if (tok_is(&t, "errno")) {
			tok_error(ps, &t, "'errno' without 'fault-return' (write "
				  "'fault-return VALUE errno E')");
			return;
		}
		if (!tok_is(&t, "fault-return")) {
			bad_keyword(ps, lc, &t, kw, COUNT(kw));
			return;
		}
		accept(lc, &t);
		r.set = true;
		if (!parse_retval(ps, lc, &r) || !parse_retval_tail(ps, lc, &r))
			return;
		break;
	}
	htab_claim(&ps->functions, e, arena_strndup(ps->arena, fname, fnlen));
	e->file = ps->stack[ps->depth].file;
	e->line = name.line;
	b->funcs = vec_reserve(ps->arena, b->funcs, b->d.nfunctions, &b->funccap, sizeof *b->funcs);
	b->funcs[b->d.nfunctions++] = (struct pkr_func_policy){
		.name = e->key, .ret = r, .file = e->file, .line = e->line,
	};
}

/* ==== include ========================================================== */

static void parse_file(struct parser *ps, const char *buf, size_t len);

/* Lexically clean path[0..n): drop empty and "." components, fold
 * "dir/.." (a leading ".." of a relative path stays).  Arena string. */
static char *clean_path(struct parser *ps, const char *path, size_t n)
{
	char *out = arena_alloc(ps->arena, n + 2);
	bool abs = n > 0 && path[0] == '/';
	size_t o = 0, fixed = 0;        /* fixed: leading "../" bytes */
	size_t i = 0;

	if (abs)
		out[o++] = '/';
	while (i < n) {
		size_t j = i;

		while (j < n && path[j] != '/')
			j++;
		size_t len = j - i;

		if (len == 0 || (len == 1 && path[i] == '.')) {
			/* nothing */
		} else if (len == 2 && path[i] == '.' && path[i + 1] == '.') {
			size_t start = abs ? 1 : 0;

			if (o > start + fixed) {
				/* drop the last component and its '/' */
				o--;
				while (o > start + fixed && out[o - 1] != '/')
					o--;
			} else if (!abs) {
				memcpy(out + o, "../", 3);
				o += 3;
				fixed += 3;
			}
		} else {
			memcpy(out + o, path + i, len);
			o += len;
			out[o++] = '/';
		}
		i = j + 1;
	}
	if (o > 1 && out[o - 1] == '/')
		o--;
	if (o == 0)
		out[o++] = '.';
	out[o] = '\0';
	return out;
}

/* FILE relative to the directory of `from`, cleaned; arena string. */
static char *join_path(struct parser *ps, const char *from, const struct token *t)
{
	const char *slash = strrchr(from, '/');
	size_t dn = t->s[0] == '/' || !slash ? 0 : (size_t)(slash - from) + 1;
	char *p = arena_alloc(ps->arena, dn + t->len + 1);

	memcpy(p, from, dn);
	memcpy(p + dn, t->s, t->len);
	p[dn + t->len] = '\0';
	return clean_path(ps, p, dn + t->len);
}

/* What identifies a file: its real path on disk, else its clean name. */
static const char *file_key(struct parser *ps, const char *path)
{
	if (reads_disk(ps)) {
		char *real = realpath(path, NULL);

		if (real) {
			char *k = arena_strndup(ps->arena, real, strlen(real));

			free(real);
			return k;
		}
	}
	return path;
}

/* Read a whole file, at most PKR_MAX_FILE_SIZE bytes (EFBIG past it). */
static int read_disk(const char *path, char **bufp, size_t *lenp)
{
	size_t cap = 4096, len = 0;
	char *buf = NULL;
	struct stat st;
	int fd, err = 0;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return errno;
	if (fstat(fd, &st) == 0) {
		if (S_ISDIR(st.st_mode)) {
			close(fd);
			return EISDIR;
		}
		if (S_ISREG(st.st_mode) && st.st_size >= 0 &&
		    (uint64_t)st.st_size < PKR_MAX_FILE_SIZE)
			cap = (size_t)st.st_size + 1;
	}
	for (;;) {
		ssize_t n;

		if (len == cap || !buf) {
			char *nb;

			if (buf)
				cap *= 2;
			if (cap > PKR_MAX_FILE_SIZE + 1)
				cap = PKR_MAX_FILE_SIZE + 1;
			nb = realloc(buf, cap);
			if (!nb) {
				err = ENOMEM;
				break;
			}
			buf = nb;
		}
		n = read(fd, buf + len, cap - len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			err = errno;
			break;
		}
		if (n == 0)
			break;
		len += (size_t)n;
		if (len > PKR_MAX_FILE_SIZE) {
			err = EFBIG;
			break;
		}
	}
	close(fd);
	if (err) {
		free(buf);
		return err;
	}
	*bufp = buf;
	*lenp = len;
	return 0;
}

static void read_error(struct parser *ps, const struct token *t, const char *path, int err)
{
	if (err == EFBIG)
		tok_error(ps, t, "'%s' is larger than 16 MiB", path);
	else
		tok_error(ps, t, "cannot read '%s': %s", path, strerror(err));
}

/* "a -> b -> ... -> path" for the files from stack[from] on. */
static char *include_chain(struct parser *ps, unsigned from, const char *path)
{
	size_t n = strlen(path) + 1;
	char *s, *p;

	for (unsigned i = from; i <= ps->depth; i++)
		n += strlen(ps->stack[i].file) + 4;
	s = p = arena_alloc(ps->arena, n);
	for (unsigned i = from; i <= ps->depth; i++)
		p += sprintf(p, "%s -> ", ps->stack[i].file);
	strcpy(p, path);
	return s;
}

/* `include FILE` */
static void parse_include(struct parser *ps, struct linectx *lc)
{
	const char *from = ps->stack[ps->depth].file;
	struct token t;
	const char *path, *key;
	struct hentry *e;
	char *buf = NULL;
	size_t len = 0;
	int err;

	if (!need_arg(ps, lc, &t, "file name") || !end_of_line(ps, lc))
		return;
	path = join_path(ps, from, &t);
	key = file_key(ps, path);
	for (unsigned i = 0; i <= ps->depth; i++)
		if (strcmp(ps->stack[i].key, key) == 0) {
			tok_error(ps, &t, "include cycle: %s", include_chain(ps, i, path));
			return;
		}
	e = htab_find(ps->arena, &ps->files, 0, key, strlen(key));
	if (e->key) {
		tok_error(ps, &t, "'%s' is already included (first at %s:%u)",
			  path, e->file, e->line);
		return;
	}
	if (ps->depth >= PKR_MAX_INCLUDE_DEPTH) {
		tok_error(ps, &t, "includes nested too deeply (at most %d levels)",
			  PKR_MAX_INCLUDE_DEPTH);
		return;
	}
	if (reads_disk(ps))
		err = read_disk(path, &buf, &len);
	else
		err = ps->env->read_file(ps->env->ctx, path, &buf, &len);
	if (!err && len > PKR_MAX_FILE_SIZE) {
		free(buf);
		err = EFBIG;
	}
	if (err) {
		read_error(ps, &t, path, err);
		return;
	}
	htab_claim(&ps->files, e, key);
	e->file = from;
	e->line = t.line;

	ps->depth++;
	ps->stack[ps->depth] = (struct frame){ .file = path, .key = key, .buf = buf };
	parse_file(ps, buf ? buf : "", buf ? len : 0);
	/* A domain opened in the included file ends with it. */
	if (ps->cur && ps->cur->depth == ps->depth)
		close_domain(ps);
	ps->stack[ps->depth].buf = NULL;
	ps->depth--;
	free(buf);
}

/* ==== lines ============================================================ */

struct directive {
	void (*parse)(struct parser *ps, struct linectx *lc);
	bool in_domain;         /* only inside a domain block */
	bool once;              /* at most once per domain */
};

static const struct directive directives[D_COUNT] = {
	[D_INCLUDE] = { parse_include, false, false },
	[D_DOMAIN] = { parse_domain, false, false },
	[D_LIBRARY] = { parse_library, true, false },
	[D_TRUSTED_MEMORY] = { parse_trusted_memory, true, true },
	[D_ON_FAULT] = { parse_on_fault, true, true },
	[D_MAX_FAULTS] = { parse_max_faults, true, true },
	[D_HEAP] = { parse_heap, true, true },
	[D_STACK] = { parse_stack, true, true },
	[D_STACK_ARGS] = { parse_stack_args, true, true },
	[D_FAULT_RETURN] = { parse_fault_return, true, true },
	[D_FUNCTION] = { parse_function, true, false },
	[D_IF_NO_KEYS] = { parse_if_no_keys, true, true },
};

static void parse_line(struct parser *ps, struct lexer *lx)
{
	struct linectx lc = { .lx = lx };
	const char *s;
	int id;

	if (lex_next(ps, lx, &lc.dir) != LEX_WORD)
		return;
	lc.end = lc.dir.s + lc.dir.len;
	for (id = 0; id < D_COUNT; id++)
		if (tok_is(&lc.dir, directive_names[id]))
			break;
	if (id == D_COUNT) {
		s = suggest(lc.dir.s, lc.dir.len, directive_names, D_COUNT);
		if (s)
			tok_error(ps, &lc.dir, "unknown directive '%.*s' (did you mean '%s'?)",
				  TOK(&lc.dir), s);
		else
			tok_error(ps, &lc.dir, "unknown directive '%.*s'", TOK(&lc.dir));
		return;
	}
	if (directives[id].in_domain && !ps->cur) {
		tok_error(ps, &lc.dir, "'%s' outside a domain block", directive_names[id]);
		return;
	}
	if (directives[id].once) {
		struct dom_builder *b = ps->cur;

		if (b->first[id].file) {
			tok_error(ps, &lc.dir, "duplicate '%s' in domain '%s' (first at %s:%u)",
				  directive_names[id], b->d.name, b->first[id].file,
				  b->first[id].line);
			return;
		}
		b->first[id].file = ps->stack[ps->depth].file;
		b->first[id].line = lc.dir.line;
	}
	directives[id].parse(ps, &lc);
}

static void parse_file(struct parser *ps, const char *buf, size_t len)
{
	struct lexer lx = {
		.file = ps->stack[ps->depth].file, .buf = buf, .len = len, .line = 1,
	};

	while (lx.pos < lx.len && !ps->gave_up) {
		parse_line(ps, &lx);
		lex_next_line(&lx);
	}
}

/* ==== the model ======================================================== */

static struct pkr_policy *build_model(struct parser *ps, const char *file)
{
	struct pkr_policy *p = arena_alloc(ps->arena, sizeof *p);
	struct pkr_domain_policy *doms = arena_alloc(ps->arena, (ps->ndoms + 1) * sizeof *doms);

	for (size_t i = 0; i < ps->ndoms; i++) {
		struct dom_builder *b = ps->doms[i];

		doms[i] = b->d;
		doms[i].libraries = b->libs;
		doms[i].library_pos = b->libpos;
		doms[i].functions = b->funcs;
	}
	p->domains = doms;
	p->ndomains = ps->ndoms;
	p->file = file;
	p->arena = ps->arena;
	return p;
}

static void parse_top(struct parser *ps, const char *file, const char *buf, size_t len)
{
	char *name = arena_strndup(ps->arena, file, strlen(file));
	struct hentry *e;

	ps->stack[0] = (struct frame){ .file = name, .key = name };
	if (len > PKR_MAX_FILE_SIZE) {
		error_at(ps, name, 0, 0, "policy file is larger than 16 MiB");
		return;
	}
	/* Keys are clean paths, so clean the name for this one. */
	ps->stack[0].key = file_key(ps, clean_path(ps, file, strlen(file)));
	e = htab_find(ps->arena, &ps->files, 0, ps->stack[0].key, strlen(ps->stack[0].key));
	htab_claim(&ps->files, e, ps->stack[0].key);
	e->file = name;
	e->line = 0;
	parse_file(ps, buf, len);
	if (!ps->gave_up)
		close_domain(ps);
}

/* Parse with ps->arena set up; NULL on errors.  Running out of memory
 * anywhere below comes back here through the arena's jmp_buf. */
static struct pkr_policy *run_parser(struct parser *ps)
{
	jmp_buf oom;

	ps->arena->oom = &oom;
	if (setjmp(oom) != 0) {
		for (unsigned i = 1; i <= ps->depth; i++)
			free(ps->stack[i].buf);
		ps->arena->oom = NULL;
		ps->out_of_memory = true;
		return NULL;
	}
	parse_top(ps, ps->top_file, ps->top_buf, ps->top_len);
	ps->arena->oom = NULL;
	if (ps->nerrors > 0 || ps->gave_up)
		return NULL;
	return build_model(ps, ps->stack[0].file);
}

struct pkr_policy *pkr_policy_parse(const char *file, const char *buf, size_t len,
				    const struct pkr_parse_env *env,
				    struct pkr_diags *diags)
{
	struct pkr_diags local;
	struct parser ps = {
		.env = env,
		.diags = diags ? diags : &local,
		.top_file = file ? file : "<policy>",
		.top_buf = buf ? buf : "",
		.top_len = buf ? len : 0,
	};
	struct pkr_policy *p = NULL;

	if (!diags)
		pkr_diags_init(&local);
	ps.arena = calloc(1, sizeof *ps.arena);
	if (ps.arena)
		p = run_parser(&ps);
	else
		pkr_diags_add(ps.diags, PKR_DIAG_ERROR, ps.top_file, 0, 0, "out of memory");
	if (!p)
		arena_destroy(ps.arena);
	/* Reported once the arena is gone, so that there is memory for it. */
	if (ps.out_of_memory)
		pkr_diags_add(ps.diags, PKR_DIAG_ERROR, ps.top_file, 0, 0, "out of memory");
	if (!diags)
		pkr_diags_free(&local);
	return p;
}

struct pkr_policy *pkr_policy_load(const char *path, struct pkr_diags *diags)
{
	char *buf;
	size_t len;
	int err;
	struct pkr_policy *p;

	if (!*path) {           /* e.g. PKREWIND_POLICY set to "" */
		if (diags)
			pkr_diags_add(diags, PKR_DIAG_ERROR, NULL, 0, 0,
				      "cannot read the policy: the file name is empty");
		return NULL;
	}
	err = read_disk(path, &buf, &len);
	if (err) {
		if (diags) {
			if (err == EFBIG)
				pkr_diags_add(diags, PKR_DIAG_ERROR, path, 0, 0,
					      "policy file is larger than 16 MiB");
			else
				pkr_diags_add(diags, PKR_DIAG_ERROR, path, 0, 0,
					      "cannot read the policy: %s", strerror(err));
		}
		return NULL;
	}
	p = pkr_policy_parse(path, buf, len, NULL, diags);
	free(buf);
	return p;
}

void pkr_policy_free(struct pkr_policy *p)
{
	if (p)
		arena_destroy(p->arena);
}

/* ==== lookups ========================================================== */

/* A lookup key: "name", "name@VER" or "name@@VER" split in two. */
struct func_key {
	const char *name;
	size_t len;
	const char *version;    /* NULL: none */
};

static struct func_key split_func_name(const char *s)
{
	const char *at = strchr(s, '@');
	struct func_key k = { s, at ? (size_t)(at - s) : strlen(s), NULL };

	if (at)
		k.version = at[1] == '@' ? at + 2 : at + 1;
	return k;
}

/* The function line whose stored name is name[0..len) followed, when
 * `version` is not NULL, by "@" and version. */
static const struct pkr_func_policy *find_function(const struct pkr_domain_policy *d,
						   const char *name, size_t len,
						   const char *version)
{
	for (size_t i = 0; i < d->nfunctions; i++) {
		const char *f = d->functions[i].name;

		if (strncmp(f, name, len) != 0)
			continue;
		if (version ? f[len] == '@' && strcmp(f + len + 1, version) == 0 : f[len] == '\0')
			return &d->functions[i];
	}
	return NULL;
}

const struct pkr_func_policy *pkr_policy_function(const struct pkr_domain_policy *d,
						   const char *name)
{
	struct func_key k;

	if (!d || !name)
		return NULL;
	k = split_func_name(name);
	return find_function(d, k.name, k.len, k.version);
}

struct pkr_retval pkr_policy_fault_return(const struct pkr_domain_policy *d,
					  const char *fname)
{
	const struct pkr_func_policy *f = pkr_policy_function(d, fname);
	struct pkr_retval r;

	if (!d)
		return (struct pkr_retval){ .value = -1, .err = EFAULT };
	/* A version without a line of its own: the line without a version. */
	if (!f && fname) {
		struct func_key k = split_func_name(fname);

		if (k.version)
			f = find_function(d, k.name, k.len, NULL);
	}
	/* `fault-return void` without `errno` leaves errno alone (there is
	 * no return value an errno could go with); a value without `errno`
	 * takes the domain's errno, EFAULT by default. */
	r = d->fault_return;
	if (r.err == PKR_ERRNO_INHERIT)
		r.err = r.is_void ? PKR_ERRNO_KEEP : EFAULT;
	if (f && f->ret.set) {
		int domain_err = d->fault_return.err == PKR_ERRNO_INHERIT ? EFAULT
				 : d->fault_return.err;

		r = f->ret;
		if (r.err == PKR_ERRNO_INHERIT)
			r.err = r.is_void ? PKR_ERRNO_KEEP : domain_err;
	}
	return r;
}

static bool is_glob(const char *s)
{
	return strpbrk(s, "*?[") != NULL;
}

/* Do two absolute paths name the same file?  Equal strings do; else each
 * side is resolved with realpath(3) (symbolic links, "." and "..") and a
 * side that cannot be resolved (no such file) is taken as written.
 * errno is left as it was. */
static bool same_file(const char *spec, const char *path)
{
	char rspec[PATH_MAX], rpath[PATH_MAX];
	const char *a, *b;
	int saved = errno;

	if (strcmp(spec, path) == 0)
		return true;
	a = realpath(spec, rspec) ? rspec : spec;
	b = realpath(path, rpath) ? rpath : path;
	errno = saved;
	return strcmp(a, b) == 0;
}

bool pkr_policy_library_matches(const char *spec, const char *path, const char *soname)
{
	const char *base;

	if (!spec || !*spec)
		return false;
	if (!path)
		path = "";
	base = strrchr(path, '/');
	base = base ? base + 1 : path;
	if (spec[0] == '/') {
		if (is_glob(spec))
			return fnmatch(spec, path, FNM_PATHNAME) == 0;
		return *path && same_file(spec, path);
	}
	if (is_glob(spec))
		return (soname && fnmatch(spec, soname, FNM_PATHNAME) == 0) ||
		       (*base && fnmatch(spec, base, FNM_PATHNAME) == 0);
	return (soname && strcmp(spec, soname) == 0) || strcmp(spec, base) == 0;
}

/* ==== where the policy comes from ====================================== */

/* Write a/b to buf; true when it fits and names an existing file. */
static bool candidate(char *buf, size_t size, const char *dir, const char *rest)
{
	int n = snprintf(buf, size, "%s%s", dir, rest);

	return n > 0 && (size_t)n < size && access(buf, F_OK) == 0;
}

enum pkr_policy_source pkr_policy_locate(char *buf, size_t size)
{
	const char *env = getenv("PKREWIND_POLICY");
	const char *xdg = getenv("XDG_CONFIG_HOME");
	const char *home = getenv("HOME");

	if (env) {
		if (size > 0)
			snprintf(buf, size, "%s", env);
		return PKR_POLICY_ENV;
	}
	if (xdg && *xdg) {
		if (candidate(buf, size, xdg, "/pkrewind/policy"))
			return PKR_POLICY_USER;
	} else if (home && *home) {
		if (candidate(buf, size, home, "/.config/pkrewind/policy"))
			return PKR_POLICY_USER;
	}
	if (candidate(buf, size, SYSCONFDIR, "/pkrewind/policy"))
		return PKR_POLICY_SYSTEM;
	if (size > 0)
		buf[0] = '\0';
	return PKR_POLICY_NONE;
}
