/* policy_args.c - the argument annotation language: the list after
 * `function NAME`, and `struct`/`field` blocks.  The contract is
 * man/pkrewind.policy.5, "ARGUMENTS":
 *
 *   function NAME (ARG, ARG, ...) [fault-return ...]
 *   ARG   := - | [ref] in [LEN] [keep] | [ref] out [LEN] [keep]
 *          | [ref] inout [LEN] [keep] | string | handle | callback
 *          | struct NAME [end] | sret SIZE (first only)
 *   LEN   := TERM [x SIZE] [+ N | - N]
 *   TERM  := NUMBER | argN[.u32] | *argN[.u32] | FIELD (in a struct)
 *   struct NAME size SIZE
 *   field NAME OFFSET (u32 | u64 | in [LEN] | out [LEN] | inout [LEN]
 *                      | string | handle | callback)
 *
 * The list is read from the raw line by a small scanner of its own
 * (brackets and commas need not be separated by blanks); every error
 * names the file, line and column.  Names of structs and of fields used
 * as lengths are resolved when the domain ends, so the order of lines
 * does not matter.  Pure: no I/O (policy_int.h).
 */
#include "config.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "policy_int.h"

/* A scanner over the rest of one line: from lx->pos to the newline or a
 * comment. */
struct scan {
	struct parser *ps;
	struct lexer *lx;
	size_t p;
	bool in_struct;          /* lengths may name fields */
	struct struct_builder *sb;
};

static bool sc_ident_char(char c, bool first)
{
	return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (!first && c >= '0' && c <= '9');
}

static char sc_peek(struct scan *sc)
{
	while (sc->p < sc->lx->len && lex_is_blank(sc->lx, sc->p))
		sc->p++;
	if (sc->p >= sc->lx->len || sc->lx->buf[sc->p] == '\n' || sc->lx->buf[sc->p] == '#')
		return 0;
	return sc->lx->buf[sc->p];
}

static void __attribute__((format(printf, 3, 4)))
sc_error(struct scan *sc, size_t pos, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	verror_at(sc->ps, SIZE_MAX, sc->lx->file, sc->lx->line, lex_col(sc->lx, pos), fmt, ap);
	va_end(ap);
}

/* What stands at the cursor, for "expected X, not Y" messages. */
static void sc_expected(struct scan *sc, const char *what)
{
	char c = sc_peek(sc);
	size_t n = 0;

	if (!c) {
		sc_error(sc, sc->p, "expected %s at the end of the line", what);
		return;
	}
	while (sc->p + n < sc->lx->len && sc_ident_char(sc->lx->buf[sc->p + n], false))
		n++;
	if (n == 0)
		n = 1;
	sc_error(sc, sc->p, "expected %s, not '%.*s'", what, (int)n, sc->lx->buf + sc->p);
}

static bool sc_punct(struct scan *sc, char c, const char *what)
{
	if (sc_peek(sc) != c) {
		sc_expected(sc, what);
		return false;
	}
	sc->p++;
	return true;
}

/* An identifier at the cursor (0 length if none). */
static size_t sc_ident(struct scan *sc, const char **s)
{
	size_t n = 0;

	if (!sc_peek(sc))
		return 0;
	*s = sc->lx->buf + sc->p;
	while (sc->p + n < sc->lx->len && sc_ident_char(sc->lx->buf[sc->p + n], n == 0))
		n++;
	sc->p += n;
	return n;
}

static bool word_is(const char *s, size_t n, const char *w)
{
	return strlen(w) == n && memcmp(s, w, n) == 0;
}

/* A decimal or 0x number, at most `max`. */
static bool sc_number(struct scan *sc, uint64_t max, const char *what, uint64_t *out)
{
	const char *b = sc->lx->buf;
	size_t start, p;
	unsigned base = 10;
	uint64_t v = 0;

	if (!sc_peek(sc) || !(b[sc->p] >= '0' && b[sc->p] <= '9')) {
		sc_expected(sc, what);
		return false;
	}
	start = p = sc->p;
	if (b[p] == '0' && p + 1 < sc->lx->len && (b[p + 1] == 'x' || b[p + 1] == 'X')) {
		base = 16;
		p += 2;
	}
	for (size_t digits = 0;; p++, digits++) {
		char c = p < sc->lx->len ? b[p] : 0;
		unsigned d;

		if (c >= '0' && c <= '9')
			d = (unsigned)(c - '0');
		else if (base == 16 && c >= 'a' && c <= 'f')
			d = (unsigned)(c - 'a' + 10);
		else if (base == 16 && c >= 'A' && c <= 'F')
			d = (unsigned)(c - 'A' + 10);
		else if (sc_ident_char(c, false)) {
			sc_error(sc, start, "invalid %s '%.*s'", what, (int)(p - start + 1), b + start);
			return false;
		} else {
			if (digits == 0) {
				sc_error(sc, start, "invalid %s", what);
				return false;
			}
			break;
		}
		if (v > (max - d) / base) {
			sc_error(sc, start, "%s is too large (at most %llu)", what,
				 (unsigned long long)max);
			return false;
		}
		v = v * base + d;
	}
	sc->p = p;
	*out = v;
	return true;
}

/* argN[.u32|.u64] after '*' or at the cursor; `s`,`n` is the word read. */
static bool sc_arg_ref(struct scan *sc, const char *s, size_t n, size_t at, struct pkr_len *l)
{
	unsigned k = 0;

	if (n >= 4 && n <= 5 && memcmp(s, "arg", 3) == 0 && s[3] >= '1' && s[3] <= '9')
		k = (unsigned)(s[3] - '0');
	if (k && n == 5)
		k = s[4] >= '0' && s[4] <= '9' ? k * 10 + (unsigned)(s[4] - '0') : 0;
	if (k == 0 || k > PKR_MAX_ARGS) {
		sc_error(sc, at, "'%.*s' is not an argument (arg1 to arg%d)", (int)n, s, PKR_MAX_ARGS);
		return false;
	}
	k--;
	l->index = k;
	l->width = 8;
	if (sc->p < sc->lx->len && sc->lx->buf[sc->p] == '.') {
		const char *w;
		size_t wn, wat;

		sc->p++;
		wat = sc->p;
		wn = sc_ident(sc, &w);
		if (word_is(w, wn, "u32"))
			l->width = 4;
		else if (!word_is(w, wn, "u64")) {
			sc_error(sc, wat, "expected u32 or u64 after '%.*s.'", (int)n, s);
			return false;
		}
	}
	return true;
}

/* LEN := TERM [x SIZE], inside [ ]. */
static bool sc_len(struct scan *sc, struct field_builder *fb, struct pkr_len *l)
{
	const char *s;
	size_t n, at;
	char c;

	memset(l, 0, sizeof *l);
	l->scale = 1;
	if (!sc_punct(sc, '[', "'[' and a length"))
		return false;
	c = sc_peek(sc);
	at = sc->p;
	if (c >= '0' && c <= '9') {
		l->kind = PKR_LEN_CONST;
		if (!sc_number(sc, PKR_MAX_STRUCT_SIZE * (uint64_t)1024, "length", &l->value))
			return false;
	} else if (c == '*') {
		sc->p++;
		sc_peek(sc);
		at = sc->p;
		n = sc_ident(sc, &s);
		l->kind = PKR_LEN_DEREF;
		if (!sc_arg_ref(sc, s, n, at, l))
			return false;
	} else if (c && sc_ident_char(c, true)) {
		n = sc_ident(sc, &s);
		if ((n == 4 || n == 5) && memcmp(s, "arg", 3) == 0 && s[3] >= '0' && s[3] <= '9') {
			if (sc->in_struct) {
				sc_error(sc, at, "a field's length names another field, not an argument");
				return false;
			}
			l->kind = PKR_LEN_ARG;
			if (!sc_arg_ref(sc, s, n, at, l))
				return false;
		} else if (sc->in_struct) {
			l->kind = PKR_LEN_FIELD;
			fb->len_field = pkr_arena_strndup(sc->ps->arena, s, n);
			fb->len_field_n = n;
			fb->len_pos = (struct pkr_src_pos){ sc->lx->file, sc->lx->line,
							    lex_col(sc->lx, at) };
		} else {
			sc_error(sc, at, "'%.*s' is not a length (a number, argN, *argN)",
				 (int)n, s);
			return false;
		}
	} else {
		sc_expected(sc, sc->in_struct ? "a length (a number or a field name)"
					      : "a length (a number, argN or *argN)");
		return false;
	}
	if (sc_peek(sc) == 'x') {
		at = sc->p;
		n = sc_ident(sc, &s);
		if (n != 1) {
			sc_error(sc, at, "expected 'x SIZE' or ']', not '%.*s'", (int)n, s);
			return false;
		}
		if (!sc_number(sc, 1u << 20, "element size", &l->scale))
			return false;
		if (l->scale == 0) {
			sc_error(sc, at, "element size 0");
			return false;
		}
	}
	c = sc_peek(sc);
	if (c == '+' || c == '-') {
		uint64_t v;

		sc->p++;
		sc_peek(sc);
		if (!sc_number(sc, PKR_MAX_STRUCT_SIZE, "length offset", &v))
			return false;
		l->add = c == '+' ? (int64_t)v : -(int64_t)v;
	}
	return sc_punct(sc, ']', "']' after the length");
}

static const char *const arg_words[] = {
	"in", "out", "inout", "ref", "string", "handle", "struct", "callback", "sret",
};
static const char *const field_words[] = {
	"in", "out", "inout", "string", "handle", "callback", "u32", "u64",
};

static void remember_ref(struct parser *ps, const struct pkr_struct_policy **slot,
			 const char *s, size_t n, struct pkr_src_pos pos)
{
	struct dom_builder *b = ps->cur;

	b->refs = pkr_vec_reserve(ps->arena, b->refs, b->nrefs, &b->refcap, sizeof *b->refs);
	b->refs[b->nrefs++] = (struct pending_ref){ slot, pkr_arena_strndup(ps->arena, s, n), n, pos };
}

/* One annotation: an argument of a function, or a field's kind. */
static bool sc_annotation(struct scan *sc, struct pkr_arg *a, struct field_builder *fb)
{
	const char *s;
	size_t n, at;

	memset(a, 0, sizeof *a);
	if (!sc->in_struct && sc_peek(sc) == '-') {
		sc->p++;
		a->kind = PKR_ARG_VALUE;
		return true;
	}
	sc_peek(sc);
	at = sc->p;
	n = sc_ident(sc, &s);
	if (n == 0) {
		sc_expected(sc, sc->in_struct ? "a field kind (u32, u64, in, out, inout, string, handle, callback)"
					      : "an argument (-, in, out, inout, ref, string, handle, struct, callback, sret)");
		return false;
	}
	if (!sc->in_struct && word_is(s, n, "ref")) {
		/* ref in|out|inout [LEN] */
		sc_peek(sc);
		at = sc->p;
		n = sc_ident(sc, &s);
		if (!(word_is(s, n, "in") || word_is(s, n, "out") || word_is(s, n, "inout"))) {
			sc_error(sc, at, "expected in, out or inout after 'ref'");
			return false;
		}
		a->ref = true;
	}
	if (word_is(s, n, "in") || word_is(s, n, "out") || word_is(s, n, "inout")) {
		a->kind = word_is(s, n, "in") ? PKR_ARG_IN
			: word_is(s, n, "out") ? PKR_ARG_OUT : PKR_ARG_INOUT;
		if (!sc_len(sc, fb, &a->len))
			return false;
		if (!sc->in_struct && sc_peek(sc) && sc_ident_char(sc->lx->buf[sc->p], true)) {
			size_t kat = sc->p;
			const char *k;
			size_t kn = sc_ident(sc, &k);

			if (!word_is(k, kn, "keep")) {
				sc_error(sc, kat, "expected 'keep', ',' or ')' after the length, not '%.*s'",
					 (int)kn, k);
				return false;
			}
			if (a->ref) {
				sc_error(sc, kat, "'keep' and 'ref' do not go together");
				return false;
			}
			if (a->len.kind != PKR_LEN_CONST || a->len.value * a->len.scale > PKR_MAX_KEEP) {
				sc_error(sc, kat, "'keep' needs a constant length of at most %d bytes",
					 PKR_MAX_KEEP);
				return false;
			}
			a->keep = true;
		}
		return true;
	}
	if (word_is(s, n, "string")) {
		a->kind = PKR_ARG_STRING;
		return true;
	}
	if (word_is(s, n, "handle")) {
		a->kind = PKR_ARG_HANDLE;
		return true;
	}
	if (word_is(s, n, "callback")) {
		a->kind = PKR_ARG_CALLBACK;
		return true;
	}
	if (!sc->in_struct && word_is(s, n, "sret")) {
		/* sret SIZE: checked to be first by the list */
		a->kind = PKR_ARG_SRET;
		a->len.kind = PKR_LEN_CONST;
		a->len.scale = 1;
		sc_peek(sc);
		return sc_number(sc, PKR_MAX_STRUCT_SIZE, "sret size", &a->len.value);
	}
	if (sc->in_struct && (word_is(s, n, "u32") || word_is(s, n, "u64"))) {
		a->kind = word_is(s, n, "u32") ? PKR_ARG_U32 : PKR_ARG_U64;
		return true;
	}
	if (!sc->in_struct && word_is(s, n, "struct")) {
		const char *name;
		size_t nn, nat;

		a->kind = PKR_ARG_STRUCT;
		sc_peek(sc);
		nat = sc->p;
		nn = sc_ident(sc, &name);
		if (nn == 0) {
			sc_expected(sc, "a struct name after 'struct'");
			return false;
		}
		remember_ref(sc->ps, &a->st, name, nn,
			     (struct pkr_src_pos){ sc->lx->file, sc->lx->line, lex_col(sc->lx, nat) });
		if (sc_peek(sc) && sc_ident_char(sc->lx->buf[sc->p], true)) {
			size_t eat = sc->p;
			const char *e;
			size_t en = sc_ident(sc, &e);

			if (!word_is(e, en, "end")) {
				sc_error(sc, eat, "expected 'end', ',' or ')' after 'struct %.*s', not '%.*s'",
					 (int)nn, name, (int)en, e);
				return false;
			}
			a->end = true;
		}
		return true;
	}
	{
		const char *const *kw = sc->in_struct ? field_words : arg_words;
		size_t nkw = sc->in_struct ? COUNT(field_words) : COUNT(arg_words);
		const char *sug = pkr_suggest(s, n, kw, nkw);

		if (sug)
			sc_error(sc, at, "unknown annotation '%.*s' (did you mean '%s'?)", (int)n, s, sug);
		else
			sc_error(sc, at, "unknown annotation '%.*s'", (int)n, s);
	}
	return false;
}

bool parse_arg_list(struct parser *ps, struct linectx *lc, const struct pkr_arg **args,
		    size_t *nargs, unsigned *max_stack)
{
	struct scan sc = { .ps = ps, .lx = lc->lx, .p = lc->lx->pos };
	struct pkr_arg *v = pkr_arena_alloc(ps->arena, PKR_MAX_ARGS * sizeof *v);
	size_t n = 0, keep_at = 0;

	if (!sc_punct(&sc, '(', "'('"))
		return false;
	if (sc_peek(&sc) == ')') {
		sc.p++;
	} else {
		for (;;) {
			size_t at;

			sc_peek(&sc);
			at = sc.p;
			if (n == PKR_MAX_ARGS) {
				sc_error(&sc, at, "more than %d arguments (annotations cover the "
					 "six integer argument registers and four stacked words)",
					 PKR_MAX_ARGS);
				return false;
			}
			if (!sc_annotation(&sc, &v[n], NULL))
				return false;
			if (v[n].kind == PKR_ARG_SRET && n != 0) {
				sc_error(&sc, at, "'sret' is the first argument (the hidden "
					 "pointer to the result), not argument %zu", n + 1);
				return false;
			}
			if (v[n].keep && !keep_at)
				keep_at = at;
			n++;
			if (sc_peek(&sc) == ',') {
				sc.p++;
				continue;
			}
			if (!sc_punct(&sc, ')', "',' or ')'"))
				return false;
			break;
		}
	}
	{
		size_t keeps = 0, structs = 0;

		for (size_t i = 0; i < n; i++) {
			keeps += v[i].keep;
			structs += v[i].kind == PKR_ARG_STRUCT;
		}
		if (keeps && !structs) {
			sc_error(&sc, keep_at, "'keep' needs a 'struct' argument in the same "
				 "list (the copy lives as long as that struct's)");
			return false;
		}
		if (keeps > PKR_MAX_KEEPS) {
			sc_error(&sc, keep_at, "more than %d 'keep' arguments", PKR_MAX_KEEPS);
			return false;
		}
	}
	/* A length naming an argument names one of the list's, or a later
	 * plain value. */
	lc->lx->pos = sc.p;
	lc->end = lc->lx->buf + sc.p;
	*args = v;
	*nargs = n;
	/* The highest stacked argument annotated or read for a length: the
	 * marshaller reads (and passes on) stacked words up to it. */
	*max_stack = 0;
	for (size_t i = 0; i < n; i++) {
		const struct pkr_len *l = &v[i].len;

		if (i >= 6 && v[i].kind != PKR_ARG_VALUE && i + 1 > *max_stack)
			*max_stack = (unsigned)i + 1;
		if ((v[i].kind == PKR_ARG_IN || v[i].kind == PKR_ARG_OUT || v[i].kind == PKR_ARG_INOUT) &&
		    (l->kind == PKR_LEN_ARG || l->kind == PKR_LEN_DEREF) && l->index >= 6 &&
		    l->index + 1 > *max_stack)
			*max_stack = l->index + 1;
	}
	return true;
}

/* The NAME of a `struct` or `field` line: a C identifier. */
static bool need_ident(struct parser *ps, struct linectx *lc, struct token *name,
		       const char *what)
{
	char need[16];

	snprintf(need, sizeof need, "%s name", what);
	if (!need_arg(ps, lc, name, need))
		return false;
	for (size_t i = 0; i < name->len; i++)
		if (!sc_ident_char(name->s[i], i == 0)) {
			tok_error(ps, name, "invalid %s name '%.*s' (expected a C identifier)",
				  what, TOK(name));
			return false;
		}
	return true;
}

/* `struct NAME size SIZE` */
void parse_struct(struct parser *ps, struct linectx *lc)
{
	struct dom_builder *b = ps->cur;
	struct struct_builder *sb;
	struct token name, kw, size;
	struct scan sc = { .ps = ps, .lx = lc->lx };
	uint64_t v;
	size_t at;

	b->cur_struct = NULL;
	if (!need_ident(ps, lc, &name, "struct"))
		return;
	for (size_t i = 0; i < b->nstructs; i++)
		if (word_is(name.s, name.len, b->structs[i].s.name)) {
			tok_error(ps, &name, "duplicate struct '%.*s' in domain '%s' (first at %s:%u)",
				  TOK(&name), b->d.name, b->structs[i].s.file, b->structs[i].s.line);
			return;
		}
	if (!need_arg(ps, lc, &kw, "'size'"))
		return;
	if (!tok_is(&kw, "size")) {
		tok_error(ps, &kw, "expected 'size', not '%.*s'", TOK(&kw));
		return;
	}
	accept_tok(lc, &kw);
	sc.p = lc->lx->pos;
	if (!sc_peek(&sc)) {
		need_arg(ps, lc, &size, "the struct's size in bytes");
		return;
	}
	at = sc.p;
	if (!sc_number(&sc, PKR_MAX_STRUCT_SIZE, "struct size", &v))
		return;
	if (v == 0) {
		sc_error(&sc, at, "struct size 0");
		return;
	}
	lc->lx->pos = sc.p;
	lc->end = lc->lx->buf + sc.p;
	if (!end_of_line(ps, lc))
		return;
	b->structs = pkr_vec_reserve(ps->arena, b->structs, b->nstructs, &b->structcap,
				     sizeof *b->structs);
	sb = &b->structs[b->nstructs++];
	memset(sb, 0, sizeof *sb);
	sb->s.name = pkr_arena_strndup(ps->arena, name.s, name.len);
	sb->s.size = v;
	sb->s.file = ps->stack[ps->depth].file;
	sb->s.line = name.line;
	sb->col = name.col;
	b->cur_struct = sb;
}

/* `field NAME OFFSET KIND` */
void parse_field(struct parser *ps, struct linectx *lc)
{
	struct dom_builder *b = ps->cur;
	struct struct_builder *sb = b->cur_struct;
	struct field_builder fb = { 0 };
	struct token name;
	struct scan sc = { .ps = ps, .lx = lc->lx, .in_struct = true };
	size_t at;

	if (!sb) {
		tok_error(ps, &lc->dir, "'field' outside a struct (put it after a 'struct NAME size N' line)");
		return;
	}
	if (!need_ident(ps, lc, &name, "field"))
		return;
	for (size_t i = 0; i < sb->nfields; i++)
		if (word_is(name.s, name.len, sb->fields[i].f.name)) {
			tok_error(ps, &name, "duplicate field '%.*s' in struct '%s'", TOK(&name),
				  sb->s.name);
			return;
		}
	if (sb->nfields == PKR_MAX_FIELDS) {
		tok_error(ps, &name, "struct '%s' has more than %d fields", sb->s.name, PKR_MAX_FIELDS);
		return;
	}
	sc.p = lc->lx->pos;
	sc_peek(&sc);
	at = sc.p;
	if (!sc_number(&sc, PKR_MAX_STRUCT_SIZE, "field offset", &fb.f.offset))
		return;
	if (!sc_annotation(&sc, &fb.f.a, &fb))
		return;
	{
		uint64_t w = (fb.f.a.kind == PKR_ARG_U32) ? 4 : 8;

		if (fb.f.offset + w > sb->s.size) {
			sc_error(&sc, at, "field '%.*s' (%llu bytes at offset %llu) ends past the "
				 "struct's size %llu", TOK(&name), (unsigned long long)w,
				 (unsigned long long)fb.f.offset, (unsigned long long)sb->s.size);
			return;
		}
		if (fb.f.offset % w) {
			sc_error(&sc, at, "field '%.*s' at offset %llu is not aligned to %llu bytes",
				 TOK(&name), (unsigned long long)fb.f.offset, (unsigned long long)w);
			return;
		}
	}
	lc->lx->pos = sc.p;
	lc->end = lc->lx->buf + sc.p;
	if (!end_of_line(ps, lc))
		return;
	fb.f.name = pkr_arena_strndup(ps->arena, name.s, name.len);
	sb->fields = pkr_vec_reserve(ps->arena, sb->fields, sb->nfields, &sb->fieldcap,
				     sizeof *sb->fields);
	sb->fields[sb->nfields++] = fb;
}

void close_structs(struct parser *ps, struct dom_builder *b)
{
	struct pkr_struct_policy *v = NULL;

	b->cur_struct = NULL;
	if (b->nstructs)
		v = pkr_arena_alloc(ps->arena, b->nstructs * sizeof *v);
	for (size_t i = 0; i < b->nstructs; i++) {
		struct struct_builder *sb = &b->structs[i];
		struct pkr_field *f = NULL;

		if (sb->nfields)
			f = pkr_arena_alloc(ps->arena, sb->nfields * sizeof *f);
		for (size_t j = 0; j < sb->nfields; j++) {
			struct field_builder *fb = &sb->fields[j];
			size_t k;

			f[j] = fb->f;
			if (!fb->len_field)
				continue;
			for (k = 0; k < sb->nfields; k++)
				if (word_is(fb->len_field, fb->len_field_n, sb->fields[k].f.name))
					break;
			if (k == sb->nfields) {
				error_at(ps, fb->len_pos.file, fb->len_pos.line, fb->len_pos.col,
					 "struct '%s' has no field '%s'", sb->s.name, fb->len_field);
				continue;
			}
			if (sb->fields[k].f.a.kind != PKR_ARG_U32 && sb->fields[k].f.a.kind != PKR_ARG_U64) {
				error_at(ps, fb->len_pos.file, fb->len_pos.line, fb->len_pos.col,
					 "field '%s' of struct '%s' is not a number (declare it u32 or u64)",
					 fb->len_field, sb->s.name);
				continue;
			}
			f[j].a.len.index = (unsigned)k;
			f[j].a.len.width = sb->fields[k].f.a.kind == PKR_ARG_U32 ? 4 : 8;
		}
		v[i] = sb->s;
		v[i].fields = f;
		v[i].nfields = sb->nfields;
	}
	for (size_t r = 0; r < b->nrefs; r++) {
		struct pending_ref *p = &b->refs[r];
		size_t i;

		for (i = 0; i < b->nstructs; i++)
			if (word_is(p->name, p->n, v[i].name))
				break;
		if (i == b->nstructs)
			error_at(ps, p->pos.file, p->pos.line, p->pos.col,
				 "no struct '%s' in domain '%s'", p->name, b->d.name);
		else
			*p->slot = &v[i];
	}
	b->d.structs = v;
	b->d.nstructs = b->nstructs;
	for (size_t i = 0; i < b->d.nfunctions; i++) {
		const struct pkr_func_policy *f = &b->funcs[i];

		if (f->max_stack_arg && (f->max_stack_arg - 6) * 8ull > b->d.stack_args)
			error_at(ps, f->file, f->line, 1,
				 "function %s annotates arg%u, on the stack, but 'stack-args' copies "
				 "only %llu bytes (%u needed)", f->name, f->max_stack_arg,
				 (unsigned long long)b->d.stack_args, (f->max_stack_arg - 6) * 8);
	}
}
