/* policy.c - the policy language: the parser's entry point, include,
 * the model and the lookups on it.
 *
 * The parser reads one line at a time (policy_directives.c: parse_line);
 * the lexer and error reporting are in policy_lex.c.  The first error on a
 * line ends that line; parsing goes on with the next one so that every
 * mistake in a file is reported.
 *
 * Pure: no I/O, no environment, no globals.  An included file is read
 * through env->read_file only (policyfile.c supplies a reader from disk).
 *
 * Everything the model keeps lives in one arena.  Running out of memory
 * while parsing jumps back to pkr_policy_parse(), which frees what it
 * holds and reports "out of memory".
 */
#include "config.h"

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policy_int.h"

/* ==== include ========================================================== */

/* Lexically clean path[0..n): drop empty and "." components, fold
 * "dir/.." (a leading ".." of a relative path stays).  Arena string. */
static char *clean_path(struct parser *ps, const char *path, size_t n)
{
	char *out = pkr_arena_alloc(ps->arena, n + 2);
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
	char *p = pkr_arena_alloc(ps->arena, dn + t->len + 1);

	memcpy(p, from, dn);
	memcpy(p + dn, t->s, t->len);
	p[dn + t->len] = '\0';
	return clean_path(ps, p, dn + t->len);
}

/* What identifies a file: what env->file_key says (its real path on
 * disk, for pkr_policy_load), else its clean name. */
static const char *file_key(struct parser *ps, const char *path)
{
	if (ps->env && ps->env->file_key) {
		char *real = ps->env->file_key(ps->env->ctx, path);

		if (real) {
			char *k = pkr_arena_strndup(ps->arena, real, strlen(real));

			free(real);
			return k;
		}
	}
	return path;
}

/* An error about including `path`: at the include line's file name t,
 * or, for a file read after the top file (t NULL), at that file itself. */
static void __attribute__((format(printf, 4, 5)))
include_error(struct parser *ps, const struct token *t, const char *path, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	if (t)
		verror_at(ps, SIZE_MAX, ps->stack[ps->depth].file, t->line, t->col, fmt, ap);
	else
		verror_at(ps, SIZE_MAX, path, 0, 0, fmt, ap);
	va_end(ap);
}

static void read_error(struct parser *ps, const struct token *t, const char *path, int err)
{
	if (err == EFBIG)
		include_error(ps, t, path, "'%s' is larger than 16 MiB", path);
	else
		include_error(ps, t, path, "cannot read '%s': %s", path, strerror(err));
}

/* "a -> b -> ... -> path" for the files from stack[from] on. */
static char *include_chain(struct parser *ps, unsigned from, const char *path)
{
	size_t n = strlen(path) + 1;
	char *s, *p;

	for (unsigned i = from; i <= ps->depth; i++)
		n += strlen(ps->stack[i].file) + 4;
	s = p = pkr_arena_alloc(ps->arena, n);
	for (unsigned i = from; i <= ps->depth; i++)
		p += sprintf(p, "%s -> ", ps->stack[i].file);
	strcpy(p, path);
	return s;
}

/* Read and parse `path` (clean) as a file included from the current one:
 * t is the include line's file name, NULL for a file read after the top
 * file (its errors then name that file; line 0 records it as such). */
static void include_file(struct parser *ps, const char *path, const struct token *t)
{
	const char *from = ps->stack[ps->depth].file;
	const char *key = file_key(ps, path);
	struct hentry *e;
	char *buf = NULL;
	size_t len = 0;
	int err;

	for (unsigned i = 0; i <= ps->depth; i++)
		if (strcmp(ps->stack[i].key, key) == 0) {
			include_error(ps, t, path, "include cycle: %s", include_chain(ps, i, path));
			return;
		}
	e = pkr_htab_find(ps->arena, &ps->files, 0, key, strlen(key));
	if (e->key) {
		if (e->line)
			include_error(ps, t, path, "'%s' is already included (first at %s:%u)",
				      path, e->file, e->line);
		else
			include_error(ps, t, path, "'%s' is already read (after %s)",
				      path, e->file);
		return;
	}
	if (ps->depth >= PKR_MAX_INCLUDE_DEPTH) {
		include_error(ps, t, path, "includes nested too deeply (at most %d levels)",
			      PKR_MAX_INCLUDE_DEPTH);
		return;
	}
	if (ps->env && ps->env->read_file)
		err = ps->env->read_file(ps->env->ctx, path, &buf, &len);
	else
		err = ENOSYS;       /* no reader: the parser itself does no I/O */
	if (!err && len > PKR_MAX_FILE_SIZE) {
		free(buf);
		err = EFBIG;
	}
	if (err) {
		read_error(ps, t, path, err);
		return;
	}
	pkr_htab_claim(&ps->files, e, key);
	e->file = from;
	e->line = t ? t->line : 0;

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

/* `include FILE` */
void parse_include(struct parser *ps, struct linectx *lc)
{
	struct token t;

	if (!need_arg(ps, lc, &t, "file name") || !end_of_line(ps, lc))
		return;
	include_file(ps, join_path(ps, ps->stack[ps->depth].file, &t), &t);
}

void parse_file(struct parser *ps, const char *buf, size_t len)
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
	struct pkr_policy *p = pkr_arena_alloc(ps->arena, sizeof *p);
	struct pkr_domain_policy *doms = pkr_arena_alloc(ps->arena, (ps->ndoms + 1) * sizeof *doms);

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
	p->shipped = NULL;
	p->nshipped = 0;
	return p;
}

static void parse_top(struct parser *ps, const char *file, const char *buf, size_t len)
{
	char *name = pkr_arena_strndup(ps->arena, file, strlen(file));
	struct hentry *e;

	ps->stack[0] = (struct frame){ .file = name, .key = name };
	if (len > PKR_MAX_FILE_SIZE) {
		error_at(ps, name, 0, 0, "policy file is larger than 16 MiB");
		return;
	}
	/* Keys are clean paths, so clean the name for this one. */
	ps->stack[0].key = file_key(ps, clean_path(ps, file, strlen(file)));
	e = pkr_htab_find(ps->arena, &ps->files, 0, ps->stack[0].key, strlen(ps->stack[0].key));
	pkr_htab_claim(&ps->files, e, ps->stack[0].key);
	e->file = name;
	e->line = 0;
	parse_file(ps, buf, len);
	if (!ps->gave_up)
		close_domain(ps);
	/* Each file read after the top one starts outside any domain, and
	 * its domains end with it, as with an `include` line at the end. */
	for (size_t i = 0; i < ps->nafter && !ps->gave_up; i++) {
		const char *a = ps->after[i];

		include_file(ps, clean_path(ps, a, strlen(a)), NULL);
	}
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
	return pkr_policy_parse_after(file, buf, len, NULL, 0, env, diags);
}

struct pkr_policy *pkr_policy_parse_after(const char *file, const char *buf, size_t len,
					  const char *const *after, size_t nafter,
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
		.after = after,
		.nafter = after ? nafter : 0,
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
		pkr_arena_destroy(ps.arena);
	/* Reported once the arena is gone, so that there is memory for it. */
	if (ps.out_of_memory)
		pkr_diags_add(ps.diags, PKR_DIAG_ERROR, ps.top_file, 0, 0, "out of memory");
	if (!diags)
		pkr_diags_free(&local);
	return p;
}

void pkr_policy_free(struct pkr_policy *p)
{
	if (!p)
		return;
	for (size_t i = 0; i < p->nshipped; i++)
		pkr_policy_free(p->shipped[i]);
	free(p->shipped);
	pkr_arena_destroy(p->arena);
}

void pkr_policy_take_shipped(struct pkr_domain_policy *d, const struct pkr_domain_policy *from)
{
	d->functions = from->functions;
	d->nfunctions = from->nfunctions;
	d->structs = from->structs;
	d->nstructs = from->nstructs;
	if (!d->trust_given)
		d->trust = from->trust;
	if (!d->fault_return.set)
		d->fault_return = from->fault_return;
	d->shipped = from->file;
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

