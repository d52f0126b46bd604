/* cli.c - the pkrewind command.
 *
 *   pkrewind [-p POLICY] [-v] [--stats] [--] COMMAND [ARGS...]
 *       Parse the policy (fail closed: any error and COMMAND does not run),
 *       set up the environment for the preloaded shim, exec COMMAND.
 *   pkrewind check [-q] POLICY...
 *       Report every diagnostic of each file, and libraries not found here.
 *   pkrewind symbols [--policy] LIBRARY
 *       List what a shared object exports, or print a policy skeleton.
 *
 * This file is the command only (never linked into the shim): it may use
 * stdio and exit.  Messages go through log.h so they read "pkrewind: ...".
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fnmatch.h>
#include <getopt.h>
#include <glob.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "elfsyms.h"
#include "log.h"
#include "policy.h"

#ifndef LIBDIR
#define LIBDIR "/usr/local/lib"
#endif

#define EXIT_USAGE      2
#define EXIT_NOEXEC     126
#define EXIT_NOTFOUND   127   /* also: policy error (fail closed) */

#define SHIM_NAME       "libpkrewind.so"
#define MAX_NNS         16    /* glibc's DL_NNS */
#define LDCONF_DEPTH    8     /* include nesting in ld.so.conf */

static const char *const default_lib_dirs[] = {
	"/lib/x86_64-linux-gnu", "/usr/lib/x86_64-linux-gnu", "/lib64",
	"/usr/lib64", "/lib", "/usr/lib", "/usr/local/lib",
};

/* ---- small helpers ---------------------------------------------------- */

static void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (!p) {
		pkr_log(PKR_LOG_ERROR, "out of memory");
		exit(EXIT_NOTFOUND);
	}
	return p;
}

static void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (!p) {
		pkr_log(PKR_LOG_ERROR, "out of memory");
		exit(EXIT_NOTFOUND);
	}
	return p;
}

static char *xstrdup(const char *s)
{
	size_t n = strlen(s) + 1;

	return memcpy(xmalloc(n), s, n);
}

/* "a" + "b" + "c" in a fresh allocation. */
static char *concat3(const char *a, const char *b, const char *c)
{
	size_t la = strlen(a), lb = strlen(b), lc = strlen(c);
	char *s = xmalloc(la + lb + lc + 1);

	memcpy(s, a, la);
	memcpy(s + la, b, lb);
	memcpy(s + la + lb, c, lc + 1);
	return s;
}

static bool is_regular_file(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

static bool has_glob_chars(const char *s)
{
	return strpbrk(s, "*?[") != NULL;
}

static void try_help(void)
{
	fputs("Try 'pkrewind --help' for more information.\n", stderr);
}

/* Flush stdout and report a write error (full disk, closed pipe). */
static int finish_stdout(int rc)
{
	if (fflush(stdout) != 0 || ferror(stdout)) {
		pkr_log(PKR_LOG_ERROR, "writing output: %s", strerror(errno));
		return rc ? rc : 1;
	}
	return rc;
}

/* ---- the library search path ----------------------------------------- */

/* Where a soname is looked for: LD_LIBRARY_PATH, the directories of
 * /etc/ld.so.conf (and what it includes), then the usual defaults.  The
 * list is built once, in that order, without duplicates. */
struct dirlist {
	char **v;
	size_t n, cap;
};

static void dirlist_add(struct dirlist *dl, const char *dir, size_t len)
{
	size_t i;

	while (len > 1 && dir[len - 1] == '/')
		len--;
	if (len == 0)
		return;
	for (i = 0; i < dl->n; i++)
		if (strlen(dl->v[i]) == len && memcmp(dl->v[i], dir, len) == 0)
			return;
	if (dl->n == dl->cap) {
		dl->cap = dl->cap ? dl->cap * 2 : 16;
		dl->v = xrealloc(dl->v, dl->cap * sizeof *dl->v);
	}
	dl->v[dl->n] = xmalloc(len + 1);
	memcpy(dl->v[dl->n], dir, len);
	dl->v[dl->n][len] = '\0';
	dl->n++;
}

static void add_ld_so_conf(struct dirlist *dl, const char *file, int depth);

/* `include PATTERN` in ld.so.conf: a relative pattern is relative to the
 * directory of the file that includes it. */
static void add_ld_so_conf_include(struct dirlist *dl, const char *file,
				   const char *pattern, int depth)
{
	char *full = NULL;
	glob_t g;
	size_t i;

	if (pattern[0] != '/') {
		const char *slash = strrchr(file, '/');
		size_t dlen = slash ? (size_t)(slash - file) : 0;
		char *dir = xmalloc(dlen + 1);

		memcpy(dir, file, dlen);
		dir[dlen] = '\0';
		full = concat3(slash ? dir : ".", "/", pattern);
		free(dir);
		pattern = full;
	}
	if (glob(pattern, 0, NULL, &g) == 0) {
		for (i = 0; i < g.gl_pathc; i++)
			add_ld_so_conf(dl, g.gl_pathv[i], depth + 1);
		globfree(&g);
	}
	free(full);
}

static void add_ld_so_conf(struct dirlist *dl, const char *file, int depth)
{
	char *line = NULL;
	size_t cap = 0;
	FILE *f;

	if (depth > LDCONF_DEPTH || !(f = fopen(file, "re")))
		return;
	while (getline(&line, &cap, f) >= 0) {
		char *s = line, *e, *hash = strchr(line, '#');

		if (hash)
			*hash = '\0';
		s += strspn(s, " \t\r\n");
		e = s + strlen(s);
		while (e > s && strchr(" \t\r\n", e[-1]))
			*--e = '\0';
		if (*s == '\0')
			continue;
		if (strncmp(s, "include", 7) == 0 && (s[7] == ' ' || s[7] == '\t')) {
			/* One or more patterns after the keyword. */
			char *save = NULL, *tok;

			for (tok = strtok_r(s + 7, " \t", &save); tok;
			     tok = strtok_r(NULL, " \t", &save))
				add_ld_so_conf_include(dl, file, tok, depth);
			continue;
		}
		if (strncmp(s, "hwcap", 5) == 0 && (s[5] == ' ' || s[5] == '\t'))
			continue;
		/* A directory, possibly in the old "DIR=TYPE" form. */
		dirlist_add(dl, s, strcspn(s, " \t=,:"));
	}
	free(line);
	fclose(f);
}

static const struct dirlist *search_dirs(void)
{
	static struct dirlist dl;
	static bool done;
	const char *llp;
	size_t i;

	if (done)
		return &dl;
	done = true;
	llp = getenv("LD_LIBRARY_PATH");
	while (llp && *llp) {
		size_t len = strcspn(llp, ":;");

		dirlist_add(&dl, llp, len);
		llp += len;
		if (*llp)
			llp++;
	}
	add_ld_so_conf(&dl, "/etc/ld.so.conf", 0);
	for (i = 0; i < sizeof default_lib_dirs / sizeof default_lib_dirs[0]; i++)
		dirlist_add(&dl, default_lib_dirs[i], strlen(default_lib_dirs[i]));
	return &dl;
}

/* The first DIR/soname that exists, malloc'd, or NULL. */
static char *find_soname(const char *soname)
{
	const struct dirlist *dl = search_dirs();
	size_t i;

	for (i = 0; i < dl->n; i++) {
		char *p = concat3(dl->v[i], "/", soname);

		if (is_regular_file(p))
			return p;
		free(p);
	}
	return NULL;
}

/* Does a relative glob match the name of some file in the search path? */
static bool glob_in_search_dirs(const char *pattern)
{
	const struct dirlist *dl = search_dirs();
	bool found = false;
	size_t i;

	for (i = 0; i < dl->n && !found; i++) {
		DIR *d = opendir(dl->v[i]);
		struct dirent *de;

		if (!d)
			continue;
		while (!found && (de = readdir(d)) != NULL)
			if (de->d_name[0] != '.' && fnmatch(pattern, de->d_name, 0) == 0)
				found = true;
		closedir(d);
	}
	return found;
}

/* Is there a file on this system that a `library` spec names? */
static bool library_spec_found(const char *spec)
{
	if (has_glob_chars(spec)) {
		glob_t g;
		bool found;

		if (spec[0] != '/')
			return glob_in_search_dirs(spec);
		found = glob(spec, GLOB_NOSORT, NULL, &g) == 0 && g.gl_pathc > 0;
		globfree(&g);
		return found;
	}
	if (spec[0] == '/')
		return is_regular_file(spec);
	{
		char *p = find_soname(spec);

		free(p);
		return p != NULL;
	}
}

/* ---- help ------------------------------------------------------------- */

static void usage(FILE *f)
{
	fprintf(f,
"Usage: pkrewind [-p POLICY] [-v]... [--stats] [--] COMMAND [ARGS...]\n"
"       pkrewind check [-q] POLICY...\n"
"       pkrewind symbols [--policy] LIBRARY\n"
"       pkrewind --help | --version\n"
"\n"
"Run COMMAND with the untrusted shared libraries named in a policy isolated\n"
"in memory-protection-key domains: a library that faults is rewound and the\n"
"call returns the policy's error value.\n"
"\n"
"Subcommands:\n"
"  (none)             run COMMAND with libpkrewind.so preloaded\n"
"  check              parse policy files; print every error, and a warning\n"
"                     for each library not found on this system\n"
"  symbols            list the functions and data objects a shared library\n"
"                     exports (LIBRARY: a path or a soname)\n"
"\n"
"Options:\n"
"  -p, --policy FILE  policy to apply (default: $PKREWIND_POLICY, else\n"
"                     $XDG_CONFIG_HOME/pkrewind/policy or\n"
"                     ~/.config/pkrewind/policy, else /etc/pkrewind/policy)\n"
"  -v, --verbose      more messages: -v info, -vv debug (sets PKREWIND_LOG)\n"
"      --stats        print per-domain call and fault counts at exit\n"
"  -h, --help         show this help and exit\n"
"      --version      show the version and exit\n"
"  check -q, --quiet  do not print \"FILE: ok (N domains)\" lines\n"
"  symbols --policy   print a policy skeleton for LIBRARY instead of a list\n"
"\n"
"Environment:\n"
"  PKREWIND_POLICY    the policy file; set for COMMAND to its absolute path\n"
"  PKREWIND_LOG       error|warn|info|debug (default warn)\n"
"  PKREWIND_STATS     1: print statistics at exit (set by --stats)\n"
"  PKREWIND_SHIM      libpkrewind.so to preload (default " LIBDIR "/" SHIM_NAME ")\n"
"  PKREWIND_RUNTIME   libpkrewind-rt.so (default: beside the shim)\n"
"  LD_LIBRARY_PATH    searched for sonames by check and symbols\n"
"  pkrewind also sets LD_PRELOAD (the shim first) and GLIBC_TUNABLES\n"
"  (glibc.pthread.rseq=0; glibc.rtld.nns for more than 3 domains).\n"
"\n"
"Exit status:\n"
"  run       COMMAND's status; 127 policy error or command not found;\n"
"            126 command not executable; 2 usage error\n"
"  check     0 no errors (warnings allowed); 1 errors; 2 usage error\n"
"  symbols   0 listed; 1 library not found or not readable; 2 usage error\n");
}

/* An option error from getopt_long (optstring starts "+:", opterr = 0). */
static int bad_option(char **argv, int opt)
{
	const char *arg = argv[optind - 1];

	if (opt == ':')
		pkr_log(PKR_LOG_ERROR, "option '%s' needs an argument", arg);
	else if (strncmp(arg, "--", 2) == 0)
		pkr_log(PKR_LOG_ERROR, "invalid option '%s'", arg);
	else
		pkr_log(PKR_LOG_ERROR, "invalid option '-%c'", optopt);
	try_help();
	return EXIT_USAGE;
}

/* ---- pkrewind check ---------------------------------------------------- */

static void warn_missing_libraries(const struct pkr_policy *p, struct pkr_diags *d)
{
	size_t i, j;

	for (i = 0; i < p->ndomains; i++) {
		const struct pkr_domain_policy *dom = &p->domains[i];

		for (j = 0; j < dom->nlibraries; j++) {
			const char *spec = dom->libraries[j];

			if (library_spec_found(spec))
				continue;
			/* policy.h does not record where each `library` line
			 * stands: point at the domain it belongs to. */
			pkr_diags_add(d, PKR_DIAG_WARNING, dom->file ? dom->file : p->file,
				      dom->line, 1,
				      "library '%s' not found on this system", spec);
		}
	}
}

static int cmd_check(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "quiet", no_argument, NULL, 'q' },
		{ "help",  no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	bool quiet = false, any_error = false;
	int c, i;

	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, "+:qh", opts, NULL)) != -1) {
		switch (c) {
		case 'q':
			quiet = true;
			break;
		case 'h':
			usage(stdout);
			return finish_stdout(0);
		default:
			return bad_option(argv, c);
		}
	}
	if (optind >= argc) {
		pkr_log(PKR_LOG_ERROR, "check: no policy file given");
		try_help();
		return EXIT_USAGE;
	}

	for (i = optind; i < argc; i++) {
		struct pkr_diags d;
		struct pkr_policy *p;

		pkr_diags_init(&d);
		p = pkr_policy_load(argv[i], &d);
		if (p)
			warn_missing_libraries(p, &d);
		fflush(stdout);   /* keep stdout and stderr in order */
		pkr_diags_print(&d, pkr_log_fd());
		if (!p || d.nerrors > 0) {
			if (d.nerrors == 0)
				pkr_log(PKR_LOG_ERROR, "%s: cannot load the policy", argv[i]);
			any_error = true;
		} else if (!quiet) {
			printf("%s: ok (%zu domains)\n", argv[i], p->ndomains);
			fflush(stdout);
		}
		pkr_policy_free(p);
		pkr_diags_free(&d);
	}
	return finish_stdout(any_error ? 1 : 0);
}

/* ---- pkrewind symbols -------------------------------------------------- */

static int sym_cmp(const void *a, const void *b)
{
	const struct pkr_sym *x = a, *y = b;
	int c = strcmp(x->name, y->name);

	if (c)
		return c;
	if (!x->version != !y->version)
		return x->version ? 1 : -1;          /* unversioned first */
	if (x->hidden != y->hidden)
		return x->hidden ? 1 : -1;           /* default version first */
	if (x->version && (c = strcmp(x->version, y->version)))
		return c;
	return (int)x->kind - (int)y->kind;
}

static bool is_c_identifier(const char *s)
{
	const char *p;

	if (!(*s == '_' || (*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z')))
		return false;
	for (p = s + 1; *p; p++)
		if (!(*p == '_' || (*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
		      (*p >= '0' && *p <= '9')))
			return false;
	return true;
}

/* Can `s` stand as one policy token (no blank, comment, control or
 * non-ASCII byte, not too long)? */
static bool is_policy_token(const char *s)
{
	const unsigned char *p;

	if (!*s || strlen(s) > PKR_MAX_NAME)
		return false;
	for (p = (const unsigned char *)s; *p; p++)
		if (*p <= ' ' || *p >= 0x7f || *p == '#')
			return false;
	return true;
}

/* Domain name from a soname or file name: "liblzma.so.5" -> "lzma";
 * then made to fit [A-Za-z_][A-Za-z0-9_.-]{0,62}. */
static void domain_name_for(const char *soname, char *out, size_t size)
{
	char buf[PKR_MAX_NAME + 1];
	const char *base = soname, *so;
	size_t len, i, o = 0;

	if (strncmp(base, "lib", 3) == 0 && base[3] && strncmp(base + 3, ".so", 3) != 0)
		base += 3;
	len = strlen(base);
	for (so = strstr(base, ".so"); so; so = strstr(so + 1, ".so"))
		if (so[3] == '\0' || so[3] == '.') {
			len = (size_t)(so - base);
			break;
		}
	if (len > sizeof buf - 1)
		len = sizeof buf - 1;
	memcpy(buf, base, len);
	buf[len] = '\0';

	if (!(buf[0] == '_' || (buf[0] >= 'A' && buf[0] <= 'Z') ||
	      (buf[0] >= 'a' && buf[0] <= 'z')))
		out[o++] = '_';
	for (i = 0; buf[i] && o + 1 < size && o < 63; i++) {
		char ch = buf[i];

		out[o++] = ((ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') ||
			    (ch >= '0' && ch <= '9') || ch == '_' || ch == '.' ||
			    ch == '-') ? ch : '_';
	}
	out[o] = '\0';
}

static void print_skeleton(const struct pkr_symtab *t, const char *path)
{
	const char *base = strrchr(path, '/');
	char *abs = realpath(path, NULL);
	const char *spec;
	char dname[64];
	size_t i;

	base = base ? base + 1 : path;
	domain_name_for(t->soname ? t->soname : base, dname, sizeof dname);
	/* The soname matches the library wherever it is loaded from; without
	 * one (or if it cannot be written as a token) use the file itself. */
	if (t->soname && is_policy_token(t->soname) && !strchr(t->soname, '/'))
		spec = t->soname;
	else
		spec = abs ? abs : path;

	printf("# Policy skeleton for %s, written by 'pkrewind symbols --policy'.\n",
	       abs ? abs : path);
	printf("# Review each fault-return: -1 suits functions returning a status;\n"
	       "# use null for pointers and void for functions without a result.\n");
	printf("domain %s\n", dname);
	printf("    library %s\n", spec);
	printf("    trusted-memory read\n");
	printf("    on-fault rewind\n");
	for (i = 0; i < t->nsyms; i++) {
		const struct pkr_sym *s = &t->syms[i];

		if (s->kind == PKR_SYM_OBJECT)
			continue;
		if (i > 0 && strcmp(t->syms[i - 1].name, s->name) == 0 &&
		    t->syms[i - 1].kind != PKR_SYM_OBJECT)
			continue;   /* another version of the same function */
		if (is_c_identifier(s->name) && strlen(s->name) <= PKR_MAX_NAME)
			printf("    function %s fault-return -1\n", s->name);
		else
			printf("    # function %s: name cannot be written in a policy\n",
			       s->name);
	}
	for (i = 0; i < t->nsyms; i++) {
		const struct pkr_sym *s = &t->syms[i];

		if (s->kind != PKR_SYM_OBJECT)
			continue;
		if (i > 0 && strcmp(t->syms[i - 1].name, s->name) == 0 &&
		    t->syms[i - 1].kind == PKR_SYM_OBJECT)
			continue;
		printf("    # data %s: a data object cannot be trampolined\n", s->name);
	}
	free(abs);
}

static void print_symbols(const struct pkr_symtab *t)
{
	size_t i;

	for (i = 0; i < t->nsyms; i++) {
		const struct pkr_sym *s = &t->syms[i];

		if (i > 0 && sym_cmp(&t->syms[i - 1], s) == 0)
			continue;
		printf("%s %s%s%s\n", s->kind == PKR_SYM_OBJECT ? "data  " : "function",
		       s->name, s->version ? (s->hidden ? "@" : "@@") : "",
		       s->version ? s->version : "");
	}
}

static int cmd_symbols(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "policy", no_argument, NULL, 'P' },
		{ "help",   no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct pkr_symtab t;
	bool skeleton = false;
	char err[512], *path;
	const char *lib;
	int c;

	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, "+:h", opts, NULL)) != -1) {
		switch (c) {
		case 'P':
			skeleton = true;
			break;
		case 'h':
			usage(stdout);
			return finish_stdout(0);
		default:
			return bad_option(argv, c);
		}
	}
	if (argc - optind != 1) {
		pkr_log(PKR_LOG_ERROR, "symbols: %s", argc - optind ?
			"give exactly one LIBRARY" : "no LIBRARY given");
		try_help();
		return EXIT_USAGE;
	}
	lib = argv[optind];
	if (strchr(lib, '/')) {
		path = xstrdup(lib);
	} else if (!(path = find_soname(lib))) {
		pkr_log(PKR_LOG_ERROR, "library '%s' not found (searched LD_LIBRARY_PATH, "
			"the directories of /etc/ld.so.conf and the default directories)",
			lib);
		return 1;
	}
	if (pkr_symtab_read(path, &t, err, sizeof err) != 0) {
		pkr_log(PKR_LOG_ERROR, "%s", err);
		free(path);
		return 1;
	}
	qsort(t.syms, t.nsyms, sizeof *t.syms, sym_cmp);
	if (skeleton)
		print_skeleton(&t, path);
	else
		print_symbols(&t);
	pkr_symtab_free(&t);
	free(path);
	return finish_stdout(0);
}

/* ---- running a command -------------------------------------------------- */

/* The shim to preload, malloc'd absolute path, or NULL (reported). */
static char *find_shim(void)
{
	const char *env = getenv("PKREWIND_SHIM");
	char self[PATH_MAX], *slash, *cand, *abs;
	ssize_t n;

	if (env && *env) {
		if (!is_regular_file(env)) {
			pkr_log(PKR_LOG_ERROR, "PKREWIND_SHIM=%s: no such file", env);
			return NULL;
		}
		if (!(abs = realpath(env, NULL))) {
			pkr_log(PKR_LOG_ERROR, "PKREWIND_SHIM=%s: %s", env, strerror(errno));
			return NULL;
		}
		return abs;
	}
	/* Run from the build tree: the shim is libtool's src/.libs/. */
	n = readlink("/proc/self/exe", self, sizeof self - 1);
	if (n > 0) {
		self[n] = '\0';
		slash = strrchr(self, '/');
		if (slash) {
			*slash = '\0';
			cand = concat3(self, "/.libs/", SHIM_NAME);
			if (!is_regular_file(cand)) {
				free(cand);
				/* a libtool wrapper runs .libs/pkrewind itself */
				cand = concat3(self, "/", SHIM_NAME);
				if (!(strlen(self) >= 6 &&
				      strcmp(self + strlen(self) - 6, "/.libs") == 0 &&
				      is_regular_file(cand))) {
					free(cand);
					cand = NULL;
				}
			}
			if (cand) {
				abs = realpath(cand, NULL);
				free(cand);
				if (abs)
					return abs;
			}
		}
	}
	if (is_regular_file(LIBDIR "/" SHIM_NAME))
		return xstrdup(LIBDIR "/" SHIM_NAME);
	pkr_log(PKR_LOG_ERROR, "cannot find %s (not in %s; set PKREWIND_SHIM)",
		SHIM_NAME, LIBDIR);
	return NULL;
}

/* GLIBC_TUNABLES: the old entries, less the keys we set, then ours. */
static char *merge_tunables(const char *old, size_t ndomains)
{
	static const char rseq_key[] = "glibc.pthread.rseq";
	static const char nns_key[] = "glibc.rtld.nns";
	size_t cap = (old ? strlen(old) : 0) + 64, len = 0;
	char *out = xmalloc(cap);
	unsigned long nns = 0;
	const char *p = old;

	if (ndomains > 3)
		nns = ndomains + 1 > MAX_NNS ? MAX_NNS : ndomains + 1;
	out[0] = '\0';
	while (p && *p) {
		size_t elen = strcspn(p, ":"), klen = strcspn(p, "=:");
		bool drop = elen == 0 ||
			(klen == sizeof rseq_key - 1 && memcmp(p, rseq_key, klen) == 0);

		if (!drop && nns && klen == sizeof nns_key - 1 &&
		    memcmp(p, nns_key, klen) == 0) {
			/* Keep a larger namespace count the user asked for. */
			unsigned long v = p[klen] == '=' ? strtoul(p + klen + 1, NULL, 10) : 0;

			if (v > nns)
				nns = v > MAX_NNS ? MAX_NNS : v;
			drop = true;
		}
		if (!drop) {
			if (len)
				out[len++] = ':';
			memcpy(out + len, p, elen);
			len += elen;
			out[len] = '\0';
		}
		p += elen;
		if (*p)
			p++;
	}
	len += (size_t)snprintf(out + len, cap - len, "%s%s=0", len ? ":" : "", rseq_key);
	if (nns)
		snprintf(out + len, cap - len, ":%s=%lu", nns_key, nns);
	return out;
}

static int set_env(const char *name, const char *value)
{
	if (setenv(name, value, 1) != 0) {
		pkr_log(PKR_LOG_ERROR, "cannot set %s: %s", name, strerror(errno));
		return -1;
	}
	return 0;
}

static int cmd_run(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "policy",  required_argument, NULL, 'p' },
		{ "verbose", no_argument,       NULL, 'v' },
		{ "stats",   no_argument,       NULL, 'S' },
		{ "help",    no_argument,       NULL, 'h' },
		{ "version", no_argument,       NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	const char *policy_arg = NULL, *old;
	char located[PATH_MAX], *policy_abs, *shim, *s;
	struct pkr_policy *pol;
	struct pkr_diags d;
	size_t ndomains;
	int c, verbose = 0, err;
	bool stats = false;

	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, "+:p:vh", opts, NULL)) != -1) {
		switch (c) {
		case 'p':
			policy_arg = optarg;
			break;
		case 'v':
			verbose++;
			break;
		case 'S':
			stats = true;
			break;
		case 'h':
			usage(stdout);
			return finish_stdout(0);
		case 'V':
			printf("pkrewind %s\n", PACKAGE_VERSION);
			return finish_stdout(0);
		default:
			return bad_option(argv, c);
		}
	}
	if (optind >= argc) {
		pkr_log(PKR_LOG_ERROR, "no COMMAND given");
		try_help();
		return EXIT_USAGE;
	}
	if (verbose)
		pkr_log_set_level(verbose > 1 ? PKR_LOG_DEBUG : PKR_LOG_INFO);

	/* The policy: parse it completely before anything runs. */
	if (!policy_arg) {
		if (pkr_policy_locate(located, sizeof located) == PKR_POLICY_NONE) {
			pkr_log(PKR_LOG_ERROR, "no policy: give -p POLICY or set PKREWIND_POLICY");
			return EXIT_NOTFOUND;
		}
		policy_arg = located;
	}
	pkr_diags_init(&d);
	pol = pkr_policy_load(policy_arg, &d);
	pkr_diags_print(&d, pkr_log_fd());
	if (!pol || d.nerrors > 0) {
		if (d.nerrors == 0)
			pkr_log(PKR_LOG_ERROR, "%s: cannot load the policy", policy_arg);
		pkr_log(PKR_LOG_ERROR, "not running %s: the policy has errors", argv[optind]);
		pkr_policy_free(pol);
		pkr_diags_free(&d);
		return EXIT_NOTFOUND;
	}
	ndomains = pol->ndomains;
	pkr_policy_free(pol);
	pkr_diags_free(&d);
	policy_abs = realpath(policy_arg, NULL);
	if (!policy_abs) {
		pkr_log(PKR_LOG_ERROR, "%s: %s", policy_arg, strerror(errno));
		return EXIT_NOTFOUND;
	}

	shim = find_shim();
	if (!shim)
		return EXIT_NOTFOUND;
	if (strpbrk(shim, ": \t")) {
		pkr_log(PKR_LOG_ERROR, "%s: cannot preload a path containing ':' or a blank",
			shim);
		return EXIT_NOTFOUND;
	}

	/* The environment the shim reads. */
	old = getenv("LD_PRELOAD");
	s = old && *old ? concat3(shim, ":", old) : xstrdup(shim);
	err = set_env("LD_PRELOAD", s);
	free(s);
	err |= set_env("PKREWIND_POLICY", policy_abs);
	if (verbose)    /* the command line wins over the environment */
		err |= set_env("PKREWIND_LOG", verbose > 1 ? "debug" : "info");
	if (stats)
		err |= set_env("PKREWIND_STATS", "1");
	s = merge_tunables(getenv("GLIBC_TUNABLES"), ndomains);
	err |= set_env("GLIBC_TUNABLES", s);
	free(s);
	if (err)
		return EXIT_NOTFOUND;

	pkr_log(PKR_LOG_INFO, "running %s: preload %s, policy %s (%zu domain%s)",
		argv[optind], shim, policy_abs, ndomains, ndomains == 1 ? "" : "s");
	free(shim);
	free(policy_abs);

	execvp(argv[optind], argv + optind);
	err = errno;
	if (err == ENOENT || err == ENOTDIR) {
		pkr_log(PKR_LOG_ERROR, "%s: command not found", argv[optind]);
		return EXIT_NOTFOUND;
	}
	pkr_log(PKR_LOG_ERROR, "cannot run %s: %s", argv[optind], strerror(err));
	return EXIT_NOEXEC;
}

int main(int argc, char **argv)
{
	pkr_log_init(0);
	if (argc > 1 && strcmp(argv[1], "check") == 0)
		return cmd_check(argc - 1, argv + 1);
	if (argc > 1 && strcmp(argv[1], "symbols") == 0)
		return cmd_symbols(argc - 1, argv + 1);
	return cmd_run(argc, argv);
}
