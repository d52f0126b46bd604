/* check_policy.c - unit tests of the policy language (src/policy.c).
 *
 * Most tests parse a policy held in a string, named "t.policy", with
 * includes served from a small in-memory file table; a few load the
 * sample files of tests/data/policy/ from disk.  Error tests check the
 * exact "FILE:LINE:COL: message" text.
 */
#include "config.h"

#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "policy.h"
#include "policyfile.h"

/* ==== helpers ========================================================== */

struct memfile {
	const char *path;
	const char *text;
};

/* The files include may read, and the paths it asked for. */
struct memfs {
	const struct memfile *files;
	size_t nfiles;
	char reads[16][PATH_MAX];
	unsigned nreads;
};

static int mem_read(void *ctx, const char *path, char **buf, size_t *len)
{
	struct memfs *fs = ctx;

	if (fs->nreads < 16)
		snprintf(fs->reads[fs->nreads++], PATH_MAX, "%s", path);
	for (size_t i = 0; i < fs->nfiles; i++)
		if (strcmp(fs->files[i].path, path) == 0) {
			size_t n = strlen(fs->files[i].text);

			*buf = malloc(n + 1);
			if (!*buf)
				return ENOMEM;
			memcpy(*buf, fs->files[i].text, n + 1);
			*len = n;
			return 0;
		}
	return ENOENT;
}

static struct pkr_diags diags;
static struct pkr_policy *pol;
static struct memfs nofiles;

static void setup(void)
{
	pkr_diags_init(&diags);
	pol = NULL;
}

static void teardown(void)
{
	pkr_policy_free(pol);
	pol = NULL;
	pkr_diags_free(&diags);
}

/* Parse `len` bytes named `name`; the previous result is freed. */
static struct pkr_policy *parse_named(const char *name, const char *text, size_t len,
				      struct memfs *fs)
{
	struct pkr_parse_env env = { mem_read, fs ? fs : &nofiles, NULL };

	teardown();
	setup();
	pol = pkr_policy_parse(name, text, len, &env, &diags);
	/* The contract: a model exactly when there is no error. */
	ck_assert_int_eq(pol != NULL, diags.nerrors == 0);
	return pol;
}

static struct pkr_policy *parse(const char *text)
{
	return parse_named("t.policy", text, strlen(text), NULL);
}

static struct pkr_policy *parse_fs(const char *text, struct memfs *fs)
{
	return parse_named("t.policy", text, strlen(text), fs);
}

/* Diagnostic i, formatted. */
static const char *diag(size_t i)
{
	static char buf[8192];

	ck_assert_uint_lt(i, diags.n);
	pkr_diag_format(&diags.v[i], buf, sizeof buf);
	return buf;
}

#define expect_ok(text) do {                                            \
		parse(text);                                            \
		ck_assert_msg(pol != NULL, "policy failed: %s",         \
			      diags.n ? diag(0) : "(no message)");      \
	} while (0)

/* The parse fails with exactly one error, `expected`. */
#define expect_error_fs(text, fs, expected) do {                        \
		parse_fs(text, fs);                                     \
		ck_assert_ptr_null(pol);                                \
		ck_assert_uint_eq(diags.nerrors, 1);                    \
		ck_assert_str_eq(diag(0), expected);                    \
	} while (0)
#define expect_error(text, expected) expect_error_fs(text, NULL, expected)

static const struct pkr_domain_policy *dom(size_t i)
{
	ck_assert_ptr_nonnull(pol);
	ck_assert_uint_lt(i, pol->ndomains);
	return &pol->domains[i];
}

static const char *srcdir(void)
{
	const char *s = getenv("top_srcdir");

	return s && *s ? s : ".";
}

/* The parser tidies "dir/../" out of the names it builds; a VPATH build's
 * top_srcdir has them.  Compare the files the names designate. */
#define ck_assert_same_file(got, want) do {					\
	char rg_[PATH_MAX], rw_[PATH_MAX];					\
	ck_assert_msg(realpath((got), rg_) && realpath((want), rw_) &&		\
		      !strcmp(rg_, rw_), "'%s' is not the file '%s'", (got), (want)); \
} while (0)

static void data_path(char *buf, size_t size, const char *name)
{
	snprintf(buf, size, "%s/tests/data/policy/%s", srcdir(), name);
}

/* A domain header that makes later lines legal: lines 1 and 2. */
#define D "domain a\nlibrary x\n"

/* ==== defaults and every directive ===================================== */

START_TEST(test_defaults)
{
	const struct pkr_domain_policy *d;

	expect_ok("domain a\nlibrary liba.so\n");
	ck_assert_uint_eq(pol->ndomains, 1);
	ck_assert_str_eq(pol->file, "t.policy");
	d = dom(0);
	ck_assert_str_eq(d->name, "a");
	ck_assert_str_eq(d->file, "t.policy");
	ck_assert_uint_eq(d->line, 1);
	ck_assert_uint_eq(d->nlibraries, 1);
	ck_assert_str_eq(d->libraries[0], "liba.so");
	ck_assert_int_eq(d->trust, PKR_TRUST_READ);
	ck_assert_int_eq(d->on_fault, PKR_ON_FAULT_REWIND);
	ck_assert_uint_eq(d->max_faults, 0);
	ck_assert_uint_eq(d->heap, PKR_HEAP_DEFAULT);
	ck_assert_uint_eq(d->heap, 4ull << 30);    /* the man page says 4G */
	ck_assert_uint_eq(d->stack, PKR_STACK_DEFAULT);
	ck_assert_uint_eq(d->stack, 1ull << 20);
	ck_assert_uint_eq(d->stack_args, 64);
	ck_assert_uint_eq(d->lend, PKR_LEND_DEFAULT);
	ck_assert_uint_eq(d->lend, 1ull << 20);    /* the man page says 1M */
	ck_assert(!d->fault_return.is_void);
	ck_assert(!d->fault_return.set);
	ck_assert_int_eq(d->fault_return.value, -1);
	ck_assert_int_eq(d->fault_return.err, EFAULT);
	ck_assert_uint_eq(d->nfunctions, 0);
	ck_assert_int_eq(d->exceptions, PKR_EXC_PROPAGATE);
}
END_TEST

START_TEST(test_every_directive)
{
	const struct pkr_domain_policy *d;
	const struct pkr_func_policy *f;

	expect_ok("# a comment\n"
		  "domain zlib-1.2_x\n"
		  "\tlibrary libz.so.1\n"
		  "    library /usr/lib/libz.so.1\n"
		  "  library libz*.so.[0-9]\n"
		  "  trusted-memory none\n"
		  "  on-fault reset\n"
		  "  exceptions fault\n"
		  "  max-faults 7\n"
		  "  heap 256M\n"
		  "  stack 2M\n"
		  "  stack-args 128\n"
		  "  lend 2M\n"
		  "  fault-return -3 errno ENOMEM\n"
		  "  function inflate fault-return 11 errno EIO   # trailing comment\n"
		  "  function deflate@ZLIB_1.2.0 fault-return void\n"
		  "  function crc32\n");
	d = dom(0);
	ck_assert_str_eq(d->name, "zlib-1.2_x");
	ck_assert_uint_eq(d->line, 2);
	ck_assert_uint_eq(d->nlibraries, 3);
	ck_assert_str_eq(d->libraries[0], "libz.so.1");
	ck_assert_str_eq(d->libraries[1], "/usr/lib/libz.so.1");
	ck_assert_str_eq(d->libraries[2], "libz*.so.[0-9]");
	ck_assert_int_eq(d->trust, PKR_TRUST_NONE);
	ck_assert_int_eq(d->on_fault, PKR_ON_FAULT_RESET);
	ck_assert_int_eq(d->exceptions, PKR_EXC_FAULT);
	ck_assert_uint_eq(d->max_faults, 7);
	ck_assert_uint_eq(d->heap, 256ull << 20);
	ck_assert_uint_eq(d->stack, 2ull << 20);
	ck_assert_uint_eq(d->stack_args, 128);
	ck_assert_uint_eq(d->lend, 2ull << 20);
	ck_assert(d->fault_return.set);
	ck_assert_int_eq(d->fault_return.value, -3);
	ck_assert_int_eq(d->fault_return.err, ENOMEM);
	ck_assert_uint_eq(d->nfunctions, 3);

	f = &d->functions[0];
	ck_assert_str_eq(f->name, "inflate");
	ck_assert_str_eq(f->file, "t.policy");
	ck_assert_uint_eq(f->line, 15);
	ck_assert(f->ret.set);
	ck_assert(!f->ret.is_void);
	ck_assert_int_eq(f->ret.value, 11);
	ck_assert_int_eq(f->ret.err, EIO);

	f = &d->functions[1];
	ck_assert_str_eq(f->name, "deflate@ZLIB_1.2.0");
	ck_assert(f->ret.set);
	ck_assert(f->ret.is_void);
	ck_assert_int_eq(f->ret.err, PKR_ERRNO_INHERIT);

	f = &d->functions[2];
	ck_assert_str_eq(f->name, "crc32");
	ck_assert(!f->ret.set);
	ck_assert_int_eq(f->ret.err, PKR_ERRNO_INHERIT);
}
END_TEST

START_TEST(test_enum_values)
{
	static const struct {
		const char *text;
		int trust, on_fault;
	} cases[] = {
		{ D "trusted-memory read\n", PKR_TRUST_READ, PKR_ON_FAULT_REWIND },
		{ D "trusted-memory write\n", PKR_TRUST_WRITE, PKR_ON_FAULT_REWIND },
		{ D "trusted-memory none\n", PKR_TRUST_NONE, PKR_ON_FAULT_REWIND },
		{ D "on-fault rewind\n", PKR_TRUST_READ, PKR_ON_FAULT_REWIND },
		{ D "on-fault reset\n", PKR_TRUST_READ, PKR_ON_FAULT_RESET },
		{ D "on-fault abort\n", PKR_TRUST_READ, PKR_ON_FAULT_ABORT },
	};

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		expect_ok(cases[i].text);
		ck_assert_int_eq(dom(0)->trust, cases[i].trust);
		ck_assert_int_eq(dom(0)->on_fault, cases[i].on_fault);
	}
	ck_assert_str_eq(pkr_trust_name(PKR_TRUST_READ), "read");
	ck_assert_str_eq(pkr_trust_name(PKR_TRUST_WRITE), "write");
	ck_assert_str_eq(pkr_trust_name(PKR_TRUST_NONE), "none");
	ck_assert_str_eq(pkr_on_fault_name(PKR_ON_FAULT_REWIND), "rewind");
	ck_assert_str_eq(pkr_on_fault_name(PKR_ON_FAULT_RESET), "reset");
	ck_assert_str_eq(pkr_on_fault_name(PKR_ON_FAULT_ABORT), "abort");
	expect_ok(D "exceptions propagate\n");
	ck_assert_int_eq(dom(0)->exceptions, PKR_EXC_PROPAGATE);
	expect_ok(D "exceptions fault\n");
	ck_assert_int_eq(dom(0)->exceptions, PKR_EXC_FAULT);
	ck_assert_str_eq(pkr_exceptions_name(PKR_EXC_PROPAGATE), "propagate");
	ck_assert_str_eq(pkr_exceptions_name(PKR_EXC_FAULT), "fault");
	ck_assert_ptr_null(pkr_exceptions_name((enum pkr_exceptions)2));
	ck_assert_ptr_null(pkr_trust_name((enum pkr_trust)3));
	ck_assert_ptr_null(pkr_on_fault_name((enum pkr_on_fault)-1));
}
END_TEST

START_TEST(test_max_faults)
{
	expect_ok(D "max-faults 0\n");
	ck_assert_uint_eq(dom(0)->max_faults, 0);
	expect_ok(D "max-faults 1\n");
	ck_assert_uint_eq(dom(0)->max_faults, 1);
	expect_ok(D "max-faults 1000000000\n");
	ck_assert_uint_eq(dom(0)->max_faults, PKR_MAX_FAULTS_MAX);
	expect_ok(D "max-faults 000000000000000000000042\n");
	ck_assert_uint_eq(dom(0)->max_faults, 42);
}
END_TEST

/* ==== sizes ============================================================ */

START_TEST(test_sizes_ok)
{
	static const struct {
		const char *line;
		int which;      /* 0 heap, 1 stack, 2 stack-args */
		uint64_t want;
	} cases[] = {
		{ "heap 64K", 0, 64ull << 10 },                 /* lower limit */
		{ "heap 65536", 0, 65536 },
		{ "heap 65536B", 0, 65536 },
		{ "heap 64G", 0, 64ull << 30 },                 /* upper limit */
		{ "heap 68719476736", 0, 64ull << 30 },
		{ "heap 64g", 0, 64ull << 30 },
		{ "heap 64GiB", 0, 64ull << 30 },
		{ "heap 64GB", 0, 64ull << 30 },
		{ "heap 256m", 0, 256ull << 20 },
		{ "heap 256MiB", 0, 256ull << 20 },
		{ "heap 1024k", 0, 1ull << 20 },
		{ "heap 64kB", 0, 64ull << 10 },
		{ "heap 64k", 0, 64ull << 10 },                 /* the forms of 64 KiB */
		{ "heap 64KB", 0, 64ull << 10 },
		{ "heap 64KiB", 0, 64ull << 10 },
		{ "heap 64kiB", 0, 64ull << 10 },
		{ "heap 1MB", 0, 1ull << 20 },
		{ "heap 1mB", 0, 1ull << 20 },
		{ "heap 1GB", 0, 1ull << 30 },
		{ "heap 0064K", 0, 64ull << 10 },
		{ "stack 64K", 1, 64ull << 10 },                /* lower limit */
		{ "stack 1G", 1, 1ull << 30 },                  /* upper limit */
		{ "stack 1073741824", 1, 1ull << 30 },
		{ "stack 1024M", 1, 1ull << 30 },
		{ "stack 8MiB", 1, 8ull << 20 },
		{ "stack-args 0", 2, 0 },
		{ "stack-args 8", 2, 8 },
		{ "stack-args 4096", 2, 4096 },                 /* upper limit */
		{ "stack-args 4K", 2, 4096 },
		{ "stack-args 4KiB", 2, 4096 },
		{ "stack-args 256B", 2, 256 },
		{ "lend 0", 3, 0 },
		{ "lend 64K", 3, 64ull << 10 },
		{ "lend 64G", 3, 64ull << 30 },                 /* upper limit */
		{ "lend never", 3, PKR_LEND_NEVER },
	};
	char text[256];

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		const struct pkr_domain_policy *d;
		uint64_t got;

		snprintf(text, sizeof text, D "%s\n", cases[i].line);
		expect_ok(text);
		d = dom(0);
		got = cases[i].which == 0 ? d->heap : cases[i].which == 1 ? d->stack :
		      cases[i].which == 2 ? d->stack_args : d->lend;
		ck_assert_msg(got == cases[i].want, "%s: got %llu", cases[i].line,
			      (unsigned long long)got);
	}
}
END_TEST

/* ==== values and errno ================================================= */

START_TEST(test_values_ok)
{
	static const struct {
		const char *value;
		int64_t want;
		bool is_void;
	} cases[] = {
		{ "0", 0, false },
		{ "-1", -1, false },
		{ "42", 42, false },
		{ "007", 7, false },
		{ "null", 0, false },
		{ "void", 0, true },
		{ "0x10", 16, false },
		{ "0X1f", 31, false },
		{ "-0x1", -1, false },
		{ "0xFFFFffff", 0xffffffffll, false },
		{ "9223372036854775807", INT64_MAX, false },
		{ "-9223372036854775808", INT64_MIN, false },
		{ "0x7fffffffffffffff", INT64_MAX, false },
		{ "-0x8000000000000000", INT64_MIN, false },
		{ "-0", 0, false },
	};
	char text[256];

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		const struct pkr_domain_policy *d;

		snprintf(text, sizeof text, D "fault-return %s\nfunction f fault-return %s\n",
			 cases[i].value, cases[i].value);
		expect_ok(text);
		d = dom(0);
		ck_assert_msg(d->fault_return.value == cases[i].want, "%s", cases[i].value);
		ck_assert_int_eq(d->fault_return.is_void, cases[i].is_void);
		ck_assert(d->fault_return.set);
		/* `void` without errno names none; a value means EFAULT */
		ck_assert_int_eq(d->fault_return.err,
				 cases[i].is_void ? PKR_ERRNO_INHERIT : EFAULT);
		ck_assert_msg(d->functions[0].ret.value == cases[i].want, "%s", cases[i].value);
		ck_assert_int_eq(d->functions[0].ret.is_void, cases[i].is_void);
		ck_assert_int_eq(d->functions[0].ret.err, PKR_ERRNO_INHERIT);
	}
}
END_TEST

START_TEST(test_errno_ok)
{
	static const struct {
		const char *e;
		int want;
	} cases[] = {
		{ "EIO", EIO },
		{ "EFAULT", EFAULT },
		{ "ENOMEM", ENOMEM },
		{ "EAGAIN", EAGAIN },
		{ "EWOULDBLOCK", EWOULDBLOCK },
		{ "EDEADLOCK", EDEADLOCK },
		{ "ENOTSUP", ENOTSUP },
		{ "EHWPOISON", EHWPOISON },
		{ "0", 0 },
		{ "5", 5 },
		{ "4095", 4095 },
		{ "keep", PKR_ERRNO_KEEP },
	};
	char text[256];

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		snprintf(text, sizeof text, D "fault-return 1 errno %s\n"
			 "function f fault-return 2 errno %s\n", cases[i].e, cases[i].e);
		expect_ok(text);
		ck_assert_msg(dom(0)->fault_return.err == cases[i].want, "%s", cases[i].e);
		ck_assert_msg(dom(0)->functions[0].ret.err == cases[i].want, "%s", cases[i].e);
	}
}
END_TEST

START_TEST(test_errno_tables)
{
	ck_assert_int_eq(pkr_errno_from_name("EIO"), EIO);
	ck_assert_int_eq(pkr_errno_from_name("EFAULT"), EFAULT);
	ck_assert_int_eq(pkr_errno_from_name("EWOULDBLOCK"), EAGAIN);
	ck_assert_int_eq(pkr_errno_from_name("EIOO"), -1);
	ck_assert_int_eq(pkr_errno_from_name("eio"), -1);
	ck_assert_int_eq(pkr_errno_from_name(""), -1);
	ck_assert_int_eq(pkr_errno_from_name("E"), -1);
	ck_assert_int_eq(pkr_errno_from_name(NULL), -1);
	ck_assert_str_eq(pkr_errno_name(EIO), "EIO");
	ck_assert_str_eq(pkr_errno_name(ENOMEM), "ENOMEM");
	ck_assert_ptr_null(pkr_errno_name(0));
	ck_assert_ptr_null(pkr_errno_name(-1));
	ck_assert_ptr_null(pkr_errno_name(4096));
	ck_assert_ptr_null(pkr_errno_name(4000));
#ifdef HAVE_STRERRORNAME_NP
	/* Every name the C library knows maps back to its number. */
	for (int e = 1; e < 4096; e++) {
		const char *name = strerrorname_np(e);

		if (!name)
			continue;
		ck_assert_str_eq(pkr_errno_name(e), name);
		ck_assert_int_eq(pkr_errno_from_name(name), e);
	}
#endif
}
END_TEST

/* ==== functions and lookups ============================================ */

START_TEST(test_function_names)
{
	static const char *const ok[] = {
		"f", "_f", "F_9", "lzma_code", "lzma_code@XZ_5.0", "g@GLIBC_2.2.5",
		"h@V-1.0", "__libc_start_main",
	};
	char text[512];

	for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
		snprintf(text, sizeof text, D "function %s fault-return 0\n", ok[i]);
		expect_ok(text);
		ck_assert_str_eq(dom(0)->functions[0].name, ok[i]);
		ck_assert_ptr_eq(pkr_policy_function(dom(0), ok[i]), &dom(0)->functions[0]);
	}
	/* The same function in two domains is fine. */
	expect_ok(D "function f\ndomain b\nlibrary y\nfunction f\n");
	ck_assert_uint_eq(dom(0)->nfunctions, 1);
	ck_assert_uint_eq(dom(1)->nfunctions, 1);
}
END_TEST

/* `NAME@@VERSION`, as `pkrewind symbols` prints a default version, is
 * `NAME@VERSION`: stored with one '@', found by it, a duplicate of it. */
START_TEST(test_function_default_version)
{
	static const struct {
		const char *written, *stored;
	} cases[] = {
		{ "lzma_code@@XZ_5.0", "lzma_code@XZ_5.0" },
		{ "g@@GLIBC_2.2.5", "g@GLIBC_2.2.5" },
		{ "h@@V-1.0", "h@V-1.0" },
		{ "_x@@a", "_x@a" },
	};
	char text[512];

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct pkr_retval r;

		snprintf(text, sizeof text, D "fault-return 9\nfunction %s fault-return 7 errno EIO\n",
			 cases[i].written);
		expect_ok(text);
		ck_assert_uint_eq(dom(0)->nfunctions, 1);
		ck_assert_str_eq(dom(0)->functions[0].name, cases[i].stored);
		ck_assert_uint_eq(dom(0)->functions[0].line, 4);
		ck_assert_ptr_eq(pkr_policy_function(dom(0), cases[i].stored),
				 &dom(0)->functions[0]);
		/* looked up by either spelling */
		ck_assert_ptr_eq(pkr_policy_function(dom(0), cases[i].written),
				 &dom(0)->functions[0]);
		r = pkr_policy_fault_return(dom(0), cases[i].stored);
		ck_assert_int_eq(r.value, 7);
		ck_assert_int_eq(r.err, EIO);
	}
	/* one name, two spellings: a duplicate either way round */
	expect_error(D "function f@V\nfunction f@@V fault-return 2\n",
		     "t.policy:4:10: duplicate function 'f@@V' in domain 'a' (first at t.policy:3)");
	expect_error(D "function f@@V\nfunction f@V fault-return 2\n",
		     "t.policy:4:10: duplicate function 'f@V' in domain 'a' (first at t.policy:3)");
	/* ... but not the name without a version */
	expect_ok(D "function f\nfunction f@@V\n");
	ck_assert_str_eq(dom(0)->functions[0].name, "f");
	ck_assert_str_eq(dom(0)->functions[1].name, "f@V");
}
END_TEST

START_TEST(test_lookups)
{
	const struct pkr_domain_policy *d;
	const struct pkr_func_policy *f;
	struct pkr_retval r;

	expect_ok("domain a\n"
		  "library liba.so\n"
		  "fault-return -5 errno ENOMEM\n"
		  "function inherit fault-return 3\n"
		  "function own fault-return 4 errno EIO\n"
		  "function keep fault-return 5 errno keep\n"
		  "function plain\n"
		  "function nothing fault-return void\n"
		  "function v@VER_1 fault-return 6\n"
		  "function p fault-return 10\n"
		  "function p@V2 fault-return 11 errno EIO\n"
		  "domain b\n"
		  "library libb.so\n"
		  "function x fault-return 7\n"
		  "domain c\n"
		  "library libc.so\n"
		  "fault-return void errno keep\n"
		  "function y fault-return 8\n"
		  "domain d\n"
		  "library libd.so\n"
		  "fault-return void\n"
		  "function w fault-return 9\n"
		  "function u fault-return void\n");
	d = dom(0);
	f = pkr_policy_function(d, "own");
	ck_assert_ptr_nonnull(f);
	ck_assert_str_eq(f->name, "own");
	ck_assert_uint_eq(f->line, 5);
	ck_assert_ptr_null(pkr_policy_function(d, "missing"));
	ck_assert_ptr_null(pkr_policy_function(d, "v"));
	ck_assert_ptr_null(pkr_policy_function(d, NULL));
	ck_assert_ptr_null(pkr_policy_function(NULL, "own"));
	r = pkr_policy_fault_return(NULL, "own");
	ck_assert_int_eq(r.value, -1);
	ck_assert_int_eq(r.err, EFAULT);

	r = pkr_policy_fault_return(d, "inherit");          /* domain's errno */
	ck_assert_int_eq(r.value, 3);
	ck_assert_int_eq(r.err, ENOMEM);
	ck_assert(!r.is_void);
	r = pkr_policy_fault_return(d, "own");
	ck_assert_int_eq(r.value, 4);
	ck_assert_int_eq(r.err, EIO);
	r = pkr_policy_fault_return(d, "keep");
	ck_assert_int_eq(r.value, 5);
	ck_assert_int_eq(r.err, PKR_ERRNO_KEEP);
	r = pkr_policy_fault_return(d, "plain");            /* domain default */
	ck_assert_int_eq(r.value, -5);
	ck_assert_int_eq(r.err, ENOMEM);
	r = pkr_policy_fault_return(d, "nothing");          /* void: errno left alone */
	ck_assert(r.is_void);
	ck_assert_int_eq(r.err, PKR_ERRNO_KEEP);
	r = pkr_policy_fault_return(d, "v@VER_1");
	ck_assert_int_eq(r.value, 6);
	r = pkr_policy_fault_return(d, "unlisted");
	ck_assert_int_eq(r.value, -5);
	ck_assert_int_eq(r.err, ENOMEM);

	/* versions: a line with the version wins, else the line without one */
	ck_assert_ptr_null(pkr_policy_function(d, "inherit@VER_9"));
	ck_assert_ptr_eq(pkr_policy_function(d, "v@@VER_1"), pkr_policy_function(d, "v@VER_1"));
	ck_assert_ptr_null(pkr_policy_function(d, "v@VER_2"));
	ck_assert_ptr_null(pkr_policy_function(d, "v@"));
	ck_assert_ptr_null(pkr_policy_function(d, "p@V"));
	ck_assert_ptr_null(pkr_policy_function(d, "p@V22"));
	r = pkr_policy_fault_return(d, "inherit@VER_9");     /* "inherit" */
	ck_assert_int_eq(r.value, 3);
	ck_assert_int_eq(r.err, ENOMEM);
	r = pkr_policy_fault_return(d, "v@@VER_1");
	ck_assert_int_eq(r.value, 6);
	r = pkr_policy_fault_return(d, "v@VER_2");           /* no "v" line */
	ck_assert_int_eq(r.value, -5);
	r = pkr_policy_fault_return(d, "p@V2");
	ck_assert_int_eq(r.value, 11);
	ck_assert_int_eq(r.err, EIO);
	r = pkr_policy_fault_return(d, "p@V3");
	ck_assert_int_eq(r.value, 10);
	ck_assert_int_eq(r.err, ENOMEM);
	r = pkr_policy_fault_return(d, "p");
	ck_assert_int_eq(r.value, 10);

	d = dom(1);                                         /* default -1 EFAULT */
	r = pkr_policy_fault_return(d, "x");
	ck_assert_int_eq(r.value, 7);
	ck_assert_int_eq(r.err, EFAULT);
	r = pkr_policy_fault_return(d, "other");
	ck_assert_int_eq(r.value, -1);
	ck_assert_int_eq(r.err, EFAULT);
	ck_assert(!r.is_void);
	ck_assert_ptr_null(pkr_policy_function(d, "own"));

	d = dom(2);
	r = pkr_policy_fault_return(d, "y");
	ck_assert_int_eq(r.value, 8);
	ck_assert(!r.is_void);
	ck_assert_int_eq(r.err, PKR_ERRNO_KEEP);
	r = pkr_policy_fault_return(d, "z");
	ck_assert(r.is_void);
	ck_assert_int_eq(r.err, PKR_ERRNO_KEEP);

	/* `fault-return void` without errno: errno left alone, and a
	 * function with a value gets EFAULT (the domain names no errno) */
	d = dom(3);
	r = pkr_policy_fault_return(d, "unlisted");
	ck_assert(r.is_void);
	ck_assert_int_eq(r.err, PKR_ERRNO_KEEP);
	r = pkr_policy_fault_return(d, "w");
	ck_assert(!r.is_void);
	ck_assert_int_eq(r.value, 9);
	ck_assert_int_eq(r.err, EFAULT);
	r = pkr_policy_fault_return(d, "u");
	ck_assert(r.is_void);
	ck_assert_int_eq(r.err, PKR_ERRNO_KEEP);
}
END_TEST

/* ==== libraries ======================================================== */

START_TEST(test_library_forms)
{
	expect_ok("domain a\n"
		  "library liblzma.so.5\n"
		  "library /usr/lib/x86_64-linux-gnu/libz.so.1\n"
		  "library libbz2*\n"
		  "library /opt/*/lib?.so\n"
		  "library lib[xy].so\n"
		  "domain b\n"
		  "library liblzma.so\n");
	ck_assert_uint_eq(dom(0)->nlibraries, 5);
	ck_assert_str_eq(dom(0)->libraries[3], "/opt/*/lib?.so");
	ck_assert_uint_eq(dom(1)->nlibraries, 1);
}
END_TEST

START_TEST(test_library_matches)
{
	const char *lz = "/usr/lib/x86_64-linux-gnu/liblzma.so.5";

	/* soname: against the soname or the basename of the path */
	ck_assert(pkr_policy_library_matches("liblzma.so.5", lz, "liblzma.so.5"));
	ck_assert(pkr_policy_library_matches("liblzma.so.5", lz, NULL));
	ck_assert(pkr_policy_library_matches("liblzma.so.5", "/x/liblzma.so.5.4.1", "liblzma.so.5"));
	ck_assert(pkr_policy_library_matches("liblzma.so.5", "liblzma.so.5", NULL));
	ck_assert(!pkr_policy_library_matches("liblzma.so.5", "/x/liblzma.so.5.4.1", NULL));
	ck_assert(!pkr_policy_library_matches("liblzma.so", lz, "liblzma.so.5"));
	ck_assert(!pkr_policy_library_matches("lzma.so.5", lz, "liblzma.so.5"));
	ck_assert(!pkr_policy_library_matches("liblzma.so.5", NULL, NULL));
	ck_assert(pkr_policy_library_matches("liblzma.so.5", NULL, "liblzma.so.5"));
	/* absolute path: the same path (files that need not exist; see
	 * test_library_symlinks for paths that differ but name one file) */
	ck_assert(pkr_policy_library_matches(lz, lz, "liblzma.so.5"));
	ck_assert(pkr_policy_library_matches("/nonexistent/pkr/liba.so", "/nonexistent/pkr/liba.so", NULL));
	ck_assert(!pkr_policy_library_matches("/nonexistent/pkr/liba.so", "/nonexistent/pkr/libb.so", "liba.so"));
	ck_assert(!pkr_policy_library_matches("/nonexistent/pkr/liba.so", "/nonexistent/liba.so", NULL));
	ck_assert(!pkr_policy_library_matches("/nonexistent/pkr/", "/nonexistent/pkr/liba.so", NULL));
	ck_assert(!pkr_policy_library_matches("/nonexistent/pkr/liba.so", NULL, "liba.so"));
	/* glob without '/': soname or basename */
	ck_assert(pkr_policy_library_matches("liblzma.so.*", lz, NULL));
	ck_assert(pkr_policy_library_matches("liblzma.so.*", "/x/other.so", "liblzma.so.5"));
	ck_assert(pkr_policy_library_matches("lib?zma.so.[0-9]", lz, NULL));
	ck_assert(pkr_policy_library_matches("*", lz, NULL));
	ck_assert(!pkr_policy_library_matches("libz.so.*", lz, "liblzma.so.5"));
	ck_assert(!pkr_policy_library_matches("lib[xy]zma.so.5", lz, "liblzma.so.5"));
	/* glob with a leading '/': the full path, '*' within one component */
	ck_assert(pkr_policy_library_matches("/usr/lib/*/liblzma.so.*", lz, NULL));
	ck_assert(!pkr_policy_library_matches("/usr/*/liblzma.so.5", lz, NULL));
	ck_assert(!pkr_policy_library_matches("/usr/lib/*/liblzma.so.*", "liblzma.so.5", "liblzma.so.5"));
	/* nothing */
	ck_assert(!pkr_policy_library_matches("", lz, "liblzma.so.5"));
	ck_assert(!pkr_policy_library_matches(NULL, lz, "liblzma.so.5"));
}
END_TEST

/* An absolute spec and the loaded object's path name the same file
 * through symbolic links: the shim passes realpath()s, a policy names
 * e.g. the soname link /usr/lib/x86_64-linux-gnu/liblzma.so.5. */
START_TEST(test_library_symlinks)
{
	char dir[] = "/tmp/pkr-policy-XXXXXX";
	char real[PATH_MAX], soname_link[PATH_MAX], dev_link[PATH_MAX], dirlink[PATH_MAX];
	char via_dirlink[PATH_MAX], dotdot[PATH_MAX], other[PATH_MAX], hard[PATH_MAX];
	char dangling[PATH_MAX], missing[PATH_MAX], glob[PATH_MAX], sys[PATH_MAX];
	char physical[PATH_MAX];
	const char *lz = "/usr/lib/x86_64-linux-gnu/liblzma.so.5";
	int fd;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(real, sizeof real, "%s/libpkr.so.1.2.3", dir);
	snprintf(soname_link, sizeof soname_link, "%s/libpkr.so.1", dir);
	snprintf(dev_link, sizeof dev_link, "%s/libpkr.so", dir);
	snprintf(dirlink, sizeof dirlink, "%s/lib64", dir);
	snprintf(via_dirlink, sizeof via_dirlink, "%s/lib64/libpkr.so.1", dir);
	/* "/tmp/pkr-policy-X/../pkr-policy-X/libpkr.so.1.2.3" */
	snprintf(dotdot, sizeof dotdot, "%s/../%s/libpkr.so.1.2.3", dir, strrchr(dir, '/') + 1);
	snprintf(other, sizeof other, "%s/libother.so.1", dir);
	snprintf(hard, sizeof hard, "%s/libhard.so.1", dir);
	snprintf(dangling, sizeof dangling, "%s/libgone.so.1", dir);
	snprintf(missing, sizeof missing, "%s/libgone.so.1.0", dir);
	fd = open(real, O_WRONLY | O_CREAT | O_EXCL, 0644);
	ck_assert_int_ge(fd, 0);
	close(fd);
	fd = open(other, O_WRONLY | O_CREAT | O_EXCL, 0644);
	ck_assert_int_ge(fd, 0);
	close(fd);
	ck_assert_int_eq(symlink("libpkr.so.1.2.3", soname_link), 0);   /* relative */
	ck_assert_int_eq(symlink(soname_link, dev_link), 0);           /* a chain */
	ck_assert_int_eq(symlink(".", dirlink), 0);
	ck_assert_int_eq(link(real, hard), 0);
	ck_assert_int_eq(symlink("libgone.so.1.0", dangling), 0);

	/* the spec is the link, the path the resolved file (the shim's case) */
	ck_assert(pkr_policy_library_matches(soname_link, real, "libpkr.so.1"));
	ck_assert(pkr_policy_library_matches(dev_link, real, NULL));
	ck_assert(pkr_policy_library_matches(via_dirlink, real, NULL));
	ck_assert(pkr_policy_library_matches(dotdot, real, NULL));
	/* ".." after a link is the link target's parent, as for open(2) */
	snprintf(physical, sizeof physical, "%s/lib64/../libpkr.so.1.2.3", dir);
	ck_assert(!pkr_policy_library_matches(physical, real, NULL));
	/* ... or the other way round, or links on both sides */
	ck_assert(pkr_policy_library_matches(real, soname_link, NULL));
	ck_assert(pkr_policy_library_matches(dev_link, via_dirlink, NULL));
	/* another file, a hard link (another path), a dangling link */
	ck_assert(!pkr_policy_library_matches(soname_link, other, "libpkr.so.1"));
	ck_assert(!pkr_policy_library_matches(other, real, NULL));
	ck_assert(!pkr_policy_library_matches(hard, real, NULL));
	ck_assert(!pkr_policy_library_matches(dangling, missing, NULL));
	ck_assert(pkr_policy_library_matches(dangling, dangling, NULL));
	/* a directory is not the file in it */
	ck_assert(!pkr_policy_library_matches(dirlink, real, NULL));
	/* an absolute glob is matched against the path as given */
	snprintf(glob, sizeof glob, "%s/libpkr.so.[0-9]", dir);
	ck_assert(!pkr_policy_library_matches(glob, real, NULL));
	ck_assert(pkr_policy_library_matches(glob, soname_link, NULL));
	snprintf(glob, sizeof glob, "%s/libpkr.so.[0-9]*", dir);
	ck_assert(pkr_policy_library_matches(glob, real, NULL));
	/* errno is left alone, also when realpath fails */
	errno = EINTR;
	ck_assert(!pkr_policy_library_matches(dangling, "/nonexistent/pkr/x.so", NULL));
	ck_assert_int_eq(errno, EINTR);

	/* The system's own soname link, where it is one (Debian: liblzma.so.5
	 * -> liblzma.so.5.4.x). */
	if (realpath(lz, sys) && strcmp(sys, lz) != 0) {
		ck_assert(pkr_policy_library_matches(lz, sys, "liblzma.so.5"));
		ck_assert(!pkr_policy_library_matches(lz, real, "liblzma.so.5"));
	}

	ck_assert_int_eq(unlink(dangling), 0);
	ck_assert_int_eq(unlink(hard), 0);
	ck_assert_int_eq(unlink(dirlink), 0);
	ck_assert_int_eq(unlink(dev_link), 0);
	ck_assert_int_eq(unlink(soname_link), 0);
	ck_assert_int_eq(unlink(other), 0);
	ck_assert_int_eq(unlink(real), 0);
	ck_assert_int_eq(rmdir(dir), 0);
}
END_TEST

/* Where each library SPEC stands, included files too. */
START_TEST(test_library_pos)
{
	static const struct memfile files[] = {
		{ "sub/libs.inc", "# more\n\tlibrary libinc.so.1\n  library  /opt/x/libj.so\n" },
	};
	struct memfs fs = { .files = files, .nfiles = 1 };
	const struct pkr_domain_policy *d;

	parse_fs("domain a\n"
		 "library liba.so.1\n"
		 "    library\t/usr/lib/libb.so.2 # comment\n"
		 "include sub/libs.inc\n"
		 "\r\n"
		 "\tlibrary lib[cd]*.so\r\n"
		 "domain b\n"
		 "heap 1M\n"
		 "  library libe.so\n", &fs);
	ck_assert_msg(pol != NULL, "%s", diags.n ? diag(0) : "");
	d = dom(0);
	ck_assert_uint_eq(d->nlibraries, 5);
	ck_assert_ptr_nonnull(d->library_pos);
	static const struct {
		const char *spec, *file;
		unsigned line, col;
	} want[] = {
		{ "liba.so.1", "t.policy", 2, 9 },
		{ "/usr/lib/libb.so.2", "t.policy", 3, 13 },
		{ "libinc.so.1", "sub/libs.inc", 2, 10 },
		{ "/opt/x/libj.so", "sub/libs.inc", 3, 12 },
		{ "lib[cd]*.so", "t.policy", 6, 10 },
	};
	for (size_t i = 0; i < 5; i++) {
		ck_assert_str_eq(d->libraries[i], want[i].spec);
		ck_assert_str_eq(d->library_pos[i].file, want[i].file);
		ck_assert_uint_eq(d->library_pos[i].line, want[i].line);
		ck_assert_uint_eq(d->library_pos[i].col, want[i].col);
	}
	ck_assert_str_eq(d->file, "t.policy");
	d = dom(1);
	ck_assert_uint_eq(d->nlibraries, 1);
	ck_assert_str_eq(d->library_pos[0].file, "t.policy");
	ck_assert_uint_eq(d->library_pos[0].line, 9);
	ck_assert_uint_eq(d->library_pos[0].col, 11);

	/* many libraries: the positions grow with the names */
	char text[8192];
	size_t n = (size_t)snprintf(text, sizeof text, "domain many\n");
	for (int i = 0; i < PKR_MAX_LIBRARIES; i++)
		n += (size_t)snprintf(text + n, sizeof text - n, "%*slibrary lib%d.so\n", i % 7, "", i);
	expect_ok(text);
	d = dom(0);
	ck_assert_uint_eq(d->nlibraries, PKR_MAX_LIBRARIES);
	for (int i = 0; i < PKR_MAX_LIBRARIES; i++) {
		char name[32];

		snprintf(name, sizeof name, "lib%d.so", i);
		ck_assert_str_eq(d->libraries[i], name);
		ck_assert_uint_eq(d->library_pos[i].line, (unsigned)i + 2);
		ck_assert_uint_eq(d->library_pos[i].col, (unsigned)(i % 7) + 9);
	}
}
END_TEST

/* At most PKR_MAX_LIBRARIES library lines in a domain. */
START_TEST(test_library_limit)
{
	char text[4096], want[128];
	size_t n = (size_t)snprintf(text, sizeof text, "domain many\n");

	for (int i = 1; i <= PKR_MAX_LIBRARIES; i++)
		n += (size_t)snprintf(text + n, sizeof text - n, "library lib%d.so\n", i);
	expect_ok(text);
	ck_assert_uint_eq(dom(0)->nlibraries, PKR_MAX_LIBRARIES);
	snprintf(text + n, sizeof text - n, "library one-too-many.so\n");
	snprintf(want, sizeof want, "t.policy:%d:9: at most %d libraries in a domain",
		 PKR_MAX_LIBRARIES + 2, PKR_MAX_LIBRARIES);
	expect_error(text, want);
}
END_TEST

/* ==== domains ========================================================== */

START_TEST(test_fifteen_domains)
{
	char text[4096];
	size_t n = 0;

	for (int i = 1; i <= 15; i++)
		n += (size_t)snprintf(text + n, sizeof text - n, "domain d%d\nlibrary lib%d.so\n", i, i);
	expect_ok(text);
	ck_assert_uint_eq(pol->ndomains, PKR_MAX_DOMAINS);
	ck_assert_str_eq(dom(14)->name, "d15");
	ck_assert_str_eq(dom(14)->libraries[0], "lib15.so");
	ck_assert_uint_eq(dom(14)->line, 29);

	/* A 16th: one error at its domain line. */
	n += (size_t)snprintf(text + n, sizeof text - n, "domain d16\nlibrary lib16.so\n");
	parse(text);
	ck_assert_ptr_null(pol);
	ck_assert_uint_eq(diags.nerrors, 1);
	ck_assert_str_eq(diag(0), "t.policy:31:1: at most 15 domains: the hardware has 16 "
			 "protection keys and key 0 is the program's");
	/* and only one for a 17th */
	snprintf(text + n, sizeof text - n, "domain d17\nlibrary lib17.so\n");
	parse(text);
	ck_assert_uint_eq(diags.nerrors, 1);
	/* a 16th domain line that is a mistake of its own is not counted */
	snprintf(text + n - 28, sizeof text - n + 28, "domain d1\nlibrary lib16.so\n");
	parse(text);
	ck_assert_uint_eq(diags.nerrors, 1);
	ck_assert_str_eq(diag(0), "t.policy:31:8: duplicate domain 'd1' (first at t.policy:1)");
}
END_TEST

START_TEST(test_domain_names)
{
	char name[80], text[256];

	expect_ok("domain _a.b-c_9\nlibrary x\n");
	ck_assert_str_eq(dom(0)->name, "_a.b-c_9");
	memset(name, 'n', 63);
	name[63] = '\0';
	snprintf(text, sizeof text, "domain %s\nlibrary x\n", name);
	expect_ok(text);
	ck_assert_uint_eq(strlen(dom(0)->name), 63);
	snprintf(text, sizeof text, "domain %sn\nlibrary x\n", name);
	parse(text);
	ck_assert_ptr_null(pol);
	ck_assert_uint_eq(diags.nerrors, 1);
	snprintf(text, sizeof text, "t.policy:1:8: domain name '%sn' is too long (64 bytes; at most 63)",
		 name);
	ck_assert_str_eq(diag(0), text);
}
END_TEST

/* ==== errors: a table, one loop test per row ============================ */

#define T(s) s, sizeof(s) - 1

static const struct error_case {
	const char *text;
	size_t len;
	const char *want;
} error_cases[] = {
	/* outside a domain block */
	{ T("library x\n"), "t.policy:1:1: 'library' outside a domain block" },
	{ T("trusted-memory read\n"), "t.policy:1:1: 'trusted-memory' outside a domain block" },
	{ T("on-fault abort\n"), "t.policy:1:1: 'on-fault' outside a domain block" },
	{ T("max-faults 3\n"), "t.policy:1:1: 'max-faults' outside a domain block" },
	{ T("heap 64M\n"), "t.policy:1:1: 'heap' outside a domain block" },
	{ T("  stack 1M\n"), "t.policy:1:3: 'stack' outside a domain block" },
	{ T("stack-args 64\n"), "t.policy:1:1: 'stack-args' outside a domain block" },
	{ T("fault-return 0\n"), "t.policy:1:1: 'fault-return' outside a domain block" },
	{ T("function f\n"), "t.policy:1:1: 'function' outside a domain block" },

	/* unknown directives, with and without a suggestion */
	{ T(D "libary y\n"), "t.policy:3:1: unknown directive 'libary' (did you mean 'library'?)" },
	{ T(D "fucntion f\n"), "t.policy:3:1: unknown directive 'fucntion' (did you mean 'function'?)" },
	{ T(D "Heap 1M\n"), "t.policy:3:1: unknown directive 'Heap' (did you mean 'heap'?)" },
	{ T(D "stackargs 8\n"), "t.policy:3:1: unknown directive 'stackargs' (did you mean 'stack-args'?)" },
	{ T(D "trusted_memory read\n"), "t.policy:3:1: unknown directive 'trusted_memory' (did you mean 'trusted-memory'?)" },
	{ T(D "onfault abort\n"), "t.policy:3:1: unknown directive 'onfault' (did you mean 'on-fault'?)" },
	{ T(D "max-fault 1\n"), "t.policy:3:1: unknown directive 'max-fault' (did you mean 'max-faults'?)" },
	{ T(D "faultreturn 1\n"), "t.policy:3:1: unknown directive 'faultreturn' (did you mean 'fault-return'?)" },
	{ T("domian a\n"), "t.policy:1:1: unknown directive 'domian' (did you mean 'domain'?)" },
	{ T("inclued x\n"), "t.policy:1:1: unknown directive 'inclued' (did you mean 'include'?)" },
	{ T(D "xyzzy 1\n"), "t.policy:3:1: unknown directive 'xyzzy'" },
	{ T("\t  sandbox\n"), "t.policy:1:4: unknown directive 'sandbox'" },

	/* trusted-memory, on-fault */
	{ T(D "trusted-memory raed\n"), "t.policy:3:16: unknown trusted-memory mode 'raed' (did you mean 'read'?)" },
	{ T(D "trusted-memory wirte\n"), "t.policy:3:16: unknown trusted-memory mode 'wirte' (did you mean 'write'?)" },
	{ T(D "trusted-memory nothing\n"), "t.policy:3:16: unknown trusted-memory mode 'nothing' (expected read, write or none)" },
	{ T(D "trusted-memory\n"), "t.policy:3:15: missing trusted-memory mode after 'trusted-memory'" },
	{ T(D "trusted-memory read x\n"), "t.policy:3:21: unexpected 'x' after 'trusted-memory read'" },
	{ T(D "on-fault rewnd\n"), "t.policy:3:10: unknown on-fault action 'rewnd' (did you mean 'rewind'?)" },
	{ T(D "on-fault explode\n"), "t.policy:3:10: unknown on-fault action 'explode' (expected rewind, reset or abort)" },
	{ T(D "exceptions swallow\n"), "t.policy:3:12: unknown exceptions choice 'swallow' (expected propagate or fault)" },
	{ T(D "on-fault\n"), "t.policy:3:9: missing on-fault action after 'on-fault'" },
	{ T(D "on-fault abort now\n"), "t.policy:3:16: unexpected 'now' after 'on-fault abort'" },

	/* max-faults */
	{ T(D "max-faults -1\n"), "t.policy:3:12: invalid max-faults '-1' (expected a number 0..1000000000)" },
	{ T(D "max-faults 10x\n"), "t.policy:3:12: invalid max-faults '10x' (expected a number 0..1000000000)" },
	{ T(D "max-faults 1000000001\n"), "t.policy:3:12: max-faults '1000000001' is out of range (0..1000000000)" },
	{ T(D "max-faults 99999999999999999999999\n"), "t.policy:3:12: max-faults '99999999999999999999999' is out of range (0..1000000000)" },
	{ T(D "max-faults\n"), "t.policy:3:11: missing number of faults after 'max-faults'" },
	{ T(D "max-faults 1 2\n"), "t.policy:3:14: unexpected '2' after 'max-faults 1'" },

	/* sizes: just past the limits */
	{ T(D "heap 65535\n"), "t.policy:3:6: heap '65535' is out of range (64K..64G)" },
	{ T(D "heap 63K\n"), "t.policy:3:6: heap '63K' is out of range (64K..64G)" },
	{ T(D "heap 68719476737\n"), "t.policy:3:6: heap '68719476737' is out of range (64K..64G)" },
	{ T(D "heap 65G\n"), "t.policy:3:6: heap '65G' is out of range (64K..64G)" },
	{ T(D "heap 0\n"), "t.policy:3:6: heap '0' is out of range (64K..64G)" },
	{ T(D "stack 65535\n"), "t.policy:3:7: stack '65535' is out of range (64K..1G)" },
	{ T(D "stack 1073741825\n"), "t.policy:3:7: stack '1073741825' is out of range (64K..1G)" },
	{ T(D "stack 1025M\n"), "t.policy:3:7: stack '1025M' is out of range (64K..1G)" },
	{ T(D "stack-args 4104\n"), "t.policy:3:12: stack-args '4104' is out of range (0..4096)" },
	{ T(D "stack-args 5K\n"), "t.policy:3:12: stack-args '5K' is out of range (0..4096)" },
	{ T(D "stack-args 12\n"), "t.policy:3:12: stack-args '12' is not a multiple of 8" },
	{ T(D "stack-args 4095\n"), "t.policy:3:12: stack-args '4095' is not a multiple of 8" },
	{ T(D "lend 65G\n"), "t.policy:3:6: lend '65G' is out of range (0..64G)" },
	{ T(D "lend nevermore\n"), "t.policy:3:6: invalid size 'nevermore' for 'lend' (expected a number with an optional K, M or G suffix, e.g. 64K, or 'never')" },
	{ T(D "lend\n"), "t.policy:3:5: missing size or 'never' after 'lend'" },
	{ T(D "lend never 1M\n"), "t.policy:3:12: unexpected '1M' after 'lend never'" },
	{ T(D "heap 99999999999999999999999K\n"), "t.policy:3:6: heap '99999999999999999999999K' is out of range (64K..64G)" },
	{ T(D "heap 18014398509481984G\n"), "t.policy:3:6: heap '18014398509481984G' is out of range (64K..64G)" },
	/* sizes: syntax */
	{ T(D "heap 64X\n"), "t.policy:3:6: invalid size '64X' for 'heap' (expected a number with an optional K, M or G suffix, e.g. 64M)" },
	{ T(D "heap 64Ki\n"), "t.policy:3:6: invalid size '64Ki' for 'heap' (expected a number with an optional K, M or G suffix, e.g. 64M)" },
	{ T(D "heap 64KiBB\n"), "t.policy:3:6: invalid size '64KiBB' for 'heap' (expected a number with an optional K, M or G suffix, e.g. 64M)" },
	{ T(D "heap 64iB\n"), "t.policy:3:6: invalid size '64iB' for 'heap' (expected a number with an optional K, M or G suffix, e.g. 64M)" },
	{ T(D "heap 65536iB\n"), "t.policy:3:6: invalid size '65536iB' for 'heap' (expected a number with an optional K, M or G suffix, e.g. 64M)" },
	{ T(D "heap 64Kb\n"), "t.policy:3:6: invalid size '64Kb' for 'heap' (expected a number with an optional K, M or G suffix, e.g. 64M)" },
	{ T(D "heap 64KIB\n"), "t.policy:3:6: invalid size '64KIB' for 'heap' (expected a number with an optional K, M or G suffix, e.g. 64M)" },
	{ T(D "heap 64kib\n"), "t.policy:3:6: invalid size '64kib' for 'heap' (expected a number with an optional K, M or G suffix, e.g. 64M)" },
	{ T(D "heap 65536b\n"), "t.policy:3:6: invalid size '65536b' for 'heap' (expected a number with an optional K, M or G suffix, e.g. 64M)" },
	{ T(D "heap 1T\n"), "t.policy:3:6: invalid size '1T' for 'heap' (expected a number with an optional K, M or G suffix, e.g. 64M)" },
	{ T(D "heap M\n"), "t.policy:3:6: invalid size 'M' for 'heap' (expected a number with an optional K, M or G suffix, e.g. 64M)" },
	{ T(D "heap -64M\n"), "t.policy:3:6: invalid size '-64M' for 'heap' (expected a number with an optional K, M or G suffix, e.g. 64M)" },
	{ T(D "heap 64M#c\n"), "t.policy:3:6: invalid size '64M#c' for 'heap' (expected a number with an optional K, M or G suffix, e.g. 64M)" },
	{ T(D "stack 1.5M\n"), "t.policy:3:7: invalid size '1.5M' for 'stack' (expected a number with an optional K, M or G suffix, e.g. 1M)" },
	{ T(D "stack-args 8 bytes\n"), "t.policy:3:14: unexpected 'bytes' after 'stack-args 8'" },
	{ T(D "heap\n"), "t.policy:3:5: missing size after 'heap'" },
	{ T(D "heap   # nothing\n"), "t.policy:3:5: missing size after 'heap'" },

	/* fault-return VALUE */
	{ T(D "fault-return\n"), "t.policy:3:13: missing value after 'fault-return'" },
	{ T(D "fault-return viod\n"), "t.policy:3:14: invalid fault-return value 'viod' (did you mean 'void'?)" },
	{ T(D "fault-return nul\n"), "t.policy:3:14: invalid fault-return value 'nul' (did you mean 'null'?)" },
	{ T(D "fault-return 1x\n"), "t.policy:3:14: invalid fault-return value '1x' (expected an integer, 'null' or 'void')" },
	{ T(D "fault-return 0x\n"), "t.policy:3:14: invalid fault-return value '0x' (expected an integer, 'null' or 'void')" },
	{ T(D "fault-return --1\n"), "t.policy:3:14: invalid fault-return value '--1' (expected an integer, 'null' or 'void')" },
	{ T(D "fault-return +1\n"), "t.policy:3:14: invalid fault-return value '+1' (expected an integer, 'null' or 'void')" },
	{ T(D "fault-return 0x-1\n"), "t.policy:3:14: invalid fault-return value '0x-1' (expected an integer, 'null' or 'void')" },
	{ T(D "fault-return 0xfg\n"), "t.policy:3:14: invalid fault-return value '0xfg' (expected an integer, 'null' or 'void')" },
	{ T(D "fault-return 9223372036854775808\n"), "t.policy:3:14: fault-return value '9223372036854775808' is out of range (a signed 64-bit integer)" },
	{ T(D "fault-return -9223372036854775809\n"), "t.policy:3:14: fault-return value '-9223372036854775809' is out of range (a signed 64-bit integer)" },
	{ T(D "fault-return 0x8000000000000000\n"), "t.policy:3:14: fault-return value '0x8000000000000000' is out of range (a signed 64-bit integer)" },
	{ T(D "fault-return -0x8000000000000001\n"), "t.policy:3:14: fault-return value '-0x8000000000000001' is out of range (a signed 64-bit integer)" },
	{ T(D "fault-return 0x10000000000000000\n"), "t.policy:3:14: fault-return value '0x10000000000000000' is out of range (a signed 64-bit integer)" },
	{ T(D "fault-return 18446744073709551616\n"), "t.policy:3:14: fault-return value '18446744073709551616' is out of range (a signed 64-bit integer)" },
	/* fault-return ... errno E */
	{ T(D "fault-return 1 errno\n"), "t.policy:3:21: missing errno after 'fault-return 1 errno'" },
	{ T(D "fault-return 1 erno EIO\n"), "t.policy:3:16: unknown keyword 'erno' (did you mean 'errno'?)" },
	{ T(D "fault-return 1 because\n"), "t.policy:3:16: unexpected 'because' after 'fault-return 1'" },
	{ T(D "fault-return 1 errno EIO x\n"), "t.policy:3:26: unexpected 'x' after 'fault-return 1 errno EIO'" },
	{ T(D "fault-return 1 errno EIOO\n"), "t.policy:3:22: unknown errno name 'EIOO' (did you mean 'EIO'?)" },
	{ T(D "fault-return 1 errno eio\n"), "t.policy:3:22: unknown errno name 'eio' (did you mean 'EIO'?)" },
	{ T(D "fault-return 1 errno ENOMEN\n"), "t.policy:3:22: unknown errno name 'ENOMEN' (did you mean 'ENOMEM'?)" },
	{ T(D "fault-return 1 errno kep\n"), "t.policy:3:22: unknown errno name 'kep' (did you mean 'keep'?)" },
	{ T(D "fault-return 1 errno XYZZY\n"), "t.policy:3:22: unknown errno name 'XYZZY' (expected a name such as EIO, a number 0..4095 or 'keep')" },
	{ T(D "fault-return 1 errno 4096\n"), "t.policy:3:22: errno 4096 is out of range (0..4095)" },
	{ T(D "fault-return 1 errno 12a\n"), "t.policy:3:22: invalid errno '12a' (expected a name such as EIO, a number 0..4095 or 'keep')" },

	/* function */
	{ T(D "function\n"), "t.policy:3:9: missing function name after 'function'" },
	{ T(D "function f(int)\n"), "t.policy:3:12: unknown annotation 'int' (did you mean 'in'?)" },
	{ T(D "function f (in x[1]) fault-return 1\n"), "t.policy:3:16: expected '[' and a length, not 'x'" },
	{ T(D "function f (in [arg0])\n"), "t.policy:3:17: 'arg0' is not an argument (arg1 to arg10)" },
	{ T(D "function f (in [arg11])\n"), "t.policy:3:17: 'arg11' is not an argument (arg1 to arg10)" },
	{ T(D "function f (in [4]\n"), "t.policy:3:19: expected ',' or ')' at the end of the line" },
	{ T(D "function f (in [4)\n"), "t.policy:3:18: expected ']' after the length, not ')'" },
	{ T(D "function f (in [arg2.u16])\n"), "t.policy:3:22: expected u32 or u64 after 'arg2.'" },
	{ T(D "function f (out [4 x 0])\n"), "t.policy:3:20: element size 0" },
	{ T(D "function f (-, sret 16)\n"), "t.policy:3:16: 'sret' is the first argument (the hidden pointer to the result), not argument 2" },
	{ T(D "function f (sret)\n"), "t.policy:3:17: expected sret size, not ')'" },
	{ T(D "function f (out [arg3 +])\n"), "t.policy:3:24: expected length offset, not ']'" },
	{ T(D "function f (out [arg3 * 2])\n"), "t.policy:3:23: expected ']' after the length, not '*'" },
	{ T(D "function f (ref [4])\n"), "t.policy:3:17: expected in, out or inout after 'ref'" },
	{ T(D "struct s size 8\nfunction f (struct s, ref out [8] keep)\n"), "t.policy:4:35: 'keep' and 'ref' do not go together" },
	{ T(D "function f (callbak)\n"), "t.policy:3:13: unknown annotation 'callbak' (did you mean 'callback'?)" },
	{ T(D "function f (struct s)\n"), "t.policy:3:20: no struct 's' in domain 'a'" },
	{ T(D "function f (struct)\n"), "t.policy:3:19: expected a struct name after 'struct', not ')'" },
	{ T(D "function f (out [arg2] keep)\n"), "t.policy:3:24: 'keep' needs a constant length of at most 64 bytes" },
	{ T(D "function f (out [8] keep)\n"), "t.policy:3:13: 'keep' needs a 'struct' argument in the same list (the copy lives as long as that struct's)" },
	{ T(D "stack-args 8\nfunction f (-, -, -, -, -, -, -, out [4])\n"), "t.policy:4:1: function f annotates arg8, on the stack, but 'stack-args' copies only 8 bytes (16 needed)" },
	{ T(D "function f (-,-,-,-,-,-,-,-,-,-,-)\n"), "t.policy:3:33: more than 10 arguments (annotations cover the six integer argument registers and four stacked words)" },
	{ T(D "field x 0 u32\n"), "t.policy:3:1: 'field' outside a struct (put it after a 'struct NAME size N' line)" },
	{ T(D "struct s\n"), "t.policy:3:9: missing 'size' after 'struct s'" },
	{ T(D "struct s size 0\n"), "t.policy:3:15: struct size 0" },
	{ T(D "struct s size 8\nfield x 4 u64\n"), "t.policy:4:9: field 'x' (8 bytes at offset 4) ends past the struct's size 8" },
	{ T(D "struct s size 8\nfield x 2 u32\n"), "t.policy:4:9: field 'x' at offset 2 is not aligned to 4 bytes" },
	{ T(D "struct s size 16\nfield p 0 in [n]\n"), "t.policy:4:15: struct 's' has no field 'n'" },
	{ T(D "struct s size 16\nfield p 0 in [q]\nfield q 8 in [4]\n"), "t.policy:4:15: field 'q' of struct 's' is not a number (declare it u32 or u64)" },
	{ T(D "struct s size 16\nfield p 0 in [arg1]\n"), "t.policy:4:15: a field's length names another field, not an argument" },
	{ T(D "struct s size 16\nfield p 0 outt [4]\n"), "t.policy:4:11: unknown annotation 'outt' (did you mean 'out'?)" },
	{ T(D "struct s size 8\nstruct s size 8\n"), "t.policy:4:8: duplicate struct 's' in domain 'a' (first at t.policy:3)" },
	{ T(D "struct s size 8\nfield x 0 u32\nfield x 4 u32\n"), "t.policy:5:7: duplicate field 'x' in struct 's'" },
	{ T(D "function f errno EIO\n"), "t.policy:3:12: 'errno' without 'fault-return' (write 'fault-return VALUE errno E')" },
	{ T(D "function f fault-retrun 1\n"), "t.policy:3:12: unknown keyword 'fault-retrun' (did you mean 'fault-return'?)" },
	{ T(D "function f erno EIO\n"), "t.policy:3:12: unknown keyword 'erno' (did you mean 'errno'?)" },
	{ T(D "function f -1\n"), "t.policy:3:12: unexpected '-1' after 'function f'" },
	{ T(D "function f fault-return\n"), "t.policy:3:24: missing value after 'function f fault-return'" },
	{ T(D "function f fault-return 1 errno\n"), "t.policy:3:32: missing errno after 'function f fault-return 1 errno'" },
	{ T(D "function f fault-return 1 erron EIO\n"), "t.policy:3:27: unknown keyword 'erron' (did you mean 'errno'?)" },
	{ T(D "function f fault-return 1 eror EIO\n"), "t.policy:3:27: unexpected 'eror' after 'function f fault-return 1'" },
	{ T(D "function f fault-return 1 errno EIO EIO\n"), "t.policy:3:37: unexpected 'EIO' after 'function f fault-return 1 errno EIO'" },
	{ T(D "function f fault-return 1 fault-return 2\n"), "t.policy:3:27: unexpected 'fault-return' after 'function f fault-return 1'" },
	{ T(D "function f fault-return x\n"), "t.policy:3:25: invalid fault-return value 'x' (expected an integer, 'null' or 'void')" },
	{ T(D "function 1f\n"), "t.policy:3:10: invalid function name '1f' (expected a C identifier, optionally followed by @VERSION)" },
	{ T(D "function a-b\n"), "t.policy:3:10: invalid function name 'a-b' (expected a C identifier, optionally followed by @VERSION)" },
	{ T(D "function a.b\n"), "t.policy:3:10: invalid function name 'a.b' (expected a C identifier, optionally followed by @VERSION)" },
	{ T(D "function f@\n"), "t.policy:3:10: invalid function name 'f@' (expected a C identifier, optionally followed by @VERSION)" },
	{ T(D "function f@@\n"), "t.policy:3:10: invalid function name 'f@@' (expected a C identifier, optionally followed by @VERSION)" },
	{ T(D "function f@@@V\n"), "t.policy:3:10: invalid function name 'f@@@V' (expected a C identifier, optionally followed by @VERSION)" },
	{ T(D "function f@V@@W\n"), "t.policy:3:10: invalid function name 'f@V@@W' (expected a C identifier, optionally followed by @VERSION)" },
	{ T(D "function @@V\n"), "t.policy:3:10: invalid function name '@@V' (expected a C identifier, optionally followed by @VERSION)" },
	{ T(D "function f@@V(int)\n"), "t.policy:3:15: unknown annotation 'int' (did you mean 'in'?)" },
	{ T(D "function f@V@W\n"), "t.policy:3:10: invalid function name 'f@V@W' (expected a C identifier, optionally followed by @VERSION)" },
	{ T(D "function @V\n"), "t.policy:3:10: invalid function name '@V' (expected a C identifier, optionally followed by @VERSION)" },
	{ T(D "function f\nfunction f fault-return 2\n"), "t.policy:4:10: duplicate function 'f' in domain 'a' (first at t.policy:3)" },

	/* domain */
	{ T("domain\n"), "t.policy:1:7: missing domain name after 'domain'" },
	{ T("domain 9a\nlibrary x\n"), "t.policy:1:8: invalid domain name '9a' (letters, digits, '_', '.' and '-', starting with a letter or '_')" },
	{ T("domain -a\nlibrary x\n"), "t.policy:1:8: invalid domain name '-a' (letters, digits, '_', '.' and '-', starting with a letter or '_')" },
	{ T("domain a/b\nlibrary x\n"), "t.policy:1:8: invalid domain name 'a/b' (letters, digits, '_', '.' and '-', starting with a letter or '_')" },
	{ T("domain a x\nlibrary y\n"), "t.policy:1:10: unexpected 'x' after 'domain a'" },
	{ T("domain a\n"), "t.policy:1:8: domain 'a' has no 'library' line" },
	{ T("domain   a\nheap 1M\ndomain b\nlibrary y\n"), "t.policy:1:10: domain 'a' has no 'library' line" },
	{ T(D "domain a\nlibrary y\n"), "t.policy:3:8: duplicate domain 'a' (first at t.policy:1)" },

	/* library */
	{ T(D "library lib/x.so\n"), "t.policy:3:9: library 'lib/x.so' is a relative path (give a soname, an absolute path or a glob)" },
	{ T(D "library ./x.so\n"), "t.policy:3:9: library './x.so' is a relative path (give a soname, an absolute path or a glob)" },
	{ T(D "library lib*/x.so\n"), "t.policy:3:9: library 'lib*/x.so' is a relative path (give a soname, an absolute path or a glob)" },
	{ T(D "library x\n"), "t.policy:3:9: duplicate library 'x' in domain 'a' (first at t.policy:2)" },
	{ T(D "domain b\nlibrary x\n"), "t.policy:4:9: library 'x' is already in domain 'a' (at t.policy:2)" },
	{ T(D "library\n"), "t.policy:3:8: missing soname, path or glob after 'library'" },
	{ T(D "library y z\n"), "t.policy:3:11: unexpected 'z' after 'library y'" },

	/* a directive given twice in a domain */
	{ T(D "trusted-memory none\ntrusted-memory none\n"), "t.policy:4:1: duplicate 'trusted-memory' in domain 'a' (first at t.policy:3)" },
	{ T(D "on-fault reset\n  on-fault abort\n"), "t.policy:4:3: duplicate 'on-fault' in domain 'a' (first at t.policy:3)" },
	{ T(D "max-faults 1\nmax-faults 1\n"), "t.policy:4:1: duplicate 'max-faults' in domain 'a' (first at t.policy:3)" },
	{ T(D "heap 1M\nheap 2M\n"), "t.policy:4:1: duplicate 'heap' in domain 'a' (first at t.policy:3)" },
	{ T(D "stack 1M\n\n\nstack 2M\n"), "t.policy:6:1: duplicate 'stack' in domain 'a' (first at t.policy:3)" },
	{ T(D "stack-args 8\nstack-args 16\n"), "t.policy:4:1: duplicate 'stack-args' in domain 'a' (first at t.policy:3)" },
	{ T(D "lend never\nlend 1M\n"), "t.policy:4:1: duplicate 'lend' in domain 'a' (first at t.policy:3)" },
	{ T(D "fault-return 0\nfault-return void\n"), "t.policy:4:1: duplicate 'fault-return' in domain 'a' (first at t.policy:3)" },

	/* include (no file may be read here) */
	{ T("include\n"), "t.policy:1:8: missing file name after 'include'" },
	{ T("include a b\n"), "t.policy:1:11: unexpected 'b' after 'include a'" },
	{ T("include nope.policy\n"), "t.policy:1:9: cannot read 'nope.policy': No such file or directory" },

	/* bytes */
	{ T("domain a\nlibrary x\0y\n"), "t.policy:2:10: NUL byte in policy" },
	{ T("domain a\nlibrary x\n\0\n"), "t.policy:3:1: NUL byte in policy" },
	{ T("domain a\nlibrary x   # com\0ment\n"), "t.policy:2:18: NUL byte in policy" },
	{ T("domain caf\xc3\xa9\nlibrary x\n"), "t.policy:1:11: invalid character (byte 0xc3)" },
	{ T("domain a\nlibrary \xff\n"), "t.policy:2:9: invalid character (byte 0xff)" },
	{ T("domain a\x01\nlibrary x\n"), "t.policy:1:9: invalid character (byte 0x01)" },
	{ T("domain a\x7f\nlibrary x\n"), "t.policy:1:9: invalid character (byte 0x7f)" },
	{ T(D "\x0bheap 1M\n"), "t.policy:3:1: invalid character (byte 0x0b)" },
	{ T("domain a\rb\nlibrary x\n"), "t.policy:1:9: invalid character (byte 0x0d)" },
	{ T("domain a\nlibrary x\n\r\r\n"), "t.policy:3:1: invalid character (byte 0x0d)" },
};

START_TEST(test_error_table)
{
	const struct error_case *c = &error_cases[_i];

	parse_named("t.policy", c->text, c->len, NULL);
	ck_assert_msg(pol == NULL, "row %d parsed", _i);
	ck_assert_msg(diags.nerrors == 1, "row %d: %zu errors, first: %s", _i, diags.nerrors,
		      diags.n ? diag(0) : "-");
	ck_assert_str_eq(diag(0), c->want);
}
END_TEST

/* ==== lexical matters ================================================== */

START_TEST(test_empty_and_comments)
{
	expect_ok("");
	ck_assert_uint_eq(pol->ndomains, 0);
	ck_assert_ptr_nonnull(pol->domains);
	parse_named("t.policy", NULL, 0, NULL);
	ck_assert_ptr_nonnull(pol);
	ck_assert_uint_eq(pol->ndomains, 0);
	expect_ok("# nothing\n\n   \t\n#domain x\n  # library y\n");
	ck_assert_uint_eq(pol->ndomains, 0);
	expect_ok("\n\n\n");
	expect_ok("domain a\nlibrary x");                   /* no final newline */
	ck_assert_str_eq(dom(0)->libraries[0], "x");
	expect_ok("domain a\nlibrary lib#1.so\n");         /* '#' inside a token */
	ck_assert_str_eq(dom(0)->libraries[0], "lib#1.so");
	expect_ok("domain\ta\t# tabs\nlibrary\t\tx\t\n");
	/* '#' starts a comment only where a token would start */
	expect_ok("domain a #c\n\tlibrary x\t#c\n  heap 1M #c #d\n#\n");
	ck_assert_str_eq(dom(0)->libraries[0], "x");
	ck_assert_uint_eq(dom(0)->heap, 1u << 20);
	expect_error(D "heap#1M\n", "t.policy:3:1: unknown directive 'heap#1M'");
	expect_error("domain a#b\nlibrary x\n", "t.policy:1:8: invalid domain name 'a#b' "
		     "(letters, digits, '_', '.' and '-', starting with a letter or '_')");
	expect_ok("# caf\xc3\xa9 \xff\x01 bytes in a comment\ndomain a\nlibrary x\n");
}
END_TEST

START_TEST(test_crlf)
{
	const char *lf = "domain a\nlibrary liba.so\nheap 1M   # c\n\nfunction f fault-return 3 errno EIO\n";
	const char *crlf = "domain a\r\nlibrary liba.so\r\nheap 1M   # c\r\n\r\nfunction f fault-return 3 errno EIO\r\n";
	struct pkr_domain_policy a;
	struct pkr_func_policy fa;

	expect_ok(lf);
	a = *dom(0);
	fa = a.functions[0];
	ck_assert_uint_eq(a.heap, 1u << 20);
	expect_ok(crlf);
	ck_assert_str_eq(dom(0)->name, "a");
	ck_assert_str_eq(dom(0)->libraries[0], "liba.so");
	ck_assert_uint_eq(dom(0)->heap, a.heap);
	ck_assert_uint_eq(dom(0)->functions[0].line, fa.line);
	ck_assert_int_eq(dom(0)->functions[0].ret.err, EIO);
	ck_assert_int_eq(dom(0)->functions[0].ret.value, 3);
	/* a last line ending in CR alone */
	expect_ok("domain a\r\nlibrary x\r");
	ck_assert_str_eq(dom(0)->libraries[0], "x");
	/* columns count bytes as usual */
	parse("domain a\r\nlibrary x\r\nheap 1\r\n");
	ck_assert_str_eq(diag(0), "t.policy:3:6: heap '1' is out of range (64K..64G)");
}
END_TEST

START_TEST(test_token_length)
{
	static char text[120 * 1024];
	char tok[300];

	memset(tok, 'a', 255);
	tok[255] = '\0';
	snprintf(text, sizeof text, "domain a\nlibrary %s\n", tok);
	expect_ok(text);
	ck_assert_uint_eq(strlen(dom(0)->libraries[0]), 255);
	snprintf(text, sizeof text, "domain a\nlibrary %sa\n", tok);
	expect_error(text, "t.policy:2:9: token is too long (256 bytes; at most 255)");

	/* a 100 KiB comment line is fine */
	memcpy(text, "domain a\nlibrary x\n# ", 21);
	memset(text + 21, 'c', 100 * 1024);
	strcpy(text + 21 + 100 * 1024, "\nheap 1M\n");
	expect_ok(text);
	ck_assert_uint_eq(dom(0)->heap, 1u << 20);
	/* a 100 KiB token is not */
	memcpy(text, "domain a\nlibrary x\nfunction ", 28);
	memset(text + 28, 'f', 100 * 1024);
	strcpy(text + 28 + 100 * 1024, "\nheap 1M\n");
	expect_error(text, "t.policy:3:10: token is too long (102400 bytes; at most 255)");
}
END_TEST

START_TEST(test_one_error_per_line)
{
	/* Two mistakes on one line, one on another: two errors. */
	parse(D "trusted-memory raed bogus\nheap 1 2\non-fault abort\n");
	ck_assert_ptr_null(pol);
	ck_assert_uint_eq(diags.nerrors, 2);
	ck_assert_str_eq(diag(0), "t.policy:3:16: unknown trusted-memory mode 'raed' (did you mean 'read'?)");
	ck_assert_str_eq(diag(1), "t.policy:4:6: heap '1' is out of range (64K..64G)");
	/* errors go on after a bad line, across domains */
	parse("domain a\nlibary x\nlibrary x\ndomain b\nlibrary y\nheap 1\nfunction 9\n");
	ck_assert_uint_eq(diags.nerrors, 3);
	ck_assert_str_eq(diag(0), "t.policy:2:1: unknown directive 'libary' (did you mean 'library'?)");
	ck_assert_str_eq(diag(1), "t.policy:6:6: heap '1' is out of range (64K..64G)");
	ck_assert_str_eq(diag(2), "t.policy:7:10: invalid function name '9' (expected a C identifier, optionally followed by @VERSION)");
	/* "no library" is reported in the order of the domain lines */
	parse("domain a\nheap 1\ndomain b\nlibrary x\n");
	ck_assert_uint_eq(diags.nerrors, 2);
	ck_assert_str_eq(diag(0), "t.policy:1:8: domain 'a' has no 'library' line");
	ck_assert_str_eq(diag(1), "t.policy:2:6: heap '1' is out of range (64K..64G)");
	/* a library line with an error is not also "no library" */
	parse("domain a\nlibrary a/b\n");
	ck_assert_uint_eq(diags.nerrors, 1);
}
END_TEST

START_TEST(test_error_cap)
{
	static char text[150 * 8];
	size_t n = 0;

	for (int i = 0; i < 150; i++)
		n += (size_t)snprintf(text + n, sizeof text - n, "bogus\n");
	parse(text);
	ck_assert_ptr_null(pol);
	ck_assert_uint_eq(diags.nerrors, PKR_MAX_ERRORS + 1);
	ck_assert_uint_eq(diags.n, PKR_MAX_ERRORS + 1);
	ck_assert_str_eq(diag(0), "t.policy:1:1: unknown directive 'bogus'");
	ck_assert_str_eq(diag(99), "t.policy:100:1: unknown directive 'bogus'");
	ck_assert_str_eq(diag(100), "t.policy:101:1: too many errors; giving up");
	/* exactly 100 errors: no "too many" */
	text[100 * 6] = '\0';
	parse(text);
	ck_assert_uint_eq(diags.nerrors, 100);
	ck_assert_str_eq(diag(99), "t.policy:100:1: unknown directive 'bogus'");
}
END_TEST

/* A small fixed-seed generator: the same "random" file on every run. */
static uint64_t rng_state;

static uint64_t rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

START_TEST(test_random_megabyte)
{
	const size_t size = 1u << 20;
	char *buf = malloc(size);

	ck_assert_ptr_nonnull(buf);
	rng_state = 0x9e3779b97f4a7c15ull;
	for (size_t i = 0; i < size; i++)
		buf[i] = (char)rng();
	parse_named("random.policy", buf, size, NULL);
	ck_assert_ptr_null(pol);
	ck_assert_uint_eq(diags.nerrors, PKR_MAX_ERRORS + 1);
	ck_assert_str_eq(diags.v[PKR_MAX_ERRORS].msg, "too many errors; giving up");
	for (size_t i = 0; i < diags.n; i++) {
		ck_assert_str_eq(diags.v[i].file, "random.policy");
		ck_assert_uint_ge(diags.v[i].line, 1);
		ck_assert_uint_ge(diags.v[i].col, 1);
	}
	free(buf);
}
END_TEST

/* Random lines made of the language's own words: deeper paths, same rules. */
START_TEST(test_random_words)
{
	static const char *const words[] = {
		"domain", "library", "trusted-memory", "on-fault", "max-faults", "heap",
		"stack", "stack-args", "fault-return", "function", "include", "errno",
		"read", "write", "none", "rewind", "reset", "abort", "void", "null", "keep",
		"EIO", "64K", "1G", "4096", "-1", "0x10", "a", "b", "liba.so", "/lib/x.so",
		"f", "f(", "#", "x.policy", "9223372036854775808", "\t", "\r",
	};
	const size_t nwords = sizeof words / sizeof words[0];
	const size_t size = 1u << 20;
	char *buf = malloc(size + 64);
	size_t n = 0;

	ck_assert_ptr_nonnull(buf);
	rng_state = 12345;
	while (n < size) {
		const char *w = words[rng() % nwords];
		size_t wl = strlen(w);

		memcpy(buf + n, w, wl);
		n += wl;
		buf[n++] = rng() % 4 == 0 ? '\n' : ' ';
	}
	parse_named("words.policy", buf, n, NULL);
	ck_assert_ptr_null(pol);
	ck_assert_uint_eq(diags.nerrors, PKR_MAX_ERRORS + 1);
	ck_assert_str_eq(diags.v[PKR_MAX_ERRORS].msg, "too many errors; giving up");
	free(buf);
}
END_TEST

START_TEST(test_file_size_limit)
{
	const size_t size = PKR_MAX_FILE_SIZE;
	char *buf = malloc(size + 1);

	ck_assert_ptr_nonnull(buf);
	/* 16 MiB of comment lines is fine ... */
	memset(buf, '#', size + 1);
	for (size_t i = 79; i < size + 1; i += 80)
		buf[i] = '\n';
	parse_named("big.policy", buf, size, NULL);
	ck_assert_ptr_nonnull(pol);
	/* ... one byte more is not */
	parse_named("big.policy", buf, size + 1, NULL);
	ck_assert_ptr_null(pol);
	ck_assert_uint_eq(diags.nerrors, 1);
	ck_assert_str_eq(diag(0), "big.policy: policy file is larger than 16 MiB");
	free(buf);
}
END_TEST

/* ==== include ========================================================== */

START_TEST(test_include_relative)
{
	static const struct memfile files[] = {
		{ "dir/sub/a.policy", "domain a\nlibrary liba.so\ninclude ../b.policy\n" },
		{ "dir/b.policy", "function fb fault-return 2\ninclude /abs/c.policy\n" },
		{ "/abs/c.policy", "domain c\n  library libc.so\n" },
	};
	struct memfs fs = { .files = files, .nfiles = 3 };
	const char *top = "include sub/./a.policy\ndomain t\nlibrary libt.so\n";

	parse_named("dir/t.policy", top, strlen(top), &fs);
	ck_assert_msg(pol != NULL, "%s", diags.n ? diag(0) : "");
	ck_assert_uint_eq(fs.nreads, 3);
	ck_assert_str_eq(fs.reads[0], "dir/sub/a.policy");
	ck_assert_str_eq(fs.reads[1], "dir/b.policy");
	ck_assert_str_eq(fs.reads[2], "/abs/c.policy");
	ck_assert_uint_eq(pol->ndomains, 3);
	ck_assert_str_eq(pol->file, "dir/t.policy");
	/* b.policy has no domain: its function joins the open domain a */
	ck_assert_str_eq(dom(0)->name, "a");
	ck_assert_str_eq(dom(0)->file, "dir/sub/a.policy");
	ck_assert_uint_eq(dom(0)->nfunctions, 1);
	ck_assert_str_eq(dom(0)->functions[0].name, "fb");
	ck_assert_str_eq(dom(0)->functions[0].file, "dir/b.policy");
	ck_assert_uint_eq(dom(0)->functions[0].line, 1);
	ck_assert_str_eq(dom(1)->name, "c");
	ck_assert_str_eq(dom(1)->file, "/abs/c.policy");
	ck_assert_uint_eq(dom(1)->line, 1);
	ck_assert_str_eq(dom(2)->name, "t");
	ck_assert_str_eq(dom(2)->file, "dir/t.policy");
	ck_assert_uint_eq(dom(2)->line, 2);
}
END_TEST

/* Paths that leave the includer's directory, or name a directory. */
START_TEST(test_include_odd_paths)
{
	static const struct memfile files[] = {
		{ "../up.policy", "domain up\nlibrary libup.so\n" },
	};
	struct memfs fs = { .files = files, .nfiles = 1 };

	parse_fs("include ../up.policy\n", &fs);
	ck_assert_ptr_nonnull(pol);
	ck_assert_str_eq(fs.reads[0], "../up.policy");
	ck_assert_str_eq(dom(0)->file, "../up.policy");
	fs.nreads = 0;
	parse_named("a/b/t.policy", "include ../../../up.policy\n", 26, &fs);
	ck_assert_ptr_nonnull(pol);
	ck_assert_str_eq(fs.reads[0], "../up.policy");
	expect_error_fs("include sub/..\n", &fs,
			"t.policy:1:9: cannot read '.': No such file or directory");
	expect_error_fs("include /sub/../..//x/\n", &fs,
			"t.policy:1:9: cannot read '/x': No such file or directory");
}
END_TEST

START_TEST(test_include_errors_name_the_file)
{
	static const struct memfile files[] = {
		{ "inc/a.policy", "domain a\n  library x\n  heap 1\n" },
	};
	struct memfs fs = { .files = files, .nfiles = 1 };

	expect_error_fs("include inc/a.policy\n", &fs, "inc/a.policy:3:8: heap '1' is out of range (64K..64G)");
}
END_TEST

START_TEST(test_include_domain_scope)
{
	static const struct memfile files[] = {
		{ "a.policy", "domain a\nlibrary liba.so\n" },
		{ "f.policy", "function f fault-return 3\nheap 1M\n" },
		{ "e.policy", "domain e\n" },
	};
	struct memfs fs = { .files = files, .nfiles = 3 };

	/* a domain opened in an included file ends at that file's end */
	expect_error_fs("include a.policy\nheap 1M\n", &fs, "t.policy:2:1: 'heap' outside a domain block");
	/* an included file with no domain line adds to the open domain */
	parse_fs("domain t\nlibrary libt.so\ninclude f.policy\nstack 2M\n", &fs);
	ck_assert_ptr_nonnull(pol);
	ck_assert_uint_eq(pol->ndomains, 1);
	ck_assert_uint_eq(dom(0)->heap, 1u << 20);
	ck_assert_uint_eq(dom(0)->stack, 2u << 20);
	ck_assert_str_eq(dom(0)->functions[0].file, "f.policy");
	/* ... and its directives count for duplicates */
	expect_error_fs("domain t\nlibrary libt.so\nheap 2M\ninclude f.policy\n", &fs,
			"f.policy:2:1: duplicate 'heap' in domain 't' (first at t.policy:3)");
	/* a domain of an included file is checked at that file's end */
	expect_error_fs("include e.policy\ndomain t\nlibrary x\n", &fs,
			"e.policy:1:8: domain 'e' has no 'library' line");
	/* include inside a domain block, then the includer's domain goes on */
	parse_fs("domain t\nlibrary libt.so\ninclude a.policy\n", &fs);
	ck_assert_uint_eq(pol->ndomains, 2);
}
END_TEST

/* A chain t -> d1 -> ... -> dN. */
static void make_chain(struct memfile *files, char names[][32], char texts[][64], int n)
{
	for (int i = 1; i <= n; i++) {
		snprintf(names[i], 32, "d%d.policy", i);
		if (i < n)
			snprintf(texts[i], 64, "include d%d.policy\n", i + 1);
		else
			snprintf(texts[i], 64, "domain deep\nlibrary libdeep.so\n");
		files[i - 1] = (struct memfile){ names[i], texts[i] };
	}
}

START_TEST(test_include_depth)
{
	struct memfile files[16];
	char names[16][32], texts[16][64];
	struct memfs fs = { .files = files, .nfiles = 0 };

	/* 8 levels of include: at the limit */
	make_chain(files, names, texts, PKR_MAX_INCLUDE_DEPTH);
	fs.nfiles = PKR_MAX_INCLUDE_DEPTH;
	parse_fs("include d1.policy\n", &fs);
	ck_assert_msg(pol != NULL, "%s", diags.n ? diag(0) : "");
	ck_assert_str_eq(dom(0)->file, "d8.policy");
	/* 9 levels: past it, reported at the 9th include line */
	make_chain(files, names, texts, PKR_MAX_INCLUDE_DEPTH + 1);
	fs.nfiles = PKR_MAX_INCLUDE_DEPTH + 1;
	fs.nreads = 0;
	expect_error_fs("include d1.policy\n", &fs,
			"d8.policy:1:9: includes nested too deeply (at most 8 levels)");
	ck_assert_uint_eq(fs.nreads, 8);
}
END_TEST

START_TEST(test_include_cycles)
{
	static const struct memfile files[] = {
		{ "a.policy", "include b.policy\n" },
		{ "b.policy", "include sub/../a.policy\n" },
		{ "self.policy", "include ./self.policy\n" },
		{ "back.policy", "include t.policy\n" },
		{ "c.policy", "domain c\nlibrary libc.so\n" },
		{ "d.policy", "include c.policy\n" },
	};
	struct memfs fs = { .files = files, .nfiles = 6 };

	expect_error_fs("include a.policy\n", &fs,
			"b.policy:1:9: include cycle: a.policy -> b.policy -> a.policy");
	expect_error_fs("include self.policy\n", &fs,
			"self.policy:1:9: include cycle: self.policy -> self.policy");
	expect_error_fs("# comment\ninclude back.policy\n", &fs,
			"back.policy:1:9: include cycle: t.policy -> back.policy -> t.policy");
	expect_error_fs("include t.policy\n", &fs, "t.policy:1:9: include cycle: t.policy -> t.policy");
	/* included twice, no cycle */
	expect_error_fs("include c.policy\ninclude ./c.policy\n", &fs,
			"t.policy:2:9: 'c.policy' is already included (first at t.policy:1)");
	expect_error_fs("include c.policy\ninclude d.policy\n", &fs,
			"d.policy:1:9: 'c.policy' is already included (first at t.policy:1)");
}
END_TEST

START_TEST(test_include_too_big)
{
	const size_t size = PKR_MAX_FILE_SIZE + 1;
	char *big = malloc(size + 1);
	struct memfile files[1] = { { "big.policy", big } };
	struct memfs fs = { .files = files, .nfiles = 1 };

	ck_assert_ptr_nonnull(big);
	memset(big, '#', size);
	big[size] = '\0';
	expect_error_fs("include big.policy\n", &fs, "t.policy:1:9: 'big.policy' is larger than 16 MiB");
	free(big);
}
END_TEST

/* Files read after the top one (the system policy's drop-ins): each as
 * if the top file ended with an `include` line for it. */
static struct pkr_policy *parse_after(const char *text, const char *const *after, size_t n,
				      struct memfs *fs)
{
	struct pkr_parse_env env = { mem_read, fs, NULL };

	teardown();
	setup();
	pol = pkr_policy_parse_after("t.policy", text, strlen(text), after, n, &env, &diags);
	ck_assert_int_eq(pol != NULL, diags.nerrors == 0);
	return pol;
}

#define expect_after_error(text, after, fs, expected) do {                      \
		parse_after(text, after, sizeof after / sizeof *after, fs);     \
		ck_assert_ptr_null(pol);                                        \
		ck_assert_uint_eq(diags.nerrors, 1);                            \
		ck_assert_str_eq(diag(0), expected);                            \
	} while (0)

START_TEST(test_after_order)
{
	static const struct memfile files[] = {
		{ "/d/10-a.policy", "domain a\nlibrary liba.so\n" },
		{ "/d/20-b.policy", "# b\ndomain b\nlibrary libb.so\ninclude inc/c.policy\n" },
		{ "/d/inc/c.policy", "domain c\nlibrary libc.so\n" },
	};
	static const char *const after[] = { "/d/10-a.policy", "/d//./20-b.policy" };
	struct memfs fs = { .files = files, .nfiles = 3 };

	parse_after("domain t\nlibrary libt.so\n", after, 2, &fs);
	ck_assert_msg(pol != NULL, "%s", diags.n ? diag(0) : "");
	/* read in the order given, after the top file; names cleaned */
	ck_assert_uint_eq(fs.nreads, 3);
	ck_assert_str_eq(fs.reads[0], "/d/10-a.policy");
	ck_assert_str_eq(fs.reads[1], "/d/20-b.policy");
	ck_assert_str_eq(fs.reads[2], "/d/inc/c.policy");
	ck_assert_uint_eq(pol->ndomains, 4);
	ck_assert_str_eq(pol->file, "t.policy");
	ck_assert_str_eq(dom(0)->name, "t");
	ck_assert_str_eq(dom(1)->name, "a");
	ck_assert_str_eq(dom(1)->file, "/d/10-a.policy");
	ck_assert_str_eq(dom(2)->name, "b");
	ck_assert_uint_eq(dom(2)->line, 2);
	ck_assert_str_eq(dom(3)->name, "c");
	/* none after: pkr_policy_parse */
	parse_after("domain t\nlibrary libt.so\n", NULL, 5, &fs);
	ck_assert_uint_eq(pol->ndomains, 1);
	/* an empty top file: the drop-ins alone */
	parse_after("", after, 2, &fs);
	ck_assert_uint_eq(pol->ndomains, 3);
	ck_assert_str_eq(dom(0)->name, "a");
}
END_TEST

START_TEST(test_after_errors)
{
	static const struct memfile files[] = {
		{ "/d/10-a.policy", "domain a\nlibrary liba.so\n" },
		{ "/d/20-dup.policy", "# again\ndomain  a\nlibrary libx.so\n" },
		{ "/d/30-loose.policy", "heap 1M\n" },
		{ "/d/40-bad.policy", "domain e\nlibrary libe.so\nheap 1\n" },
		{ "/d/50-inc.policy", "include 10-a.policy\n" },
		{ "60-top.policy", "include t.policy\n" },
	};
	static const char *const dup[] = { "/d/10-a.policy", "/d/20-dup.policy" };
	static const char *const loose[] = { "/d/30-loose.policy" };
	static const char *const bad[] = { "/d/10-a.policy", "/d/40-bad.policy" };
	static const char *const missing[] = { "/d/10-a.policy", "/d/nope.policy" };
	static const char *const twice[] = { "/d/10-a.policy", "/d/50-inc.policy" };
	static const char *const again[] = { "/d/10-a.policy" };
	static const char *const cycle[] = { "60-top.policy" };
	struct memfs fs = { .files = files, .nfiles = 6 };

	/* a domain name already used: the duplicate's FILE:LINE:COL */
	expect_after_error("", dup, &fs,
			   "/d/20-dup.policy:2:9: duplicate domain 'a' (first at /d/10-a.policy:1)");
	expect_after_error("domain a\nlibrary libt.so\n", again, &fs,
			   "/d/10-a.policy:1:8: duplicate domain 'a' (first at t.policy:1)");
	/* the top file's open domain ends before the first drop-in */
	expect_after_error("domain t\nlibrary libt.so\n", loose, &fs,
			   "/d/30-loose.policy:1:1: 'heap' outside a domain block");
	/* any error in any file: no model (fail closed) */
	expect_after_error("", bad, &fs,
			   "/d/40-bad.policy:3:6: heap '1' is out of range (64K..64G)");
	expect_after_error("", missing, &fs,
			   "/d/nope.policy: cannot read '/d/nope.policy': No such file or directory");
	/* a file is read once: as an include or as a drop-in */
	expect_after_error("", twice, &fs,
			   "/d/50-inc.policy:1:9: '/d/10-a.policy' is already read (after t.policy)");
	expect_after_error("include /d/10-a.policy\n", again, &fs,
			   "/d/10-a.policy: '/d/10-a.policy' is already included (first at t.policy:1)");
	expect_after_error("", cycle, &fs,
			   "60-top.policy:1:9: include cycle: t.policy -> 60-top.policy -> t.policy");
	/* without a reader, nothing can be read */
	teardown();
	setup();
	pol = pkr_policy_parse_after("t.policy", "", 0, again, 1, NULL, &diags);
	ck_assert_ptr_null(pol);
	ck_assert_str_eq(diag(0), "/d/10-a.policy: cannot read '/d/10-a.policy': Function not implemented");
}
END_TEST

/* Leak checks: while `counting` is set, count the heap blocks handed out
 * and not given back.  The C library's own functions (strdup, vasprintf,
 * realpath) come through these too. */
extern void *__libc_malloc(size_t n);
extern void *__libc_calloc(size_t n, size_t size);
extern void *__libc_realloc(void *p, size_t n);
extern void __libc_free(void *p);

static volatile int counting;
static long live_blocks;

void *malloc(size_t n)
{
	void *p = __libc_malloc(n);

	if (p && counting)
		live_blocks++;
	return p;
}

void *calloc(size_t n, size_t size)
{
	void *p = __libc_calloc(n, size);

	if (p && counting)
		live_blocks++;
	return p;
}

void *realloc(void *old, size_t n)
{
	void *p = __libc_realloc(old, n);

	if (counting) {
		if (!old && p)
			live_blocks++;
		else if (old && n == 0)
			live_blocks--;
	}
	return p;
}

void free(void *p)
{
	if (p && counting)
		live_blocks--;
	__libc_free(p);
}

static void count_start(void)
{
	live_blocks = 0;
	counting = 1;
}

static long count_stop(void)
{
	counting = 0;
	return live_blocks;
}

/* Parsing, with errors or without, gives back all it took once the
 * model and the messages are freed. */
START_TEST(test_no_leaks)
{
	static const struct memfile files[] = {
		{ "a.policy", "domain a\nlibrary liba.so\nfunction f fault-return 1\ninclude b.policy\n" },
		{ "b.policy", "function g\nheap 1M\n" },
		{ "bad.policy", "domain x\nlibary y\ninclude bad.policy\n" },
	};
	struct memfs fs = { .files = files, .nfiles = 3 };
	struct pkr_parse_env env = { mem_read, &fs, NULL };
	struct pkr_policy *good[3], *bad[3];
	struct pkr_diags d[3];
	long leaked;
	const char *text = "include a.policy\ndomain t\nlibrary libt.so\n";

	/* No Check assertion while counting: they allocate. */
	count_start();
	for (int i = 0; i < 3; i++) {
		pkr_diags_init(&d[i]);
		good[i] = pkr_policy_parse("t.policy", text, strlen(text), &env, &d[i]);
		bad[i] = pkr_policy_parse("t.policy", "include bad.policy\nbogus\n", 25, &env, &d[i]);
	}
	for (int i = 0; i < 3; i++) {
		if (!good[i] || bad[i] || d[i].nerrors != 4)
			break;
		pkr_policy_free(good[i]);
		pkr_diags_free(&d[i]);
	}
	leaked = count_stop();
	for (int i = 0; i < 3; i++) {
		ck_assert_ptr_nonnull(good[i]);
		ck_assert_ptr_null(bad[i]);
		ck_assert_uint_eq(d[i].nerrors, 0);     /* freed */
	}
	ck_assert_int_eq(leaked, 0);
}
END_TEST

/* Memory running out in the middle of an included file: the parse fails
 * with "out of memory" and gives back everything it held. */
START_TEST(test_out_of_memory)
{
	const size_t lines = 200000;
	char *big = malloc(lines * 24 + 64);
	struct memfile files[1] = { { "big.policy", big } };
	struct memfs fs = { .files = files, .nfiles = 1 };
	struct rlimit old, low;
	size_t n, nmsg;
	long leaked;
	char msg[128] = "";
	long pages = 0;
	FILE *f;

	ck_assert_ptr_nonnull(big);
	n = (size_t)sprintf(big, "domain a\nlibrary liba.so\n");
	for (size_t i = 0; i < lines; i++)
		n += (size_t)sprintf(big + n, "function f%zu\n", i);
	/* Room for the included text's copy, not for the model of it. */
	f = fopen("/proc/self/statm", "r");
	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(fscanf(f, "%ld", &pages), 1);
	fclose(f);
	teardown();
	ck_assert_int_eq(getrlimit(RLIMIT_AS, &old), 0);
	low = old;
	low.rlim_cur = (rlim_t)pages * (rlim_t)sysconf(_SC_PAGESIZE) + 3 * n;
	/* No Check assertion while counting: they allocate. */
	count_start();
	setrlimit(RLIMIT_AS, &low);
	pol = pkr_policy_parse("t.policy", "include big.policy\n", 19,
			       &(struct pkr_parse_env){ mem_read, &fs, NULL }, &diags);
	setrlimit(RLIMIT_AS, &old);
	nmsg = diags.n;
	if (nmsg > 0)
		pkr_diag_format(&diags.v[0], msg, sizeof msg);
	pkr_diags_free(&diags);
	leaked = count_stop();
	ck_assert_ptr_null(pol);
	ck_assert_uint_eq(nmsg, 1);
	ck_assert_str_eq(msg, "t.policy: out of memory");
	ck_assert_int_eq(leaked, 0);
	/* and with enough memory the same policy parses */
	parse_fs("include big.policy\n", &fs);
	ck_assert_ptr_nonnull(pol);
	ck_assert_uint_eq(dom(0)->nfunctions, lines);
	ck_assert_ptr_nonnull(pkr_policy_function(dom(0), "f199999"));
	free(big);
}
END_TEST

/* Includes from disk, through pkr_policy_load. */
START_TEST(test_include_from_disk)
{
	char path[PATH_MAX], want[PATH_MAX + 64];

	data_path(path, sizeof path, "good-include.policy");
	pol = pkr_policy_load(path, &diags);
	ck_assert_msg(pol != NULL, "%s", diags.n ? diag(0) : "");
	ck_assert_uint_eq(pol->ndomains, 2);
	ck_assert_str_eq(dom(0)->name, "zlib");
	snprintf(want, sizeof want, "%s/tests/data/policy/inc/zlib.policy", srcdir());
	ck_assert_same_file(dom(0)->file, want);
	ck_assert_str_eq(dom(0)->functions[0].name, "inflate");
	snprintf(want, sizeof want, "%s/tests/data/policy/inc/zlib-functions.inc", srcdir());
	ck_assert_same_file(dom(0)->functions[0].file, want);
	ck_assert_str_eq(dom(1)->name, "lzma");
	ck_assert_uint_eq(dom(1)->nfunctions, 2);
	ck_assert_int_eq(pkr_policy_fault_return(dom(1), "lzma_code").value, 11);
	ck_assert_int_eq(pkr_policy_fault_return(dom(1), "lzma_code").err, EIO);
	ck_assert(pkr_policy_fault_return(dom(1), "lzma_end").is_void);
}
END_TEST

START_TEST(test_load_missing)
{
	pol = pkr_policy_load("/nonexistent/pkrewind/policy", &diags);
	ck_assert_ptr_null(pol);
	ck_assert_uint_eq(diags.nerrors, 1);
	ck_assert_str_eq(diag(0), "/nonexistent/pkrewind/policy: cannot read the policy: "
			 "No such file or directory");
	pkr_diags_free(&diags);
	pol = pkr_policy_load("/", &diags);
	ck_assert_ptr_null(pol);
	ck_assert_str_eq(diag(0), "/: cannot read the policy: Is a directory");
	/* an empty name (PKREWIND_POLICY set to ""): no "FILE:" to print */
	pkr_diags_free(&diags);
	pol = pkr_policy_load("", &diags);
	ck_assert_ptr_null(pol);
	ck_assert_uint_eq(diags.nerrors, 1);
	ck_assert_str_eq(diag(0), "cannot read the policy: the file name is empty");
}
END_TEST

/* A file on disk one byte past the limit (sparse: no disk space used). */
START_TEST(test_load_too_big)
{
	char path[] = "/tmp/pkr-big-XXXXXX";
	int fd = mkstemp(path);

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(ftruncate(fd, (off_t)PKR_MAX_FILE_SIZE + 1), 0);
	close(fd);
	pol = pkr_policy_load(path, &diags);
	ck_assert_ptr_null(pol);
	ck_assert_uint_eq(diags.nerrors, 1);
	ck_assert_str_eq(diags.v[0].msg, "policy file is larger than 16 MiB");
	/* exactly at the limit it is read (and fails on its NUL bytes) */
	ck_assert_int_eq(truncate(path, (off_t)PKR_MAX_FILE_SIZE), 0);
	pkr_diags_free(&diags);
	pol = pkr_policy_load(path, &diags);
	ck_assert_ptr_null(pol);
	ck_assert_str_eq(diags.v[0].msg, "NUL byte in policy");
	unlink(path);
}
END_TEST

/* ==== the sample files ================================================= */

/* Each sample parses; a file with "# error: LINE:COL: message" comments
 * fails with exactly those errors, in that order. */
static void check_sample(const char *name)
{
	char path[PATH_MAX], want[64][1200], line[1024];
	size_t nwant = 0;
	FILE *f;

	data_path(path, sizeof path, name);
	f = fopen(path, "r");
	ck_assert_msg(f != NULL, "%s: %s", path, strerror(errno));
	while (fgets(line, sizeof line, f))
		if (strncmp(line, "# error: ", 9) == 0 && nwant < 64) {
			line[strcspn(line, "\n")] = '\0';
			snprintf(want[nwant++], sizeof want[0], "%s:%s", name, line + 9);
		}
	fclose(f);

	pkr_policy_free(pol);
	pkr_diags_free(&diags);
	pol = pkr_policy_load(name, &diags);   /* relative: messages say just the name */
	if (nwant == 0) {
		ck_assert_msg(pol != NULL, "%s: %s", name, diags.n ? diag(0) : "");
		return;
	}
	ck_assert_msg(pol == NULL, "%s parsed", name);
	ck_assert_msg(diags.nerrors == nwant, "%s: %zu errors, want %zu (first: %s)",
		      name, diags.nerrors, nwant, diag(0));
	for (size_t i = 0; i < nwant; i++)
		ck_assert_str_eq(diag(i), want[i]);
}

START_TEST(test_samples)
{
	char dir[PATH_MAX];
	struct dirent *de;
	int n = 0, old = open(".", O_RDONLY | O_DIRECTORY);
	DIR *d;

	data_path(dir, sizeof dir, "");
	ck_assert_int_eq(chdir(dir), 0);
	d = opendir(".");
	ck_assert_ptr_nonnull(d);
	while ((de = readdir(d))) {
		size_t len = strlen(de->d_name);

		if (len > 7 && strcmp(de->d_name + len - 7, ".policy") == 0) {
			check_sample(de->d_name);
			n++;
		}
	}
	closedir(d);
	ck_assert_int_ge(n, 8);
	ck_assert_int_eq(fchdir(old), 0);
	close(old);
}
END_TEST

START_TEST(test_three_mistakes)
{
	char path[PATH_MAX];

	data_path(path, sizeof path, "three-mistakes.policy");
	pol = pkr_policy_load(path, &diags);
	ck_assert_ptr_null(pol);
	ck_assert_uint_eq(diags.nerrors, 3);
	ck_assert_uint_eq(diags.v[0].line, 4);
	ck_assert_uint_eq(diags.v[1].line, 7);
	ck_assert_uint_eq(diags.v[2].line, 9);
}
END_TEST

START_TEST(test_sample_models)
{
	char path[PATH_MAX];
	const struct pkr_domain_policy *d;

	data_path(path, sizeof path, "good-every-directive.policy");
	pol = pkr_policy_load(path, &diags);
	ck_assert_ptr_nonnull(pol);
	ck_assert_uint_eq(pol->ndomains, 2);
	d = dom(0);
	ck_assert_uint_eq(d->heap, PKR_HEAP_MAX);
	ck_assert_uint_eq(d->stack, PKR_STACK_MIN);
	ck_assert_uint_eq(d->stack_args, PKR_STACK_ARGS_MAX);
	ck_assert_uint_eq(d->max_faults, PKR_MAX_FAULTS_MAX);
	ck_assert_int_eq(d->fault_return.err, PKR_ERRNO_KEEP);
	ck_assert_int_eq(pkr_policy_fault_return(d, "inflate").err, 5);
	ck_assert_int_eq(pkr_policy_fault_return(d, "deflate@ZLIB_1.2.0").value, INT64_MAX);
	ck_assert_int_eq(pkr_policy_fault_return(d, "deflate@ZLIB_1.2.0").err, PKR_ERRNO_KEEP);
	ck_assert_int_eq(pkr_policy_fault_return(d, "crc32").value, INT64_MIN);
	ck_assert_int_eq(pkr_policy_fault_return(d, "zlibVersion").value, 0);
	d = dom(1);
	ck_assert_str_eq(d->name, "bz2-1.0");
	ck_assert_uint_eq(d->heap, PKR_HEAP_MIN);
	ck_assert_uint_eq(d->stack, PKR_STACK_MAX);
	ck_assert_uint_eq(d->stack_args, 0);
	ck_assert(d->fault_return.is_void);
	ck_assert_int_eq(d->trust, PKR_TRUST_WRITE);
	ck_assert_int_eq(d->on_fault, PKR_ON_FAULT_ABORT);
}
END_TEST

/* ==== diagnostics ====================================================== */

START_TEST(test_diag_format)
{
	char buf[128];
	int n;

	pkr_diags_add(&diags, PKR_DIAG_ERROR, "f.policy", 3, 7, "bad %s %d", "thing", 42);
	pkr_diags_add(&diags, PKR_DIAG_WARNING, "f.policy", 3, 7, "careful");
	pkr_diags_add(&diags, PKR_DIAG_ERROR, "f.policy", 0, 0, "whole file");
	pkr_diags_add(&diags, PKR_DIAG_WARNING, "f.policy", 9, 0, "line only");
	pkr_diags_add(&diags, PKR_DIAG_ERROR, NULL, 0, 0, "no file");
	ck_assert_uint_eq(diags.n, 5);
	ck_assert_uint_eq(diags.nerrors, 3);
	ck_assert_uint_eq(diags.nwarnings, 2);
	ck_assert_str_eq(diag(0), "f.policy:3:7: bad thing 42");
	ck_assert_str_eq(diag(1), "f.policy:3:7: warning: careful");
	ck_assert_str_eq(diag(2), "f.policy: whole file");
	ck_assert_str_eq(diag(3), "f.policy:9: warning: line only");
	ck_assert_str_eq(diag(4), "no file");
	/* snprintf semantics */
	n = pkr_diag_format(&diags.v[0], buf, 6);
	ck_assert_int_eq(n, (int)strlen("f.policy:3:7: bad thing 42"));
	ck_assert_str_eq(buf, "f.pol");
	ck_assert_int_eq(pkr_diag_format(&diags.v[0], NULL, 0), n);
}
END_TEST

START_TEST(test_diags_print)
{
	int fds[2];
	char buf[512];
	ssize_t n;

	pkr_diags_add(&diags, PKR_DIAG_ERROR, "f.policy", 1, 2, "first");
	pkr_diags_add(&diags, PKR_DIAG_WARNING, "f.policy", 0, 0, "second");
	ck_assert_int_eq(pipe(fds), 0);
	pkr_diags_print(&diags, fds[1]);
	close(fds[1]);
	n = read(fds[0], buf, sizeof buf - 1);
	close(fds[0]);
	ck_assert_int_gt(n, 0);
	buf[n] = '\0';
	ck_assert_str_eq(buf, "pkrewind: f.policy:1:2: first\npkrewind: f.policy: warning: second\n");
}
END_TEST

START_TEST(test_parse_without_diags)
{
	/* diags may be NULL: the result alone says whether it parsed */
	struct pkr_policy *p = pkr_policy_parse("x", "domain a\nlibrary b\n", 18, NULL, NULL);

	ck_assert_ptr_nonnull(p);
	pkr_policy_free(p);
	p = pkr_policy_parse("x", "bogus\n", 6, NULL, NULL);
	ck_assert_ptr_null(p);
	pkr_policy_free(NULL);
}
END_TEST

/* ==== pkr_policy_locate ================================================ */

static char tmpdir[256];

static void make_file(const char *path)
{
	char dir[PATH_MAX], *slash;
	int fd;

	snprintf(dir, sizeof dir, "%s", path);
	for (slash = strchr(dir + 1, '/'); slash; slash = strchr(slash + 1, '/')) {
		*slash = '\0';
		mkdir(dir, 0700);
		*slash = '/';
	}
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	ck_assert_int_ge(fd, 0);
	close(fd);
}

static void locate_setup(void)
{
	setup();
	snprintf(tmpdir, sizeof tmpdir, "%s/pkr-locate-XXXXXX", P_tmpdir);
	ck_assert_ptr_nonnull(mkdtemp(tmpdir));
	unsetenv("PKREWIND_POLICY");
	unsetenv("XDG_CONFIG_HOME");
	unsetenv("HOME");
}

static void locate_teardown(void)
{
	char cmd[PATH_MAX + 16];

	snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
	ck_assert_int_eq(system(cmd), 0);
	teardown();
}

/* What locate returns when no user file is found. */
static enum pkr_policy_source fallback(char *want, size_t size)
{
	char **paths;
	size_t n;
	int err = pkr_policy_dropins(pkr_policy_dropin_dir(), &paths, &n);

	pkr_policy_dropins_free(paths, n);
	snprintf(want, size, "%s/pkrewind/policy", SYSCONFDIR);
	if (access(want, F_OK) == 0 || err || n > 0)
		return PKR_POLICY_SYSTEM;
	want[0] = '\0';
	return PKR_POLICY_NONE;
}

START_TEST(test_locate_env)
{
	char buf[PATH_MAX], path[PATH_MAX];

	snprintf(path, sizeof path, "%s/missing.policy", tmpdir);
	setenv("PKREWIND_POLICY", path, 1);
	ck_assert_int_eq(pkr_policy_locate(buf, sizeof buf), PKR_POLICY_ENV);
	ck_assert_str_eq(buf, path);
	/* it wins over a user file */
	snprintf(path, sizeof path, "%s/xdg/pkrewind/policy", tmpdir);
	make_file(path);
	snprintf(path, sizeof path, "%s/xdg", tmpdir);
	setenv("XDG_CONFIG_HOME", path, 1);
	ck_assert_int_eq(pkr_policy_locate(buf, sizeof buf), PKR_POLICY_ENV);
	ck_assert_str_eq(buf, getenv("PKREWIND_POLICY"));
	/* set but empty still counts: the caller fails to read "" */
	setenv("PKREWIND_POLICY", "", 1);
	ck_assert_int_eq(pkr_policy_locate(buf, sizeof buf), PKR_POLICY_ENV);
	ck_assert_str_eq(buf, "");
}
END_TEST

START_TEST(test_locate_user)
{
	char buf[PATH_MAX], path[PATH_MAX], want[PATH_MAX];
	enum pkr_policy_source none;

	none = fallback(want, sizeof want);
	/* nothing set at all */
	ck_assert_int_eq(pkr_policy_locate(buf, sizeof buf), none);
	ck_assert_str_eq(buf, want);

	/* HOME with a policy */
	snprintf(path, sizeof path, "%s/home/.config/pkrewind/policy", tmpdir);
	make_file(path);
	snprintf(buf, sizeof buf, "%s/home", tmpdir);
	setenv("HOME", buf, 1);
	ck_assert_int_eq(pkr_policy_locate(buf, sizeof buf), PKR_POLICY_USER);
	ck_assert_str_eq(buf, path);
	/* an empty XDG_CONFIG_HOME is as if unset */
	setenv("XDG_CONFIG_HOME", "", 1);
	ck_assert_int_eq(pkr_policy_locate(buf, sizeof buf), PKR_POLICY_USER);
	ck_assert_str_eq(buf, path);
	/* XDG_CONFIG_HOME without a policy: not HOME's */
	snprintf(buf, sizeof buf, "%s/xdg", tmpdir);
	mkdir(buf, 0700);
	setenv("XDG_CONFIG_HOME", buf, 1);
	ck_assert_int_eq(pkr_policy_locate(buf, sizeof buf), none);
	ck_assert_str_eq(buf, want);
	/* XDG_CONFIG_HOME with one */
	snprintf(path, sizeof path, "%s/xdg/pkrewind/policy", tmpdir);
	make_file(path);
	ck_assert_int_eq(pkr_policy_locate(buf, sizeof buf), PKR_POLICY_USER);
	ck_assert_str_eq(buf, path);
	/* a buffer too small for the path: not found rather than cut */
	ck_assert_int_ne(pkr_policy_locate(buf, 8), PKR_POLICY_USER);
	/* HOME without a policy */
	unsetenv("XDG_CONFIG_HOME");
	setenv("HOME", tmpdir, 1);
	ck_assert_int_eq(pkr_policy_locate(buf, sizeof buf), none);
}
END_TEST

/* ==== the drop-in directory (policy.d) ================================= */

static void write_file(const char *path, const char *text)
{
	FILE *f;

	make_file(path);
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	ck_assert_int_eq(fclose(f), 0);
}

/* tmpdir/NAME */
static const char *tmp_path(const char *name)
{
	static char buf[4][PATH_MAX];
	static unsigned next;
	char *b = buf[next++ % 4];

	snprintf(b, PATH_MAX, "%s/%s", tmpdir, name);
	return b;
}

START_TEST(test_dropins_listed)
{
	char **paths;
	size_t n;

	/* no directory: no drop-ins, no error */
	ck_assert_int_eq(pkr_policy_dropins(tmp_path("policy.d"), &paths, &n), 0);
	ck_assert_ptr_null(paths);
	ck_assert_uint_eq(n, 0);
	/* *.policy only, in byte order whatever the locale: digits, upper
	 * case, lower case; not hidden files, backups or dpkg's copies */
	write_file(tmp_path("policy.d/b.policy"), "");
	write_file(tmp_path("policy.d/B.policy"), "");
	write_file(tmp_path("policy.d/10-a.policy"), "");
	write_file(tmp_path("policy.d/.hidden.policy"), "");
	write_file(tmp_path("policy.d/.policy"), "");
	write_file(tmp_path("policy.d/notes.txt"), "");
	write_file(tmp_path("policy.d/x.policy~"), "");
	write_file(tmp_path("policy.d/x.policy.dpkg-dist"), "");
	write_file(tmp_path("policy.d/x.policy.dpkg-old"), "");
	ck_assert_int_eq(pkr_policy_dropins(tmp_path("policy.d"), &paths, &n), 0);
	ck_assert_uint_eq(n, 3);
	ck_assert_str_eq(paths[0], tmp_path("policy.d/10-a.policy"));
	ck_assert_str_eq(paths[1], tmp_path("policy.d/B.policy"));
	ck_assert_str_eq(paths[2], tmp_path("policy.d/b.policy"));
	pkr_policy_dropins_free(paths, n);
	/* not a directory: an error */
	ck_assert_int_eq(pkr_policy_dropins(tmp_path("policy.d/notes.txt"), &paths, &n), ENOTDIR);
	ck_assert_ptr_null(paths);
}
END_TEST

START_TEST(test_dropins_loaded)
{
	char top[PATH_MAX], dir[PATH_MAX], want[PATH_MAX * 2];

	snprintf(top, sizeof top, "%s", tmp_path("policy"));
	snprintf(dir, sizeof dir, "%s", tmp_path("policy.d"));

	/* no file, no directory: the file cannot be read */
	pol = pkr_policy_load_dropins(top, dir, &diags);
	ck_assert_ptr_null(pol);
	snprintf(want, sizeof want, "%s: cannot read the policy: No such file or directory", top);
	ck_assert_str_eq(diag(0), want);
	/* the file alone */
	write_file(top, "domain sys\nlibrary libsys.so\n");
	parse_named("unused", "", 0, NULL);
	pol = pkr_policy_load_dropins(top, dir, &diags);
	ck_assert_ptr_nonnull(pol);
	ck_assert_uint_eq(pol->ndomains, 1);
	pkr_policy_free(pol);
	/* the file, then the drop-ins in name order */
	write_file(tmp_path("policy.d/20-b.policy"), "domain b\nlibrary libb.so\n");
	write_file(tmp_path("policy.d/10-a.policy"), "domain a\nlibrary liba.so\n");
	pol = pkr_policy_load_dropins(top, dir, &diags);
	ck_assert_msg(pol != NULL, "%s", diags.n ? diag(0) : "");
	ck_assert_uint_eq(pol->ndomains, 3);
	ck_assert_str_eq(dom(0)->name, "sys");
	ck_assert_str_eq(dom(1)->name, "a");
	ck_assert_str_eq(dom(1)->file, tmp_path("policy.d/10-a.policy"));
	ck_assert_str_eq(dom(2)->name, "b");
	pkr_policy_free(pol);
	/* drop-ins without the file */
	ck_assert_int_eq(unlink(top), 0);
	pol = pkr_policy_load_dropins(top, dir, &diags);
	ck_assert_msg(pol != NULL, "%s", diags.n ? diag(0) : "");
	ck_assert_uint_eq(pol->ndomains, 2);
	ck_assert_str_eq(dom(0)->name, "a");
	pkr_policy_free(pol);
	pol = NULL;
	/* a duplicate domain name: FILE:LINE:COL of the second, no model */
	write_file(tmp_path("policy.d/30-dup.policy"), "\n\ndomain a\nlibrary libz.so\n");
	pol = pkr_policy_load_dropins(top, dir, &diags);
	ck_assert_ptr_null(pol);
	ck_assert_uint_eq(diags.nerrors, 1);
	snprintf(want, sizeof want, "%s:3:8: duplicate domain 'a' (first at %s:1)",
		 tmp_path("policy.d/30-dup.policy"), tmp_path("policy.d/10-a.policy"));
	ck_assert_str_eq(diag(0), want);
	ck_assert_int_eq(unlink(tmp_path("policy.d/30-dup.policy")), 0);
	/* a bad file fails the whole policy */
	write_file(tmp_path("policy.d/15-bad.policy"), "domain c\nlibrary libc.so\nbogus\n");
	parse_named("unused", "", 0, NULL);
	pol = pkr_policy_load_dropins(top, dir, &diags);
	ck_assert_ptr_null(pol);
	ck_assert_uint_eq(diags.nerrors, 1);
	snprintf(want, sizeof want, "%s:3:1: unknown directive 'bogus'",
		 tmp_path("policy.d/15-bad.policy"));
	ck_assert_str_eq(diag(0), want);
	ck_assert_int_eq(unlink(tmp_path("policy.d/15-bad.policy")), 0);
	/* a drop-in that cannot be read (a directory) fails it too */
	ck_assert_int_eq(mkdir(tmp_path("policy.d/12-dir.policy"), 0700), 0);
	parse_named("unused", "", 0, NULL);
	pol = pkr_policy_load_dropins(top, dir, &diags);
	ck_assert_ptr_null(pol);
	snprintf(want, sizeof want, "%s: cannot read '%s': Is a directory",
		 tmp_path("policy.d/12-dir.policy"), tmp_path("policy.d/12-dir.policy"));
	ck_assert_str_eq(diag(0), want);
	/* a directory that is a file: fail closed */
	parse_named("unused", "", 0, NULL);
	pol = pkr_policy_load_dropins(top, tmp_path("policy.d/10-a.policy"), &diags);
	ck_assert_ptr_null(pol);
	snprintf(want, sizeof want, "%s: cannot read the policy directory: Not a directory",
		 tmp_path("policy.d/10-a.policy"));
	ck_assert_str_eq(diag(0), want);
}
END_TEST

/* ==== the suite ======================================================== */

static Suite *policy_suite(void)
{
	Suite *s = suite_create("policy");
	TCase *tc;

	tc = tcase_create("directives");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_defaults);
	tcase_add_test(tc, test_every_directive);
	tcase_add_test(tc, test_enum_values);
	tcase_add_test(tc, test_max_faults);
	tcase_add_test(tc, test_sizes_ok);
	tcase_add_test(tc, test_values_ok);
	tcase_add_test(tc, test_errno_ok);
	tcase_add_test(tc, test_errno_tables);
	tcase_add_test(tc, test_function_names);
	tcase_add_test(tc, test_function_default_version);
	tcase_add_test(tc, test_lookups);
	tcase_add_test(tc, test_library_forms);
	tcase_add_test(tc, test_library_matches);
	tcase_add_test(tc, test_library_symlinks);
	tcase_add_test(tc, test_library_pos);
	tcase_add_test(tc, test_fifteen_domains);
	tcase_add_test(tc, test_library_limit);
	tcase_add_test(tc, test_domain_names);
	suite_add_tcase(s, tc);

	tc = tcase_create("errors");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_loop_test(tc, test_error_table, 0,
			    (int)(sizeof error_cases / sizeof error_cases[0]));
	tcase_add_test(tc, test_one_error_per_line);
	tcase_add_test(tc, test_error_cap);
	suite_add_tcase(s, tc);

	tc = tcase_create("lexical");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_empty_and_comments);
	tcase_add_test(tc, test_crlf);
	tcase_add_test(tc, test_token_length);
	tcase_add_test(tc, test_random_megabyte);
	tcase_add_test(tc, test_random_words);
	tcase_add_test(tc, test_file_size_limit);
	suite_add_tcase(s, tc);

	tc = tcase_create("include");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_include_relative);
	tcase_add_test(tc, test_include_odd_paths);
	tcase_add_test(tc, test_include_errors_name_the_file);
	tcase_add_test(tc, test_include_domain_scope);
	tcase_add_test(tc, test_include_depth);
	tcase_add_test(tc, test_include_cycles);
	tcase_add_test(tc, test_include_from_disk);
	tcase_add_test(tc, test_include_too_big);
	tcase_add_test(tc, test_after_order);
	tcase_add_test(tc, test_after_errors);
	tcase_add_test(tc, test_load_missing);
	tcase_add_test(tc, test_load_too_big);
	suite_add_tcase(s, tc);

	tc = tcase_create("samples");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_samples);
	tcase_add_test(tc, test_three_mistakes);
	tcase_add_test(tc, test_sample_models);
	suite_add_tcase(s, tc);

	tc = tcase_create("diagnostics");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_diag_format);
	tcase_add_test(tc, test_diags_print);
	tcase_add_test(tc, test_parse_without_diags);
	tcase_add_test(tc, test_no_leaks);
	tcase_add_test(tc, test_out_of_memory);
	suite_add_tcase(s, tc);

	tc = tcase_create("locate");
	tcase_add_checked_fixture(tc, locate_setup, locate_teardown);
	tcase_add_test(tc, test_locate_env);
	tcase_add_test(tc, test_locate_user);
	suite_add_tcase(s, tc);

	tc = tcase_create("drop-ins");
	tcase_add_checked_fixture(tc, locate_setup, locate_teardown);
	tcase_add_test(tc, test_dropins_listed);
	tcase_add_test(tc, test_dropins_loaded);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(policy_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed != 0;
}
