/* policy_lex.c - the policy lexer and the parser's error reporting.  The
 * lexer hands out tokens (slices of the buffer, never copied until they
 * are kept in the model) and reports bad bytes itself.  See policy_int.h.
 */
#include "config.h"

#include <stdarg.h>
#include <stdint.h>
#include <string.h>

#include "policy_int.h"

/* ==== lexer ============================================================ */

unsigned lex_col(const struct lexer *lx, size_t pos)
{
	return (unsigned)(pos - lx->line_start + 1);
}

/* A CR that ends a line (before LF or at the end of the buffer). */
bool lex_is_eol_cr(const struct lexer *lx, size_t pos)
{
	return lx->buf[pos] == '\r' && (pos + 1 == lx->len || lx->buf[pos + 1] == '\n');
}

bool lex_is_blank(const struct lexer *lx, size_t pos)
{
	char c = lx->buf[pos];

	return c == ' ' || c == '\t' || lex_is_eol_cr(lx, pos);
}

/* Move to the start of the next line. */
void lex_next_line(struct lexer *lx)
{
	const char *nl = memchr(lx->buf + lx->pos, '\n', lx->len - lx->pos);

	lx->pos = nl ? (size_t)(nl - lx->buf) + 1 : lx->len;
	lx->line_start = lx->pos;
	lx->line++;
}


/* ---- errors ---- */

/* Report an error; `at` is the index in diags->v where it goes (SIZE_MAX:
 * at the end).  Past PKR_MAX_ERRORS, one last error ends the parse. */
void verror_at(struct parser *ps, size_t at, const char *file, unsigned line,
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
	pkr_diags_vadd(d, PKR_DIAG_ERROR, file, line, col, fmt, ap);
	if (at < n0 && d->n == n0 + 1) {
		struct pkr_diag g = d->v[n0];

		memmove(&d->v[at + 1], &d->v[at], (n0 - at) * sizeof g);
		d->v[at] = g;
	}
}

void __attribute__((format(printf, 6, 7)))
error_insert(struct parser *ps, size_t at, const char *file, unsigned line, unsigned col,
	     const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	verror_at(ps, at, file, line, col, fmt, ap);
	va_end(ap);
}

void __attribute__((format(printf, 5, 6)))
error_at(struct parser *ps, const char *file, unsigned line, unsigned col, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	verror_at(ps, SIZE_MAX, file, line, col, fmt, ap);
	va_end(ap);
}

/* An error at a token of the current file. */
void __attribute__((format(printf, 3, 4)))
tok_error(struct parser *ps, const struct token *t, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	verror_at(ps, SIZE_MAX, ps->stack[ps->depth].file, t->line, t->col, fmt, ap);
	va_end(ap);
}

void __attribute__((format(printf, 4, 5)))
lex_error(struct parser *ps, const struct lexer *lx, size_t pos, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	verror_at(ps, SIZE_MAX, lx->file, lx->line, lex_col(lx, pos), fmt, ap);
	va_end(ap);
}

/* ---- the lexer proper ---- */

char lex_next_byte(const struct lexer *lx)
{
	size_t p = lx->pos;

	while (p < lx->len && lex_is_blank(lx, p))
		p++;
	return p < lx->len && lx->buf[p] != '\n' ? lx->buf[p] : 0;
}

/* The next token of the current line.  LEX_EOL at the end of the line or
 * at a comment (the line is not consumed); LEX_ERROR after reporting a bad
 * byte or an overlong token. */
enum lex_result lex_next(struct parser *ps, struct lexer *lx, struct token *t)
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

bool tok_is(const struct token *t, const char *word)
{
	return strlen(word) == t->len && memcmp(t->s, word, t->len) == 0;
}


/* The next token, which the directive needs: `what` names it. */
bool need_arg(struct parser *ps, struct linectx *lc, struct token *t, const char *what)
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
 * calls accept_tok() when the word belongs to the directive. */
enum lex_result opt_arg(struct parser *ps, struct linectx *lc, struct token *t)
{
	return lex_next(ps, lc->lx, t);
}

void accept_tok(struct linectx *lc, const struct token *t)
{
	lc->end = t->s + t->len;
}

void unexpected(struct parser *ps, struct linectx *lc, const struct token *t)
{
	tok_error(ps, t, "unexpected '%.*s' after '%.*s'", TOK(t), LC_TEXT(lc));
}

/* The directive is complete: nothing but a comment may follow. */
bool end_of_line(struct parser *ps, struct linectx *lc)
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

