/* dlsymprog.c - function pointers from dlsym, dlvsym and the GOT, and a
 * dlopen() by bare name through the program's DT_RUNPATH.
 *
 * Built twice:
 *   dlsymprog [PART...]
 *               linked with libpkrsig.so and libpkrver.so.  The parts:
 *               got       &pkrsig_nop and &pkrver_vfn from its own GOT, and
 *                         a call of pkrver_vfn through its PLT;
 *               default   pkrsig_nop/pkrsig_pkru from dlsym(RTLD_DEFAULT);
 *               next      the same from dlsym(RTLD_NEXT);
 *               versions  pkrver_vfn from dlvsym() for both of its versions
 *                         (through a dlopen() handle and RTLD_DEFAULT) and
 *                         from dlsym() (the default version).
 *               Without arguments, all four in that order.
 *   dlrunprog   (DLSYMPROG_RUNPATH) not linked with either library; its
 *               DT_RUNPATH names the fixture's directory, and it does
 *               dlopen("libpkrsig.so", RTLD_NOW), a bare name.
 *
 * For every pointer, one line:
 *   WHAT: RESULT ok|BAD (...), in the library|outside the library, isolated|not isolated
 * "in the library": the pointer lies in a file mapping of the library
 * (/proc/self/maps); a trampoline does not.  "isolated": the code reached
 * through it (for pkrsig_nop: pkrsig_pkru got the same way) runs with a
 * PKRU other than the program's.  Lines also say whether two ways of
 * getting a function give the same pointer.  No line holds an address or
 * a PKRU value.  Exit status 1 if a result is wrong or a lookup fails.
 */
#include "config.h"

#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pkrsig.h"
#include "pkrver.h"

static int failures;

/* Is addr inside a mapping of a file whose name ends in "/LIB"? */
static int in_library(const void *addr, const char *lib)
{
	char line[4200];
	uintptr_t a = (uintptr_t)addr;
	size_t ll = strlen(lib);
	int found = 0;
	FILE *f = fopen("/proc/self/maps", "r");

	if (f == NULL) {
		perror("dlsymprog: /proc/self/maps");
		exit(2);
	}
	while (!found && fgets(line, sizeof line, f) != NULL) {
		unsigned long lo, hi;
		char *path = strchr(line, '/');
		size_t pl;

		if (sscanf(line, "%lx-%lx", &lo, &hi) != 2 || a < lo || a >= hi ||
		    path == NULL)
			continue;
		pl = strcspn(path, "\n");
		found = pl > ll && path[pl - ll - 1] == '/' &&
			strncmp(path + pl - ll, lib, ll) == 0;
	}
	fclose(f);
	return found;
}

static const char *where(const void *p, const char *lib)
{
	return in_library(p, lib) ? "in the library" : "outside the library";
}

/* POSIX: a dlsym() result becomes a function pointer through memcpy. */
#define TO_FN(fp, vp) memcpy(&(fp), &(vp), sizeof(fp))

static void *need(void *p, const char *what)
{
	if (p == NULL) {
		const char *e = dlerror();

		printf("%s: lookup failed: %s\n", what, e ? e : "(no dlerror)");
		exit(1);
	}
	return p;
}

/* pkrsig_nop and pkrsig_pkru obtained the same way. */
static void check_sig(const char *what, void *vnop, void *vpkru)
{
	int (*nop)(int);
	unsigned (*pkru)(void);
	int r;

	TO_FN(nop, vnop);
	TO_FN(pkru, vpkru);
	r = nop(41);
	if (r != 42)
		failures++;
	printf("%s: nop(41)=%d %s, %s, %s\n", what, r,
	       r == 42 ? "ok" : "BAD (expected 42)", where(vnop, "libpkrsig.so"),
	       pkru() != pkrsig_rdpkru() ? "isolated" : "not isolated");
}

#ifndef DLSYMPROG_RUNPATH
/* pkrver_vfn of a known version. */
static void check_ver(const char *what, void *vfn, int version)
{
	uint64_t (*fn)(uint32_t);
	uint64_t r;
	uint32_t want = 7 * 10 + (uint32_t)version;

	TO_FN(fn, vfn);
	r = fn(7);
	if (PKRVER_VALUE(r) != want)
		failures++;
	if (PKRVER_VALUE(r) == want)
		printf("%s: vfn(7)=%u ok (version %d)", what, PKRVER_VALUE(r), version);
	else
		printf("%s: vfn(7)=%u BAD (expected %u)", what, PKRVER_VALUE(r), want);
	printf(", %s, %s\n", where(vfn, "libpkrver.so"),
	       PKRVER_PKRU(r) != pkrsig_rdpkru() ? "isolated" : "not isolated");
}

static void same(const char *what, const void *a, const void *b, int want)
{
	int eq = a == b;

	if (eq != want)
		failures++;
	printf("%s: %s %s\n", what, eq ? "same pointer" : "different pointers",
	       eq == want ? "ok" : "BAD");
}

/* The pointers the program holds in its own GOT (GLOB_DAT: it takes the
 * functions' addresses), and a call through its PLT (JUMP_SLOT). */
static void *got_nop(void)
{
	int (*fn)(int) = pkrsig_nop;
	void *v;

	memcpy(&v, &fn, sizeof v);
	return v;
}

static void *got_vfn(void)
{
	uint64_t (*fn)(uint32_t) = pkrver_vfn;
	void *v;

	memcpy(&v, &fn, sizeof v);
	return v;
}

static void t_got(void)
{
	uint64_t r = pkrver_vfn(7);

	check_sig("&pkrsig_nop (GOT)", got_nop(),
		  need(dlsym(RTLD_DEFAULT, "pkrsig_pkru"), "dlsym(RTLD_DEFAULT, pkrsig_pkru)"));
	check_ver("&pkrver_vfn (GOT)", got_vfn(), 2);
	if (PKRVER_VALUE(r) != 72)
		failures++;
	printf("pkrver_vfn(7) (linked call): %u %s, %s\n", PKRVER_VALUE(r),
	       PKRVER_VALUE(r) == 72 ? "ok (version 2)" : "BAD (expected 72)",
	       PKRVER_PKRU(r) != pkrsig_rdpkru() ? "isolated" : "not isolated");
}

static void t_default(void)
{
	void *p = need(dlsym(RTLD_DEFAULT, "pkrsig_nop"), "dlsym(RTLD_DEFAULT, pkrsig_nop)");

	check_sig("dlsym(RTLD_DEFAULT, pkrsig_nop)", p,
		  need(dlsym(RTLD_DEFAULT, "pkrsig_pkru"), "dlsym(RTLD_DEFAULT, pkrsig_pkru)"));
	same("dlsym(RTLD_DEFAULT, pkrsig_nop) vs &pkrsig_nop", p, got_nop(), 1);
}

/* RTLD_NEXT from the program: the next object that defines the symbol. */
static void t_next(void)
{
	void *p = need(dlsym(RTLD_NEXT, "pkrsig_nop"), "dlsym(RTLD_NEXT, pkrsig_nop)");

	check_sig("dlsym(RTLD_NEXT, pkrsig_nop)", p,
		  need(dlsym(RTLD_NEXT, "pkrsig_pkru"), "dlsym(RTLD_NEXT, pkrsig_pkru)"));
	same("dlsym(RTLD_NEXT, pkrsig_nop) vs &pkrsig_nop", p, got_nop(), 1);
}

/* The versioned function.  The library is loaded already, so dlopen() by
 * soname with RTLD_NOLOAD returns a handle to it. */
static void t_versions(void)
{
	void *h, *v1, *v2, *vdef, *v1d, *v2d;

	h = need(dlopen("libpkrver.so", RTLD_NOW | RTLD_NOLOAD),
		 "dlopen(libpkrver.so, RTLD_NOLOAD)");
	v1 = need(dlvsym(h, "pkrver_vfn", "PKRVER_1"), "dlvsym(handle, pkrver_vfn, PKRVER_1)");
	v2 = need(dlvsym(h, "pkrver_vfn", "PKRVER_2"), "dlvsym(handle, pkrver_vfn, PKRVER_2)");
	vdef = need(dlsym(h, "pkrver_vfn"), "dlsym(handle, pkrver_vfn)");
	v1d = need(dlvsym(RTLD_DEFAULT, "pkrver_vfn", "PKRVER_1"),
		   "dlvsym(RTLD_DEFAULT, pkrver_vfn, PKRVER_1)");
	v2d = need(dlvsym(RTLD_DEFAULT, "pkrver_vfn", "PKRVER_2"),
		   "dlvsym(RTLD_DEFAULT, pkrver_vfn, PKRVER_2)");
	check_ver("dlvsym(handle, pkrver_vfn, PKRVER_1)", v1, 1);
	check_ver("dlvsym(handle, pkrver_vfn, PKRVER_2)", v2, 2);
	check_ver("dlsym(handle, pkrver_vfn)", vdef, 2);
	check_ver("dlvsym(RTLD_DEFAULT, pkrver_vfn, PKRVER_1)", v1d, 1);
	check_ver("dlvsym(RTLD_DEFAULT, pkrver_vfn, PKRVER_2)", v2d, 2);
	same("PKRVER_1 vs PKRVER_2", v1, v2, 0);
	same("PKRVER_2 vs &pkrver_vfn", v2, got_vfn(), 1);
	same("dlsym(handle) vs PKRVER_2", vdef, v2, 1);
	same("PKRVER_1 (handle) vs PKRVER_1 (RTLD_DEFAULT)", v1, v1d, 1);
	if (dlclose(h) != 0) {
		printf("dlclose: %s\n", dlerror());
		failures++;
	}
}

static const struct part {
	const char *name;
	void (*run)(void);
} parts[] = {
	{ "got", t_got },
	{ "default", t_default },
	{ "next", t_next },
	{ "versions", t_versions },
};

/* Usage: dlsymprog [PART...]; PART is got, default, next or versions (by
 * default all four, in that order). */
int main(int argc, char **argv)
{
	size_t n = sizeof parts / sizeof parts[0];

	setvbuf(stdout, NULL, _IOLBF, 0);
	for (int a = 1; a < argc; a++) {
		size_t i;

		for (i = 0; i < n && strcmp(argv[a], parts[i].name) != 0; i++)
			;
		if (i == n) {
			fprintf(stderr, "usage: dlsymprog [got|default|next|versions]...\n");
			return 2;
		}
		parts[i].run();
	}
	if (argc == 1)
		for (size_t i = 0; i < n; i++)
			parts[i].run();
	if (failures)
		fprintf(stderr, "dlsymprog: %d result(s) BAD\n", failures);
	return failures ? 1 : 0;
}

#else /* DLSYMPROG_RUNPATH */

int main(void)
{
	void *h;

	setvbuf(stdout, NULL, _IOLBF, 0);
	/* A bare name: only this program's DT_RUNPATH leads to the file. */
	h = dlopen("libpkrsig.so", RTLD_NOW);
	if (h == NULL) {
		printf("dlopen(libpkrsig.so): failed: %s\n", dlerror());
		return 1;
	}
	printf("dlopen(libpkrsig.so): ok\n");
	check_sig("dlsym(handle, pkrsig_nop)", need(dlsym(h, "pkrsig_nop"), "dlsym(handle, pkrsig_nop)"),
		  need(dlsym(h, "pkrsig_pkru"), "dlsym(handle, pkrsig_pkru)"));
	if (dlclose(h) != 0) {
		printf("dlclose: %s\n", dlerror());
		failures++;
	}
	return failures ? 1 : 0;
}

#endif
