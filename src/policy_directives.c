/* policy_directives.c - one parse function per directive, the values
 * they take (numbers, sizes, errno names, fault returns), and the line
 * dispatcher.  Each parse function pulls its arguments from the lexer and
 * ends with end_of_line(); the first error on a line ends that line.  See
 * policy_int.h.  Pure: no I/O.
 */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "policy_int.h"

/* ==== keyword tables =================================================== */

const char *const pkr_directive_names[D_COUNT] = {
	[D_INCLUDE] = "include",
	[D_DOMAIN] = "domain",
	[D_LIBRARY] = "library",
	[D_TRUSTED_MEMORY] = "trusted-memory",
	[D_ON_FAULT] = "on-fault",
	[D_MAX_FAULTS] = "max-faults",
	[D_HEAP] = "heap",
	[D_STACK] = "stack",
	[D_STACK_ARGS] = "stack-args",
	[D_LEND] = "lend",
	[D_FAULT_RETURN] = "fault-return",
	[D_FUNCTION] = "function",
	[D_STRUCT] = "struct",
	[D_FIELD] = "field",
	[D_IF_NO_KEYS] = "if-no-keys",
	[D_EXCEPTIONS] = "exceptions",
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

static const char *const exceptions_names[] = {
	[PKR_EXC_PROPAGATE] = "propagate",
	[PKR_EXC_FAULT] = "fault",
};


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

const char *pkr_exceptions_name(enum pkr_exceptions e)
{
	return (unsigned)e < COUNT(exceptions_names) ? exceptions_names[e] : NULL;
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

void close_domain(struct parser *ps)
{
	struct dom_builder *b = ps->cur;

	if (!b)
		return;
	close_structs(ps, b);
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
	struct dom_builder *b = pkr_arena_alloc(ps->arena, sizeof *b);
	static const struct pkr_retval default_ret = {
		.is_void = false, .set = false, .value = -1, .err = EFAULT,
	};

	memset(b, 0, sizeof *b);
	b->d.name = pkr_arena_strndup(ps->arena, name, n);
	b->d.file = ps->stack[ps->depth].file;
	b->d.line = dir->line;
	b->d.trust = PKR_TRUST_READ;
	b->d.on_fault = PKR_ON_FAULT_REWIND;
	b->d.max_faults = 0;
	b->d.heap = PKR_HEAP_DEFAULT;
	b->d.stack = PKR_STACK_DEFAULT;
	b->d.stack_args = PKR_STACK_ARGS_DEFAULT;
	b->d.lend = PKR_LEND_DEFAULT;
	b->d.fault_return = default_ret;
	b->col = col;
	b->depth = ps->depth;
	b->index = ps->ndoms;
	ps->doms = pkr_vec_reserve(ps->arena, ps->doms, ps->ndoms, &ps->domcap, sizeof *ps->doms);
	ps->doms[ps->ndoms++] = b;
	return b;
}

static bool valid_domain_name(const char *s, size_t n)
{
	if (n == 0 || !(s[0] == '_' || (pkr_lower(s[0]) >= 'a' && pkr_lower(s[0]) <= 'z')))
		return false;
	for (size_t i = 1; i < n; i++) {
		char c = s[i];

		if (!(c == '_' || c == '.' || c == '-' || (c >= '0' && c <= '9') ||
		      (pkr_lower(c) >= 'a' && pkr_lower(c) <= 'z')))
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
	} else if (pkr_htab_find(ps->arena, &ps->domain_names, 0, name.s, name.len)->key) {
		struct hentry *e = pkr_htab_find(ps->arena, &ps->domain_names, 0, name.s, name.len);

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
		struct hentry *e = pkr_htab_find(ps->arena, &ps->domain_names, 0, name.s, name.len);

		pkr_htab_claim(&ps->domain_names, e, b->d.name);
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
	e = pkr_htab_find(ps->arena, &ps->libraries, 0, t.s, t.len);
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
	pkr_htab_claim(&ps->libraries, e, pkr_arena_strndup(ps->arena, t.s, t.len));
	e->file = ps->stack[ps->depth].file;
	e->line = t.line;
	e->value = b->index;
	b->libs = pkr_vec_reserve(ps->arena, b->libs, b->d.nlibraries, &b->libcap, sizeof *b->libs);
	b->libpos = pkr_vec_reserve(ps->arena, b->libpos, b->d.nlibraries, &b->libposcap,
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
	s = pkr_suggest(t.s, t.len, names, n);
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

	if (v >= 0) {
		ps->cur->d.trust = (enum pkr_trust)v;
		ps->cur->d.trust_given = true;
	}
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

static void parse_exceptions(struct parser *ps, struct linectx *lc)
{
	int v = parse_enum(ps, lc, "exceptions choice", exceptions_names, COUNT(exceptions_names),
			   "propagate or fault");

	if (v >= 0)
		ps->cur->d.exceptions = (enum pkr_exceptions)v;
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

static const struct size_limits lend_limits = {
	0, PKR_HEAP_MAX, "0", "64G", "64K, or 'never'", false,
};

/* The size in token t, for directive lc->dir, into *dest. */
static void size_value(struct parser *ps, struct linectx *lc, const struct token *t,
		       const struct size_limits *lim, uint64_t *dest)
{
	uint64_t v = 0;
	enum num_result r = parse_size(t->s, t->len, &v);

	if (r == NUM_SYNTAX) {
		tok_error(ps, t, "invalid size '%.*s' for '%.*s' (expected a number with an "
			  "optional K, M or G suffix, e.g. %s)", TOK(t), TOK(&lc->dir), lim->example);
		return;
	}
	if (r == NUM_RANGE || v < lim->min || v > lim->max) {
		tok_error(ps, t, "%.*s '%.*s' is out of range (%s..%s)",
			  TOK(&lc->dir), TOK(t), lim->min_text, lim->max_text);
		return;
	}
	if (lim->multiple_of_8 && v % 8 != 0) {
		tok_error(ps, t, "%.*s '%.*s' is not a multiple of 8", TOK(&lc->dir), TOK(t));
		return;
	}
	if (end_of_line(ps, lc))
		*dest = v;
}

static void parse_size_directive(struct parser *ps, struct linectx *lc,
				 const struct size_limits *lim, uint64_t *dest)
{
	struct token t;

	if (need_arg(ps, lc, &t, "size"))
		size_value(ps, lc, &t, lim, dest);
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

/* `lend SIZE|never` */
static void parse_lend(struct parser *ps, struct linectx *lc)
{
	struct token t;

	if (!need_arg(ps, lc, &t, "size or 'never'"))
		return;
	if (t.len == 5 && !memcmp(t.s, "never", 5)) {
		if (end_of_line(ps, lc))
			ps->cur->d.lend = PKR_LEND_NEVER;
		return;
	}
	size_value(ps, lc, &t, &lend_limits, &ps->cur->d.lend);
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
	s = pkr_suggest(t.s, t.len, words, COUNT(words));
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
		switch (parse_decimal(t.s, t.len, PKR_MAX_ERRNO, &v)) {
		case NUM_OK:
			*err = (int)v;
			return true;
		case NUM_RANGE:
			tok_error(ps, &t, "errno %.*s is out of range (0..%d)", TOK(&t), PKR_MAX_ERRNO);
			return false;
		case NUM_SYNTAX:
			tok_error(ps, &t, "invalid errno '%.*s' (expected a name such as EIO, "
				  "a number 0..%d or 'keep')", TOK(&t), PKR_MAX_ERRNO);
			return false;
		}
	}
	e = pkr_errno_from_name_n(t.s, t.len);
	if (e > 0) {
		*err = e;
		return true;
	}
	s = pkr_suggest_errno(t.s, t.len);
	if (s)
		tok_error(ps, &t, "unknown errno name '%.*s' (did you mean '%s'?)", TOK(&t), s);
	else
		tok_error(ps, &t, "unknown errno name '%.*s' (expected a name such as EIO, "
			  "a number 0..%d or 'keep')", TOK(&t), PKR_MAX_ERRNO);
	return false;
}

/* A token where a keyword of `kw` (or the end of the line) was expected. */
static void bad_keyword(struct parser *ps, struct linectx *lc, const struct token *t,
			const char *const *kw, size_t nkw)
{
	const char *s = pkr_suggest(t->s, t->len, kw, nkw);

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
	accept_tok(lc, &t);
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
	if (n == 0 || !(s[0] == '_' || (pkr_lower(s[0]) >= 'a' && pkr_lower(s[0]) <= 'z')))
		return false;
	for (i = 1; i < n && s[i] != '@'; i++)
		if (!(s[i] == '_' || (s[i] >= '0' && s[i] <= '9') ||
		      (pkr_lower(s[i]) >= 'a' && pkr_lower(s[i]) <= 'z')))
			return false;
	if (i == n)
		return true;
	if (++i < n && s[i] == '@')
		*extra = i++;
	if (i == n)
		return false;          /* "name@", "name@@" */
	for (; i < n; i++)
		if (!(s[i] == '_' || s[i] == '.' || s[i] == '-' || (s[i] >= '0' && s[i] <= '9') ||
		      (pkr_lower(s[i]) >= 'a' && pkr_lower(s[i]) <= 'z')))
			return false;
	return true;
}

/* `function NAME [fault-return VALUE|void] [errno E]` */
static void parse_function(struct parser *ps, struct linectx *lc)
{
	static const char *const kw[] = { "fault-return", "errno" };
	struct dom_builder *b = ps->cur;
	struct pkr_retval r = { .set = false, .value = -1, .err = PKR_ERRNO_INHERIT };
	struct token name, t;
	const char *paren, *fname;
	size_t extra, fnlen, nargs = 0;
	unsigned max_stack = 0;
	const struct pkr_arg *args = NULL;
	struct hentry *e;

	if (!need_arg(ps, lc, &name, "function name"))
		return;
	/* "f(in [4])": the list may touch the name. */
	paren = memchr(name.s, '(', name.len);
	if (paren) {
		lc->lx->pos = (size_t)(paren - lc->lx->buf);
		name.len = (size_t)(paren - name.s);
		lc->end = paren;
	}
	fname = name.s;
	fnlen = name.len;
	if (!valid_function_name(name.s, name.len, &extra)) {
		tok_error(ps, &name, "invalid function name '%.*s' (expected a C identifier, "
			  "optionally followed by @VERSION)", TOK(&name));
		return;
	}
	/* "f@@V" is kept as "f@V": one spelling per name. */
	if (extra) {
		char *one = pkr_arena_alloc(ps->arena, name.len);

		memcpy(one, name.s, extra);
		memcpy(one + extra, name.s + extra + 1, name.len - extra - 1);
		fname = one;
		fnlen = name.len - 1;
	}
	e = pkr_htab_find(ps->arena, &ps->functions, b->index, fname, fnlen);
	if (e->key) {
		tok_error(ps, &name, "duplicate function '%.*s' in domain '%s' (first at %s:%u)",
			  TOK(&name), b->d.name, e->file, e->line);
		return;
	}
	if (paren || (lex_next_byte(lc->lx) == '(')) {
		if (!parse_arg_list(ps, lc, &args, &nargs, &max_stack))
			return;
	}
	switch (opt_arg(ps, lc, &t)) {
	case LEX_ERROR:
		return;
	case LEX_EOL:
		break;
	case LEX_WORD:
		if (tok_is(&t, "errno")) {
			tok_error(ps, &t, "'errno' without 'fault-return' (write "
				  "'fault-return VALUE errno E')");
			return;
		}
		if (!tok_is(&t, "fault-return")) {
			bad_keyword(ps, lc, &t, kw, COUNT(kw));
			return;
		}
		accept_tok(lc, &t);
		r.set = true;
		if (!parse_retval(ps, lc, &r) || !parse_retval_tail(ps, lc, &r))
			return;
		break;
	}
	pkr_htab_claim(&ps->functions, e, pkr_arena_strndup(ps->arena, fname, fnlen));
	e->file = ps->stack[ps->depth].file;
	e->line = name.line;
	b->funcs = pkr_vec_reserve(ps->arena, b->funcs, b->d.nfunctions, &b->funccap, sizeof *b->funcs);
	b->funcs[b->d.nfunctions++] = (struct pkr_func_policy){
		.name = e->key, .ret = r, .file = e->file, .line = e->line,
		.args = args, .nargs = nargs, .max_stack_arg = max_stack,
	};
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
	[D_LEND] = { parse_lend, true, true },
	[D_FAULT_RETURN] = { parse_fault_return, true, true },
	[D_FUNCTION] = { parse_function, true, false },
	[D_IF_NO_KEYS] = { parse_if_no_keys, true, true },
	[D_EXCEPTIONS] = { parse_exceptions, true, true },
	[D_STRUCT] = { parse_struct, true, false },
	[D_FIELD] = { parse_field, true, false },
};

void parse_line(struct parser *ps, struct lexer *lx)
{
	struct linectx lc = { .lx = lx };
	const char *s;
	int id;

	if (lex_next(ps, lx, &lc.dir) != LEX_WORD)
		return;
	lc.end = lc.dir.s + lc.dir.len;
	for (id = 0; id < D_COUNT; id++)
		if (tok_is(&lc.dir, pkr_directive_names[id]))
			break;
	if (id == D_COUNT) {
		s = pkr_suggest(lc.dir.s, lc.dir.len, pkr_directive_names, D_COUNT);
		if (s)
			tok_error(ps, &lc.dir, "unknown directive '%.*s' (did you mean '%s'?)",
				  TOK(&lc.dir), s);
		else
			tok_error(ps, &lc.dir, "unknown directive '%.*s'", TOK(&lc.dir));
		return;
	}
	if (directives[id].in_domain && !ps->cur) {
		tok_error(ps, &lc.dir, "'%s' outside a domain block", pkr_directive_names[id]);
		return;
	}
	if (directives[id].once) {
		struct dom_builder *b = ps->cur;

		if (b->first[id].file) {
			tok_error(ps, &lc.dir, "duplicate '%s' in domain '%s' (first at %s:%u)",
				  pkr_directive_names[id], b->d.name, b->first[id].file,
				  b->first[id].line);
			return;
		}
		b->first[id].file = ps->stack[ps->depth].file;
		b->first[id].line = lc.dir.line;
	}
	directives[id].parse(ps, &lc);
}

