/* cli.c - the pkrewind command.
 *
 *   pkrewind [-p POLICY] [-v] [--stats] [--] COMMAND [ARGS...]
 *       Parse the policy (fail closed: any error and COMMAND does not run),
 *       set up the environment for the preloaded shim, exec COMMAND.
 *   pkrewind check [-q] [--system] [POLICY...]
 *       Report every diagnostic of each file (--system: of the system
 *       policy with its drop-ins), and libraries not found here.
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

#include "cli.h"
#include "cliutil.h"
#include "dwarfargs.h"
#include "elfsyms.h"
#include "libpath.h"
#include "log.h"
#include "policy.h"
#include "policyfile.h"

#ifndef PKGLIBDIR
#define PKGLIBDIR "/usr/local/lib/pkrewind"
#endif

#define EXIT_USAGE      2
#define EXIT_NOEXEC     126
#define EXIT_NOTFOUND   127   /* also: policy error (fail closed) */

#define SHIM_NAME       "libpkrewind.so"
#define MAX_NNS         16    /* glibc's DL_NNS */

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

/* ---- help ------------------------------------------------------------- */

static void usage(FILE *f)
{
	fprintf(f,
"Usage: pkrewind [-p POLICY] [-v]... [--stats] [--] COMMAND [ARGS...]\n"
"       pkrewind check [-q] [--system] [POLICY...]\n"
"       pkrewind symbols [--policy] LIBRARY\n"
"       pkrewind learn -p BASE.policy -o OUT.policy [--] COMMAND [ARGS...]\n"
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
"  learn              run COMMAND with BASE's domains in read mode, let the\n"
"                     library's writes into the program through and record\n"
"                     them, and write OUT: BASE with argument annotations\n"
"\n"
"Options:\n"
"  -p, --policy FILE  policy to apply (default: $PKREWIND_POLICY, else\n"
"                     $XDG_CONFIG_HOME/pkrewind/policy or\n"
"                     ~/.config/pkrewind/policy, else the system policy:\n"
"                     " SYSCONFDIR "/pkrewind/policy, then\n"
"                     " SYSCONFDIR "/pkrewind/policy.d/*.policy in name order)\n"
"  -v, --verbose      more messages: -v info, -vv debug (sets PKREWIND_LOG)\n"
"      --stats        print per-domain call and fault counts at exit\n"
"  -h, --help         show this help and exit\n"
"      --version      show the version and exit\n"
"  check -q, --quiet  do not print \"FILE: ok (N domains)\" lines\n"
"  check --system     check the system policy with its policy.d files,\n"
"                     as the shim reads them\n"
"  symbols --policy   print a policy skeleton for LIBRARY instead of a list\n"
"\n"
"Environment:\n"
"  PKREWIND_POLICY    the policy file; set for COMMAND to its absolute path\n"
"                     (not for the system policy: the shim finds it)\n"
"  PKREWIND_LOG       error|warn|info|debug (default warn)\n"
"  PKREWIND_STATS     1: print statistics at exit (set by --stats)\n"
"  PKREWIND_SHIM      libpkrewind.so to preload (default " PKGLIBDIR "/" SHIM_NAME ")\n"
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

/* The options of a subcommand whose options are flags besides --help
 * (`check -q --system`, `symbols --policy`): getopt_long returns
 * flag_chars[i] for a flag, which sets *flags[i].  Returns -1 with optind
 * at the first operand, else the exit status (usage printed for --help,
 * or a bad option reported). */
static int flag_options(int argc, char **argv, const char *optstring,
			const struct option *opts, const char *flag_chars, bool **flags)
{
	const char *f;
	int c;

	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, optstring, opts, NULL)) != -1) {
		if (c != 0 && (f = strchr(flag_chars, c)) != NULL) {
			*flags[f - flag_chars] = true;
		} else if (c == 'h') {
			usage(stdout);
			return finish_stdout(0);
		} else {
			return bad_option(argv, c);
		}
	}
	return -1;
}

/* ---- pkrewind check ---------------------------------------------------- */

static void warn_missing_libraries(const struct pkr_policy *p, struct pkr_diags *d)
{
	size_t i, j;

	for (i = 0; i < p->ndomains; i++) {
		const struct pkr_domain_policy *dom = &p->domains[i];

		for (j = 0; j < dom->nlibraries; j++) {
			const char *spec = dom->libraries[j];
			const struct pkr_src_pos *at = &dom->library_pos[j];
			char *link, *real;

			switch (library_spec_status(spec, &link, &real)) {
			case SPEC_FOUND:
				break;
			case SPEC_MISSING:
				pkr_diags_add(d, PKR_DIAG_WARNING, at->file, at->line, at->col,
					      "library '%s' not found on this system", spec);
				break;
			case SPEC_LINKS_ONLY:
				pkr_diags_add(d, PKR_DIAG_WARNING, at->file, at->line, at->col,
					      "library '%s' matches only symbolic links here, "
					      "such as '%s' (to '%s'); a glob that starts with "
					      "'/' is matched against resolved paths", spec,
					      link, real);
				free(link);
				free(real);
				break;
			}
		}
	}
}

/* Print p's diagnostics (d) and, unless quiet, "LABEL: ok (N domains)";
 * frees both.  True when it has errors. */
static bool report_check(const char *label, struct pkr_policy *p, struct pkr_diags *d,
			 bool quiet)
{
	bool bad = !p || d->nerrors > 0;

	if (p)
		warn_missing_libraries(p, d);
	fflush(stdout);   /* keep stdout and stderr in order */
	pkr_diags_print(d, pkr_log_fd());
	if (bad) {
		if (d->nerrors == 0)
			pkr_log(PKR_LOG_ERROR, "%s: cannot load the policy", label);
	} else if (!quiet) {
		printf("%s: ok (%zu domain%s)\n", label, p->ndomains,
		       p->ndomains == 1 ? "" : "s");
		for (size_t i = 0; i < p->ndomains; i++)
			if (p->domains[i].shipped)
				printf("%s: domain %s: the function and struct lines of %s "
				       "(%zu and %zu), trusted-memory %s\n", label,
				       p->domains[i].name, p->domains[i].shipped,
				       p->domains[i].nfunctions, p->domains[i].nstructs,
				       pkr_trust_name(p->domains[i].trust));
		fflush(stdout);
	}
	pkr_policy_free(p);
	pkr_diags_free(d);
	return bad;
}

/* `check --system`: the system policy and its drop-ins, as the shim reads
 * them when nothing else names a policy. */
static bool check_system(bool quiet)
{
	const char *dir = pkr_policy_dropin_dir();
	char path[PATH_MAX], label[2 * PATH_MAX + 32];
	char **paths;
	size_t n;
	struct pkr_diags d;
	int err;

	snprintf(path, sizeof path, "%s/pkrewind/policy", SYSCONFDIR);
	err = pkr_policy_dropins(dir, &paths, &n);
	pkr_policy_dropins_free(paths, n);
	if (!err && n == 0 && access(path, F_OK) != 0) {
		if (!quiet)
			printf("%s, %s/*.policy: no system policy (nothing is isolated)\n",
			       path, dir);
		return false;
	}
	snprintf(label, sizeof label, "%s + %zu file%s of %s", path, n, n == 1 ? "" : "s", dir);
	pkr_diags_init(&d);
	return report_check(err ? path : label, pkr_policy_load_dropins(path, dir, &d), &d,
			    quiet);
}

static int cmd_check(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "quiet",  no_argument, NULL, 'q' },
		{ "system", no_argument, NULL, 's' },
		{ "help",   no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	bool quiet = false, system = false, any_error = false;
	int rc, i;

	if ((rc = flag_options(argc, argv, "+:qh", opts, "qs",
			       (bool *[]){ &quiet, &system })) >= 0)
		return rc;
	if (optind >= argc && !system) {
		pkr_log(PKR_LOG_ERROR, "check: no policy file given");
		try_help();
		return EXIT_USAGE;
	}

	if (system)
		any_error = check_system(quiet);
	for (i = optind; i < argc; i++) {
		struct pkr_diags d;

		pkr_diags_init(&d);
		if (report_check(argv[i], pkr_policy_load(argv[i], &d), &d, quiet))
			any_error = true;
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
	const char *spec, *why = NULL;
	char dname[64];
	size_t i;
	struct pkr_dwarf *dw;

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
	dw = pkr_dwarf_open(path, &why);
	if (dw)
		printf("# Argument kinds from the library's DWARF (pkrewind.policy(5),\n"
		       "# \"ARGUMENTS\"): check each; where a length is unknown (LEN?) the\n"
		       "# suggestion is a comment.\n");
	else
		printf("# No argument kinds: %s.\n", why);
	printf("domain %s\n", dname);
	printf("    library %s\n", spec);
	printf("    trusted-memory read\n");
	printf("    on-fault rewind\n");
	for (i = 0; i < t->nsyms; i++) {
		const struct pkr_sym *s = &t->syms[i];
		char proto[512], list[512];
		bool complete = false, have = false;

		if (s->kind == PKR_SYM_OBJECT)
			continue;
		if (i > 0 && strcmp(t->syms[i - 1].name, s->name) == 0 &&
		    t->syms[i - 1].kind != PKR_SYM_OBJECT)
			continue;   /* another version of the same function */
		if (!is_c_identifier(s->name) || strlen(s->name) > PKR_MAX_NAME) {
			printf("    # function %s: name cannot be written in a policy\n",
			       s->name);
			continue;
		}
		if (dw && pkr_dwarf_args(dw, s->name, proto, sizeof proto, list, sizeof list,
					 &complete)) {
			have = true;
			printf("    # %s\n", proto);
			if (list[0] && !complete)
				printf("    #   from DWARF: %s: complete it (LEN?, a struct block)\n", list);
		}
		if (have && complete && list[0])
			printf("    function %s %s fault-return -1\n", s->name, list);
		else
			printf("    function %s fault-return -1\n", s->name);
	}
	for (i = 0; i < t->nsyms; i++) {
		const struct pkr_sym *s = &t->syms[i];

		if (s->kind != PKR_SYM_OBJECT)
			continue;
		if (i > 0 && strcmp(t->syms[i - 1].name, s->name) == 0 &&
		    t->syms[i - 1].kind == PKR_SYM_OBJECT)
			continue;
		printf("    # data %s: shared with the program if it uses it (libpkrewind(7))\n", s->name);
	}
	pkr_dwarf_close(dw);
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
	int rc;

	if ((rc = flag_options(argc, argv, "+:h", opts, "P", (bool *[]){ &skeleton })) >= 0)
		return rc;
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
	if (is_regular_file(PKGLIBDIR "/" SHIM_NAME))
		return xstrdup(PKGLIBDIR "/" SHIM_NAME);
	pkr_log(PKR_LOG_ERROR, "cannot find %s (not in %s; set PKREWIND_SHIM)",
		SHIM_NAME, PKGLIBDIR);
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

int pkr_cli_run(int argc, char **argv)
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
	char located[PATH_MAX], *policy_abs = NULL, *shim, *s;
	enum pkr_policy_source src = PKR_POLICY_ENV;
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
		switch ((src = pkr_policy_locate(located, sizeof located))) {
		case PKR_POLICY_NONE:
			pkr_log(PKR_LOG_ERROR, "no policy: give -p POLICY or set PKREWIND_POLICY");
			return EXIT_NOTFOUND;
		case PKR_POLICY_ENV:
			/* Set counts, even empty: no falling back to another file. */
			if (!located[0]) {
				pkr_log(PKR_LOG_ERROR, "PKREWIND_POLICY is set but empty: it names "
					"no policy file (unset it to use the user's or the "
					"system's policy)");
				return EXIT_NOTFOUND;
			}
			break;
		default:
			break;
		}
		policy_arg = located;
	}
	pkr_diags_init(&d);
	pol = pkr_policy_load_source(src, policy_arg, &d);
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
	/* The system policy is left for the shim to find (PKREWIND_POLICY
	 * would name the file without its drop-ins); any other is named. */
	if (src != PKR_POLICY_SYSTEM && !(policy_abs = realpath(policy_arg, NULL))) {
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
	if (policy_abs)
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

	pkr_log(PKR_LOG_INFO, "running %s: preload %s, policy %s%s (%zu domain%s)",
		argv[optind], shim, policy_abs ? policy_abs : policy_arg,
		policy_abs ? "" : " and policy.d", ndomains, ndomains == 1 ? "" : "s");
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
	if (argc > 1 && strcmp(argv[1], "learn") == 0)
		return pkr_cli_learn(argc - 1, argv + 1);
	return pkr_cli_run(argc, argv);
}
