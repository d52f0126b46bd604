/* dataprog.c - uses the data objects an isolated library exports
 * (tests/fixtures/libpkrdata.so; see pkrdata.h).
 *
 * Built twice: dataprog (position-independent executable code: the
 * variables are reached through copy relocations, R_X86_64_COPY) and
 * dataprog-got (compiled with -fPIC: through GOT slots,
 * R_X86_64_GLOB_DAT).
 *
 *   dataprog         reads the counter from both sides; "isolated" when
 *                    the library runs with a PKRU other than the
 *                    program's, else "not isolated"
 *   dataprog share   every write from both sides, the function-pointer
 *                    variables called from the program and set by it,
 *                    memory allocated and freed through them, also
 *                    with the program's own allocator installed: one line
 *                    per step, "ok" or "BAD"; a write by the library
 *                    that was refused (read mode: rewound, -1) prints
 *                    "refused" and what the program then sees
 * Exit status 1 if a value is wrong.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pkrdata.h"
#include "pkrsig.h"

static int status;

static void check(const char *what, long got, long want)
{
	printf("%s: %ld %s\n", what, got, got == want ? "ok" : "BAD");
	status |= got != want;
}

static int counted;

/* A hook that writes the program's memory: the library must call it with
 * the program's rights (a callback), even in read mode. */
static int counting(int x)
{
	counted++;
	return 10 * x;
}

static int triple(int x)
{
	return 3 * x;
}

/* The program's own allocator, installed into the library's variables
 * as xmlMemSetup does it: the library allocates program memory. */
static int prog_allocs, prog_frees;

static void *prog_malloc(size_t n)
{
	prog_allocs++;
	return malloc(n);
}

static void prog_free(void *p)
{
	prog_frees += p != NULL;
	free(p);
}

static int share(void)
{
	char *s;
	void *p;
	int r;

	check("program reads the counter", pkrdata_counter, PKRDATA_INITIAL);
	pkrdata_counter = 7;
	check("library reads the counter the program wrote", pkrdata_get(), 7);
	r = pkrdata_set(99);
	if (r == 99)
		check("program reads the counter the library wrote", pkrdata_counter, 99);
	else
		printf("library's write refused (%d); program reads %d\n", r, pkrdata_counter);
	pkrdata_array[2] = 30;
	check("library sums the array the program wrote", pkrdata_sum(), 1 + 2 + 30 + 4);
	r = pkrdata_array_set(1, 20);
	if (r == 20)
		check("program reads the array element the library wrote", pkrdata_array[1], 20);
	else
		printf("library's array write refused (%d); program reads %d\n", r, pkrdata_array[1]);
	check("program calls the library's hook", pkrdata_hook(21), 42);
	pkrdata_hook = triple;
	check("library calls the hook the program set", pkrdata_call(5), 15);
	pkrdata_hook = counting;
	check("library calls the program's hook that writes the program's memory", pkrdata_call(4), 40);
	check("the program's hook ran once", counted, 1);
	r = pkrdata_hook_back();
	if (r == 1)
		check("program calls the library's function the library stored", pkrdata_hook(21), 42);
	else
		printf("library's store of its function refused (%d)\n", r);
	pkrdata_hook = triple;
	s = pkrdata_strdup("shared");
	check("library's string", s && strcmp(s, "shared") == 0, 1);
	pkrdata_free(s);
	p = pkrdata_malloc(64);
	check("program allocates through the library's pointer", p != NULL, 1);
	memset(p, 1, 64);
	pkrdata_free(p);
	printf("freed both\n");
	pkrdata_malloc = prog_malloc;
	pkrdata_free = prog_free;
	s = pkrdata_strdup("in the program's allocator");
	if (s) {
		check("library's string in a block of the program's allocator",
		      strcmp(s, "in the program's allocator") == 0 && prog_allocs == 1, 1);
		pkrdata_free(s);
		check("the program's allocator freed it", prog_frees, 1);
	} else {
		printf("library's copy into the program allocator's block refused "
		       "(allocations %d)\n", prog_allocs);
	}
	pkrdata_malloc = malloc;
	pkrdata_free = free;
	s = malloc(32);
	if (!s)
		return 1;
	strcpy(s, "the program's block");
	check("library frees a block the program allocated", pkrdata_take(s), 1);
	s = malloc(32);
	if (!s)
		return 1;
	strcpy(s, "grown by the library");
	p = pkrdata_grow(s, 1 << 16);
	if (p) {
		check("library reallocates a block the program allocated", strcmp(p, "grown by the library") == 0, 1);
		free(p);
	} else {
		printf("library's realloc of the program's block refused\n");
		free(s);
	}
	return status;
}

int main(int argc, char **argv)
{
	int v;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc == 2 && strcmp(argv[1], "share") == 0)
		return share();
	v = pkrdata_counter;
	printf("program reads pkrdata_counter=%d %s\n", v,
	       v == PKRDATA_INITIAL ? "ok" : "BAD");
	status |= v != PKRDATA_INITIAL;
	v = pkrdata_get();
	printf("library reads pkrdata_counter=%d %s\n", v,
	       v == PKRDATA_INITIAL ? "ok" : "BAD");
	status |= v != PKRDATA_INITIAL;
	v = pkrdata_add(40, 2);
	printf("pkrdata_add(40, 2)=%d %s\n", v, v == 42 ? "ok" : "BAD");
	status |= v != 42;
	puts(pkrdata_pkru() != pkrsig_rdpkru() ? "isolated" : "not isolated");
	return status;
}
