/* sigprog.c - calls every function of the signature fixture (libpkrsig.so)
 * and prints one line per result.
 *
 * Usage: sigprog MODE
 *   all        every call below
 *   readsafe   only calls that do not write program memory (for
 *              `trusted-memory read`): no large struct return through a
 *              hidden pointer
 *   nonesafe   readsafe, minus calls that need the program's memory or
 *              loader data (strerror, the callback into the program);
 *              string arguments are first copied into a library buffer
 *              (for `trusted-memory none`)
 *   pkru [-v]  "isolated" when the library runs with a PKRU other than
 *              the program's, else "not isolated" (-v: values on stderr)
 *   loop N     N calls of pkrsig_nop, each result checked; prints N
 *   poke       pkrsig_poke(&global, 42) on a global initialised to 7,
 *              then "global=<value>"
 *   smaps      "lib-key=N prog-key=M": the ProtectionKey of the mappings
 *              holding a library global and a program global, then
 *              "heap-key=H stack-key=S": those of a block the library
 *              allocated and of the library's stack
 *   relro      calls the library, then finds the program's own GOT slots
 *              of the pkrsig_ functions (its JUMP_SLOT and GLOB_DAT
 *              relocations) and prints "got: N slots, all read-only" or
 *              "got: N slots, K writable" from /proc/self/maps (the same
 *              with and without the shim: rewriting a slot must not leave
 *              a RELRO page writable)
 *
 * The program computes the expected value of every call itself and
 * prints "ok" or "BAD (...)": the exit status is 1 if anything was BAD.
 * No line contains an address or a PKRU value, so the output of a run
 * under the shim can be compared with a run without it.
 */
#include "config.h"

#include <elf.h>
#include <errno.h>
#include <inttypes.h>
#include <link.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pkrsig.h"

enum {
	F_WRITES = 1,    /* the library writes program memory */
	F_ENV = 2,       /* needs the program's environment or loader data */
	F_CALLBACK = 4,  /* the library runs program code */
};

static int failures;
static int copy_args;          /* nonesafe: strings go through scratch */
static size_t scratch_used;

/* A program global: the target of `poke`, and the program side of `smaps`. */
static int prog_global = 7;

/* ---- reporting ---------------------------------------------------- */

static void report(const char *name, const char *value, int ok, const char *want)
{
	if (ok) {
		printf("%s: %s ok\n", name, value);
	} else {
		printf("%s: %s BAD (expected %s)\n", name, value, want);
		failures++;
	}
}

static void check_u64(const char *name, uint64_t got, uint64_t want)
{
	char g[32], w[32];

	snprintf(g, sizeof g, "0x%016" PRIx64, got);
	snprintf(w, sizeof w, "0x%016" PRIx64, want);
	report(name, g, got == want, w);
}

static void check_long(const char *name, long got, long want)
{
	char g[32], w[32];

	snprintf(g, sizeof g, "%ld", got);
	snprintf(w, sizeof w, "%ld", want);
	report(name, g, got == want, w);
}

static void check_double(const char *name, double got, double want)
{
	char g[64], w[64];

	snprintf(g, sizeof g, "%a", got);
	snprintf(w, sizeof w, "%a", want);
	report(name, g, memcmp(&got, &want, sizeof got) == 0, w);
}

static void check_str(const char *name, const char *got, const char *want)
{
	char g[300];

	snprintf(g, sizeof g, "\"%s\"", got ? got : "(null)");
	report(name, g, got != NULL && strcmp(got, want) == 0, want);
}

/* A string argument: as is, or (nonesafe) copied into the library's
 * scratch buffer, which the program may write and the library may read. */
static const char *arg_str(const char *s)
{
	size_t n = strlen(s) + 1;
	char *p;

	if (!copy_args)
		return s;
	if (scratch_used + n > PKRSIG_SCRATCH_SIZE) {
		fprintf(stderr, "sigprog: scratch buffer full\n");
		exit(2);
	}
	p = pkrsig_scratch() + scratch_used;
	memcpy(p, s, n);
	scratch_used += n;
	return p;
}

static uint64_t fold_n(const long *v, unsigned n)
{
	uint64_t h = PKRSIG_SEED;

	for (unsigned i = 0; i < n; i++)
		h = pkrsig_fold(h, i, (uint64_t)v[i]);
	return h;
}

static long dbits(double d)
{
	long u;

	memcpy(&u, &d, sizeof u);
	return u;
}

/* ---- the calls ---------------------------------------------------- */

static void t_integers(void)
{
	long a[12];
	char name[16];
	long got[13];

	/* Full 64-bit values, both signs, all different. */
	for (int i = 0; i < 12; i++)
		a[i] = (long)(0x0123456789ABCDEFull * (uint64_t)(i + 3)) ^ (i % 3 == 0 ? -1L : 0L);

	got[0] = pkrsig_i0();
	got[1] = pkrsig_i1(a[0]);
	got[2] = pkrsig_i2(a[0], a[1]);
	got[3] = pkrsig_i3(a[0], a[1], a[2]);
	got[4] = pkrsig_i4(a[0], a[1], a[2], a[3]);
	got[5] = pkrsig_i5(a[0], a[1], a[2], a[3], a[4]);
	got[6] = pkrsig_i6(a[0], a[1], a[2], a[3], a[4], a[5]);
	got[7] = pkrsig_i7(a[0], a[1], a[2], a[3], a[4], a[5], a[6]);
	got[8] = pkrsig_i8(a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7]);
	got[9] = pkrsig_i9(a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8]);
	got[10] = pkrsig_i10(a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8],
			     a[9]);
	got[11] = pkrsig_i11(a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8],
			     a[9], a[10]);
	got[12] = pkrsig_i12(a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8],
			     a[9], a[10], a[11]);
	for (unsigned n = 0; n <= 12; n++) {
		snprintf(name, sizeof name, "i%u", n);
		check_u64(name, (uint64_t)got[n], fold_n(a, n));
	}
}

static void t_narrow(void)
{
	long want[] = { -5, 65000, -123456, 4000000000L, -300, 1 };

	check_u64("narrow", (uint64_t)pkrsig_narrow(-5, 65000, -123456, 4000000000u,
						    -300, 1),
		  fold_n(want, 6));
}

static void t_mixed(void)
{
	long want[] = {
		-1, dbits(0.5), 2000000000000L, dbits(-1.25), 3, dbits(1e300),
		-4000000000000L, dbits(2.0 / 3.0), 5, dbits(-0.0), 6, dbits(7.75),
		dbits(8e-300), dbits(9.5), -7, dbits(10.125), dbits(-11.0),
	};
	long got = pkrsig_mixed(-1, 0.5, 2000000000000L, -1.25, 3, 1e300,
				-4000000000000L, 2.0 / 3.0, 5, -0.0, 6, 7.75,
				8e-300, 9.5, -7, 10.125, -11.0);

	check_u64("mixed", (uint64_t)got, fold_n(want, sizeof want / sizeof want[0]));
}

static void t_float(void)
{
	/* Exactly representable operands and results: no rounding differences
	 * whatever the compiler makes of the expressions. */
	check_double("fmadd", pkrsig_fmadd(1.5f, 2.25f, -0.125f), 3.25);
	check_double("fdmix", pkrsig_fdmix(0.75f, 3.5, 0.25f), 2.375);
}

static void t_long_double(void)
{
	volatile long double a = 1.25L, b = 10.0L;
	long double got = pkrsig_ldmix(a, 7, b);
	long double want = a * 7 + b / 3.0L;
	char g[64], w[64];

	snprintf(g, sizeof g, "%La", got);
	snprintf(w, sizeof w, "%La", want);
	report("ldmix", g, got == want, w);
}

static void t_variadic(void)
{
	static const int v[12] = { 3, -1, 4, -1, 5, -9, 2, 6, -5, 3, 5, -8 };
	static const double d[12] = { 0.5, 1.5, -2.5, 3.5, 4.25, -5.25,
				      6.125, 7.0, -8.5, 9.75, 10.5, -11.25 };
	int want = 0;
	double wantd = 0;

	check_long("sum0", pkrsig_sum(0), 0);
	check_long("sum1", pkrsig_sum(1, v[0]), v[0]);
	check_long("sum5", pkrsig_sum(5, v[0], v[1], v[2], v[3], v[4]),
		   v[0] + 2 * v[1] + 3 * v[2] + 4 * v[3] + 5 * v[4]);
	for (int i = 0; i < 12; i++)
		want += (i + 1) * v[i];
	check_long("sum12", pkrsig_sum(12, v[0], v[1], v[2], v[3], v[4], v[5], v[6],
				       v[7], v[8], v[9], v[10], v[11]),
		   want);
	for (int i = 0; i < 12; i++)
		wantd += (i + 1) * d[i];
	check_double("sumd12", pkrsig_sumd(12, d[0], d[1], d[2], d[3], d[4], d[5],
					   d[6], d[7], d[8], d[9], d[10], d[11]),
		     wantd);
}

static void t_structs(void)
{
	struct pkrsig_small s = { 0x1111222233334444L, -0x5555666677778888L };
	struct pkrsig_big b;
	struct pkrsig_small rs;
	struct pkrsig_pair rp;
	struct pkrsig_dd rd;
	long want3[] = { s.a, s.b, -42 };
	char g[96], w[96];

	for (int i = 0; i < 8; i++)
		b.v[i] = (long)0xF00D000000000000ull + i * 0x10001L;
	check_u64("small_in", (uint64_t)pkrsig_small_in(s, -42), fold_n(want3, 3));
	check_u64("big_in", (uint64_t)pkrsig_big_in(b), fold_n(b.v, 8));

	rs = pkrsig_small_ret(0x123456789L, -2L);
	snprintf(g, sizeof g, "{%ld, %ld}", rs.a, rs.b);
	snprintf(w, sizeof w, "{%ld, %ld}", 0x123456789L * 3 + 1, -2L ^ 0x123456789L);
	report("small_ret", g, rs.a == 0x123456789L * 3 + 1 && rs.b == (-2L ^ 0x123456789L), w);

	rp = pkrsig_pair_ret(-3.75, 99);
	snprintf(g, sizeof g, "{%a, %ld}", rp.x, rp.n);
	snprintf(w, sizeof w, "{%a, %ld}", -7.5, 100L);
	report("pair_ret", g, rp.x == -7.5 && rp.n == 100, w);

	rd = pkrsig_dd_ret(1.5, 0.25);
	snprintf(g, sizeof g, "{%a, %a}", rd.x, rd.y);
	snprintf(w, sizeof w, "{%a, %a}", 1.75, 1.25);
	report("dd_ret", g, rd.x == 1.75 && rd.y == 1.25, w);
}

static void t_big_ret(void)
{
	struct pkrsig_ret48 r = pkrsig_big_ret(1000003);
	int ok = 1;
	char g[160];

	for (int i = 0; i < 6; i++)
		ok &= r.v[i] == 1000003L * (i + 1) + i;
	snprintf(g, sizeof g, "{%ld, %ld, %ld, %ld, %ld, %ld}",
		 r.v[0], r.v[1], r.v[2], r.v[3], r.v[4], r.v[5]);
	report("big_ret", g, ok, "seed*(i+1)+i");
}

static void t_errno(void)
{
	long r;
	int e, got;

	errno = 0;
	r = pkrsig_set_errno(ERANGE);
	e = errno;
	check_long("set_errno.ret", r, -1);
	check_long("set_errno.errno", e, ERANGE);

	errno = EILSEQ;
	got = pkrsig_get_errno();
	check_long("get_errno", got, EILSEQ);
}

static void t_file(void)
{
	const char *dir = getenv("TMPDIR");
	char path[4096];
	unsigned char data[10007];
	uint64_t want = PKRSIG_SEED, got;
	FILE *f;
	int fd, e;

	if (dir == NULL || *dir == '\0' || strlen(dir) > 4000)
		dir = "/tmp";
	snprintf(path, sizeof path, "%s/sigprog.XXXXXX", dir);
	fd = mkstemp(path);
	if (fd < 0 || (f = fdopen(fd, "wb")) == NULL) {
		perror("sigprog: temporary file");
		exit(2);
	}
	for (size_t i = 0; i < sizeof data; i++)
		data[i] = (unsigned char)((i * 131) ^ (i >> 7));
	if (fwrite(data, 1, sizeof data, f) != sizeof data || fclose(f) != 0) {
		perror("sigprog: temporary file");
		unlink(path);
		exit(2);
	}
	for (size_t i = 0; i < sizeof data; i++)
		want = pkrsig_fold(want, (unsigned)(i & 7), data[i]);
	want = pkrsig_fold(want, 8, sizeof data);

	got = pkrsig_file_hash(arg_str(path));
	e = errno;
	unlink(path);
	if (got == 0)
		fprintf(stderr, "sigprog: pkrsig_file_hash: %s\n", strerror(e));
	check_u64("file_hash", got, want);

	errno = 0;
	got = pkrsig_file_hash(arg_str("/nonexistent-pkrewind-test/file"));
	e = errno;
	check_u64("file_missing", got, 0);
	check_long("file_missing.errno", e, ENOENT);
}

static void t_format(void)
{
	char want[256];

	snprintf(want, sizeof want, "i=%d d=%.3f x=%#x s=%s", -42, 3.14159,
		 (unsigned)-42, "hello");
	check_str("format", pkrsig_format(-42, 3.14159, arg_str("hello")), want);
}

static void t_ctype(void)
{
	check_long("upper.alpha", pkrsig_upper(arg_str("Hello, World 42! abc_XYZ")), 16);
	check_str("upper.text", pkrsig_result(), "HELLO, WORLD 42! ABC_XYZ");
}

static void t_strerror(void)
{
	char want[128];

	snprintf(want, sizeof want, "%s", strerror(ENOENT));
	check_str("strerror", pkrsig_strerror(ENOENT), want);
}

/* Unknown error numbers make glibc format into a buffer it keeps per
 * thread and frees on the next such call: alternate the program's and the
 * library's C library on it. */
static void t_strerror_mixed(void)
{
	char want[64], got[64];

	for (int e = 2001; e <= 2004; e++) {
		const char *s = (e & 1) ? strerror(e) : pkrsig_strerror(e);
		char name[32];

		snprintf(got, sizeof got, "%s", s);
		snprintf(want, sizeof want, "Unknown error %d", e);
		snprintf(name, sizeof name, "strerror.%s.%d", (e & 1) ? "prog" : "lib", e);
		check_str(name, got, want);
	}
}

static void t_recurse(void)
{
	const int depth = 256;
	uint64_t want = PKRSIG_SEED;
	long used;

	for (int d = 1; d <= depth; d++)
		for (int i = 0; i < 1024; i += 64)
			want = pkrsig_fold(want, (unsigned)(i / 64), (unsigned char)(char)(d + i));
	check_u64("recurse", pkrsig_recurse(depth), want);
	used = pkrsig_stack_used();
	report("recurse.stack", used >= 256 * 1024 ? ">=256KiB" : "<256KiB",
	       used >= 256 * 1024, ">=256KiB");
}

/* The callback: program code that calls back into the library. */
static int nested(int v)
{
	return 2 * pkrsig_nop(v);
}

static void t_callback(void)
{
	check_long("apply", pkrsig_apply(nested, 20), 2 * 21 + 1000);
}

static void t_misc(void)
{
	check_long("nop", pkrsig_nop(41), 42);
	report("self_addr", pkrsig_self_addr() != NULL ? "non-null" : "null",
	       pkrsig_self_addr() != NULL, "non-null");
}

static const struct item {
	void (*run)(void);
	unsigned flags;
} items[] = {
	{ t_integers, 0 },
	{ t_narrow, 0 },
	{ t_mixed, 0 },
	{ t_float, 0 },
	{ t_long_double, 0 },
	{ t_variadic, 0 },
	{ t_structs, 0 },
	{ t_big_ret, F_WRITES },
	{ t_errno, 0 },
	{ t_file, 0 },
	{ t_format, 0 },
	{ t_ctype, 0 },
	{ t_strerror, F_ENV },
	{ t_strerror_mixed, F_ENV },
	{ t_recurse, 0 },
	{ t_callback, F_CALLBACK },
	{ t_misc, 0 },
};

static void run_items(unsigned exclude)
{
	for (size_t i = 0; i < sizeof items / sizeof items[0]; i++) {
		if (items[i].flags & exclude)
			continue;
		scratch_used = 0;
		items[i].run();
	}
}

/* ---- the other modes ---------------------------------------------- */

static int do_pkru(int verbose)
{
	unsigned mine = pkrsig_rdpkru();
	unsigned lib = pkrsig_pkru();

	if (verbose)
		fprintf(stderr, "sigprog: program PKRU %#010x, library PKRU %#010x\n",
			mine, lib);
	puts(lib != mine ? "isolated" : "not isolated");
	return 0;
}

static int do_loop(const char *arg)
{
	char *end;
	long n = strtol(arg, &end, 10);

	if (*arg == '\0' || *end != '\0' || n < 0 || n > 1000000000L) {
		fprintf(stderr, "sigprog: bad count '%s'\n", arg);
		return 2;
	}
	for (long i = 0; i < n; i++) {
		int x = (int)(i & 0x3fffffff);

		if (pkrsig_nop(x) != x + 1) {
			printf("loop: call %ld returned a wrong value\n", i);
			return 1;
		}
	}
	printf("%ld\n", n);
	return 0;
}

static int do_poke(void)
{
	pkrsig_poke(&prog_global, 42);
	printf("global=%d\n", *(volatile int *)&prog_global);
	return 0;
}

/* The ProtectionKey field of the /proc/self/smaps entry holding addr;
 * -1 when there is none (no PKU, or no such mapping). */
static long smaps_key(uintptr_t a)
{
	char line[512];
	int inside = 0;
	long key = -1;
	FILE *f = fopen("/proc/self/smaps", "r");

	if (f == NULL) {
		perror("sigprog: /proc/self/smaps");
		exit(2);
	}
	while (fgets(line, sizeof line, f) != NULL) {
		unsigned long lo, hi;
		char perms[8];

		if (sscanf(line, "%lx-%lx %7s", &lo, &hi, perms) == 3) {
			inside = a >= lo && a < hi;
			continue;
		}
		if (inside && sscanf(line, "ProtectionKey: %ld", &key) == 1)
			break;
	}
	fclose(f);
	return key;
}

static int do_smaps(void)
{
	long lib = smaps_key((uintptr_t)pkrsig_self_addr());
	long prog = smaps_key((uintptr_t)&prog_global);
	void *heap = pkrsig_heap_addr();

	if (heap == NULL) {
		fprintf(stderr, "sigprog: pkrsig_heap_addr: the library's malloc failed\n");
		return 1;
	}
	printf("lib-key=%ld prog-key=%ld\n", lib, prog);
	printf("heap-key=%ld stack-key=%ld\n", smaps_key((uintptr_t)heap),
	       smaps_key(pkrsig_stack_addr()));
	return 0;
}

/* 1 if the mapping holding addr is writable, 0 if not, -1 if unmapped. */
static int maps_writable(uintptr_t a)
{
	char line[512];
	int w = -1;
	FILE *f = fopen("/proc/self/maps", "r");

	if (f == NULL) {
		perror("sigprog: /proc/self/maps");
		exit(2);
	}
	while (fgets(line, sizeof line, f) != NULL) {
		unsigned long lo, hi;
		char perms[8];

		if (sscanf(line, "%lx-%lx %7s", &lo, &hi, perms) == 3 &&
		    a >= lo && a < hi) {
			w = perms[1] == 'w';
			break;
		}
	}
	fclose(f);
	return w;
}

struct got_scan {
	int slots;      /* GOT slots of pkrsig_ functions */
	int writable;   /* of those, in a writable mapping */
	int unmapped;   /* of those, in no mapping at all */
};

/* ld.so turns some .dynamic entries into absolute addresses when the
 * section is writable; read-only ones stay relative to the load address. */
static uintptr_t dyn_addr(uintptr_t base, uintptr_t v)
{
	return v < base ? base + v : v;
}

static void scan_relocs(struct got_scan *g, uintptr_t base, const ElfW(Rela) *r,
			size_t size, const ElfW(Sym) *symtab, const char *strtab)
{
	for (size_t i = 0; i < size / sizeof *r; i++) {
		unsigned type = ELF64_R_TYPE(r[i].r_info);
		const ElfW(Sym) *sym = &symtab[ELF64_R_SYM(r[i].r_info)];
		int w;

		if ((type != R_X86_64_JUMP_SLOT && type != R_X86_64_GLOB_DAT) ||
		    ELF64_R_SYM(r[i].r_info) == 0 ||
		    strncmp(strtab + sym->st_name, "pkrsig_", 7) != 0)
			continue;
		g->slots++;
		w = maps_writable(base + r[i].r_offset);
		if (w < 0)
			g->unmapped++;
		else if (w)
			g->writable++;
	}
}

/* dl_iterate_phdr callback: the first object is the program itself. */
static int scan_program(struct dl_phdr_info *info, size_t size, void *arg)
{
	struct got_scan *g = arg;
	const ElfW(Dyn) *dyn = NULL;
	const ElfW(Sym) *symtab = NULL;
	const char *strtab = NULL;
	const ElfW(Rela) *jmprel = NULL, *rela = NULL;
	size_t jmprelsz = 0, relasz = 0;
	uintptr_t base = info->dlpi_addr;

	(void)size;
	for (int i = 0; i < info->dlpi_phnum; i++)
		if (info->dlpi_phdr[i].p_type == PT_DYNAMIC)
			dyn = (const ElfW(Dyn) *)(base + info->dlpi_phdr[i].p_vaddr);
	for (; dyn != NULL && dyn->d_tag != DT_NULL; dyn++) {
		uintptr_t p = dyn_addr(base, dyn->d_un.d_ptr);

		switch (dyn->d_tag) {
		case DT_SYMTAB: symtab = (const ElfW(Sym) *)p; break;
		case DT_STRTAB: strtab = (const char *)p; break;
		case DT_JMPREL: jmprel = (const ElfW(Rela) *)p; break;
		case DT_PLTRELSZ: jmprelsz = dyn->d_un.d_val; break;
		case DT_RELA: rela = (const ElfW(Rela) *)p; break;
		case DT_RELASZ: relasz = dyn->d_un.d_val; break;
		}
	}
	if (symtab != NULL && strtab != NULL) {
		if (jmprel != NULL)
			scan_relocs(g, base, jmprel, jmprelsz, symtab, strtab);
		if (rela != NULL)
			scan_relocs(g, base, rela, relasz, symtab, strtab);
	}
	return 1;       /* the program only */
}

static int do_relro(void)
{
	struct got_scan g = { 0, 0, 0 };

	/* Bind (lazily, without the shim) and use the slots first. */
	if (pkrsig_nop(1) != 2) {
		printf("relro: pkrsig_nop(1) returned a wrong value\n");
		return 1;
	}
	dl_iterate_phdr(scan_program, &g);
	if (g.slots == 0) {
		printf("got: no slots of pkrsig_ functions found\n");
		return 1;
	}
	if (g.unmapped)
		printf("got: %d slots, %d not mapped\n", g.slots, g.unmapped);
	else if (g.writable)
		printf("got: %d slots, %d writable\n", g.slots, g.writable);
	else
		printf("got: %d slots, all read-only\n", g.slots);
	/* The slots still lead to the library. */
	if (pkrsig_nop(41) != 42) {
		printf("relro: pkrsig_nop(41) returned a wrong value afterwards\n");
		return 1;
	}
	return g.unmapped ? 1 : 0;
}

static void usage(void)
{
	fprintf(stderr, "usage: sigprog all|readsafe|nonesafe|pkru [-v]|loop N|poke|smaps|relro|say TEXT\n");
	exit(2);
}

int main(int argc, char **argv)
{
	const char *mode;

	/* Line-buffered, so that a run that dies shows how far it got. */
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc < 2)
		usage();
	mode = argv[1];

	if (strcmp(mode, "all") == 0 && argc == 2) {
		run_items(0);
	} else if (strcmp(mode, "readsafe") == 0 && argc == 2) {
		run_items(F_WRITES);
	} else if (strcmp(mode, "nonesafe") == 0 && argc == 2) {
		copy_args = 1;
		run_items(F_WRITES | F_ENV | F_CALLBACK);
	} else if (strcmp(mode, "pkru") == 0 && argc <= 3) {
		if (argc == 3 && strcmp(argv[2], "-v") != 0)
			usage();
		return do_pkru(argc == 3);
	} else if (strcmp(mode, "loop") == 0 && argc == 3) {
		return do_loop(argv[2]);
	} else if (strcmp(mode, "poke") == 0 && argc == 2) {
		return do_poke();
	} else if (strcmp(mode, "smaps") == 0 && argc == 2) {
		return do_smaps();
	} else if (strcmp(mode, "relro") == 0 && argc == 2) {
		return do_relro();
	} else if (strcmp(mode, "say") == 0 && argc == 3) {
		/* Left in the library's stdio buffer: must reach stdout at exit. */
		return pkrsig_say(argv[2]) < 0;
	} else {
		usage();
	}
	if (failures)
		fprintf(stderr, "sigprog: %d result(s) BAD\n", failures);
	return failures ? 1 : 0;
}
