/* policy_int.h - the policy parser's private state, shared by its files:
 * policy.c (entry, include, model, lookups), policy_lex.c (lexer and
 * error reporting), policy_directives.c (one parse function per
 * directive).  Nothing outside the policy module includes it.
 *
 * Pure: the parser reads only the buffers it is given and what
 * env->read_file returns; it prints nothing and has no globals but
 * constant tables.
 */
#ifndef PKR_POLICY_INT_H
#define PKR_POLICY_INT_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arena.h"
#include "diag.h"
#include "policy.h"
#include "spell.h"

#include <assert.h>

#define MAX_DOMAIN_NAME 63
static_assert(PKR_SPELL_MAX == PKR_MAX_NAME, "suggestions compare whole names");
#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

enum directive_id {
	D_INCLUDE, D_DOMAIN, D_LIBRARY, D_TRUSTED_MEMORY, D_ON_FAULT,
	D_MAX_FAULTS, D_HEAP, D_STACK, D_STACK_ARGS, D_LEND, D_FAULT_RETURN,
	D_FUNCTION, D_IF_NO_KEYS, D_EXCEPTIONS, D_STRUCT, D_FIELD, D_COUNT
};

extern const char *const pkr_directive_names[D_COUNT];

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

/* A `struct` block being read, and a field length naming another field
 * (resolved when the domain ends: fields may come in any order). */
struct field_builder {
	struct pkr_field f;
	const char *len_field;          /* LEN names a field: its name ... */
	size_t len_field_n;
	struct pkr_src_pos len_pos;     /* ... and where it stands */
};
struct struct_builder {
	struct pkr_struct_policy s;     /* fields filled when the domain ends */
	struct field_builder *fields;
	size_t nfields, fieldcap;
	unsigned col;
};
/* A `struct NAME` in an annotation, resolved when the domain ends. */
struct pending_ref {
	const struct pkr_struct_policy **slot;
	const char *name;
	size_t n;
	struct pkr_src_pos pos;
};

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
	struct struct_builder *structs;   /* `struct` lines, in file order */
	size_t nstructs, structcap;
	struct struct_builder *cur_struct;   /* where `field` lines go */
	struct pending_ref *refs;       /* `struct NAME` uses, checked at the end */
	size_t nrefs, refcap;
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
	/* Files read after the top file, each as if included from it
	 * (pkr_policy_parse_after: the system policy's drop-ins). */
	const char *const *after;
	size_t nafter;
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

/* The text of the line from the directive to the last token consumed. */
#define LC_TEXT(lc) (int)((lc)->end - (lc)->dir.s), (lc)->dir.s
#define TOK(t) (int)(t)->len, (t)->s

/* ---- policy_lex.c ---- */
unsigned lex_col(const struct lexer *lx, size_t pos);
bool lex_is_eol_cr(const struct lexer *lx, size_t pos);
bool lex_is_blank(const struct lexer *lx, size_t pos);
/* The next non-blank byte of the line (its position is left alone);
 * 0 at the end of the line. */
char lex_next_byte(const struct lexer *lx);
/* Move to the start of the next line. */
void lex_next_line(struct lexer *lx);
/* Report an error; `at` is the index in diags->v where it goes (SIZE_MAX:
 * at the end).  Past PKR_MAX_ERRORS, one last error ends the parse. */
void verror_at(struct parser *ps, size_t at, const char *file, unsigned line,
	       unsigned col, const char *fmt, va_list ap);
void __attribute__((format(printf, 6, 7)))
error_insert(struct parser *ps, size_t at, const char *file, unsigned line, unsigned col,
	     const char *fmt, ...);
void __attribute__((format(printf, 5, 6)))
error_at(struct parser *ps, const char *file, unsigned line, unsigned col, const char *fmt, ...);
void __attribute__((format(printf, 3, 4)))
tok_error(struct parser *ps, const struct token *t, const char *fmt, ...);
void __attribute__((format(printf, 4, 5)))
lex_error(struct parser *ps, const struct lexer *lx, size_t pos, const char *fmt, ...);
/* The next token of the current line (see policy_lex.c). */
enum lex_result lex_next(struct parser *ps, struct lexer *lx, struct token *t);
bool tok_is(const struct token *t, const char *word);
/* The next token, which the directive needs: `what` names it. */
bool need_arg(struct parser *ps, struct linectx *lc, struct token *t, const char *what);
/* An optional next token; accept_tok() it when it belongs to the line. */
enum lex_result opt_arg(struct parser *ps, struct linectx *lc, struct token *t);
void accept_tok(struct linectx *lc, const struct token *t);
void unexpected(struct parser *ps, struct linectx *lc, const struct token *t);
/* The directive is complete: nothing but a comment may follow. */
bool end_of_line(struct parser *ps, struct linectx *lc);

/* ---- policy_directives.c ---- */
/* Parse one line (a directive and its arguments). */
void parse_line(struct parser *ps, struct lexer *lx);
/* The current domain block ends: check it, keep it. */
void close_domain(struct parser *ps);

/* ---- policy_args.c ---- */
/* After `function NAME`: an annotation list starting at lc->lx->pos (its
 * '(' is the next non-blank byte).  Fills *args, *nargs; false after
 * reporting an error. */
bool parse_arg_list(struct parser *ps, struct linectx *lc, const struct pkr_arg **args,
		    size_t *nargs, unsigned *max_stack);
void parse_struct(struct parser *ps, struct linectx *lc);
void parse_field(struct parser *ps, struct linectx *lc);
/* The domain ends: resolve field and struct names, check sizes. */
void close_structs(struct parser *ps, struct dom_builder *b);

/* ---- policy.c ---- */
/* `include FILE` */
void parse_include(struct parser *ps, struct linectx *lc);
void parse_file(struct parser *ps, const char *buf, size_t len);

#endif
