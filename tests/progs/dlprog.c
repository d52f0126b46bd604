/* dlprog.c - loads the signature fixture at run time: dlopen(argv[1]),
 * dlsym("pkrsig_nop"), dlsym("pkrsig_pkru"), dlsym("pkrsig_sum").
 * Does not link libpkrsig, so the only way the shim can isolate these
 * calls is through its dlopen/dlsym wrappers.
 *
 * Prints "nop(41)=42", "sum=<value> ok" and then "isolated" when the
 * library runs with a PKRU other than the program's, else "not isolated".
 * Exit status 1 if a result is wrong or a symbol is missing.
 */
#include "config.h"

#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pkrsig.h"

int main(int argc, char **argv)
{
	int (*nop)(int);
	unsigned (*pkru)(void);
	int (*sum)(int, ...);
	unsigned mine, lib;
	void *h;
	int status = 0, r;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc != 2) {
		fprintf(stderr, "usage: dlprog PATH-OF-libpkrsig.so\n");
		return 2;
	}
	h = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL);
	if (h == NULL) {
		fprintf(stderr, "dlprog: dlopen: %s\n", dlerror());
		return 1;
	}
	/* POSIX: a data pointer converted to a function pointer via memcpy. */
	{
		void *p1 = dlsym(h, "pkrsig_nop");
		void *p2 = dlsym(h, "pkrsig_pkru");
		void *p3 = dlsym(h, "pkrsig_sum");

		if (p1 == NULL || p2 == NULL || p3 == NULL) {
			fprintf(stderr, "dlprog: dlsym: %s\n", dlerror());
			return 1;
		}
		memcpy(&nop, &p1, sizeof nop);
		memcpy(&pkru, &p2, sizeof pkru);
		memcpy(&sum, &p3, sizeof sum);
	}

	r = nop(41);
	printf("nop(41)=%d\n", r);
	if (r != 42)
		status = 1;

	r = sum(8, 1, 2, 3, 4, 5, 6, 7, 8);   /* two values on the stack */
	printf("sum=%d %s\n", r, r == 204 ? "ok" : "BAD (expected 204)");
	if (r != 204)
		status = 1;

	mine = pkrsig_rdpkru();
	lib = pkru();
	puts(lib != mine ? "isolated" : "not isolated");

	if (dlclose(h) != 0) {
		fprintf(stderr, "dlprog: dlclose: %s\n", dlerror());
		status = 1;
	}
	return status;
}
