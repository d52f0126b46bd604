/* nestprog.c - calls that nest across two isolated libraries: the
 * signature fixture (libpkrsig.so, domain A) and the versioned fixture
 * (libpkrver.so, domain B).
 *
 * Usage: nestprog N
 *
 *  cross  N times: pkrsig_apply(to_b, x) (A) calls to_b (program code,
 *         running with A's rights), which calls pkrver_twice (B); B's
 *         result travels back through A to the program.
 *  same   N times: pkrsig_apply(outer, x) (A) calls outer (program), which
 *         calls pkrsig_apply(inner, x + 1) (A again) while its own frame
 *         holds a 512-byte pattern; inner calls pkrsig_nop (A a third
 *         time).  The pattern must survive the nested calls.
 *
 * The callbacks write no program memory (in `trusted-memory read` they
 * run with the library's rights and could not): every fact travels back
 * in the return value.  pkrsig_apply itself reports a PKRU that changed
 * across the callback (PKRSIG_APPLY_PKRU_CHANGED).
 *
 * Prints one line per check; lines ending in "yes"/"no" say what ran with
 * which rights (all "no" without the shim, all "yes" under it); no line
 * holds an address or a PKRU value.  Calls made in all, for the shim's
 * statistics: pkrsig_apply 3N, pkrsig_nop N, pkrsig_pkru 1, pkrver_twice
 * N, pkrver_pkru N + 1.  Exit status 1 if a result is wrong.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pkrsig.h"
#include "pkrver.h"

#define FLAG_B_OTHER   1     /* B ran with other rights than the callback */
#define FLAG_RESTORED  2     /* the callback's rights came back after B */
#define FLAG_BAD_PAD   1     /* outer: its pattern was overwritten */

static int failures;

/* Runs with A's rights (under the shim), on A's stack. */
static int to_b(int x)
{
	unsigned here = pkrsig_rdpkru();
	unsigned b = pkrver_pkru();
	int r = pkrver_twice(x);
	int flags = (b != here ? FLAG_B_OTHER : 0) |
		    (pkrsig_rdpkru() == here ? FLAG_RESTORED : 0);

	return r * 4 + flags;
}

static int inner(int y)
{
	return 2 * pkrsig_nop(y);
}

static int outer(int x)
{
	volatile unsigned char pad[512];
	int r, bad = 0;

	for (size_t i = 0; i < sizeof pad; i++)
		pad[i] = (unsigned char)(i * 7 + (unsigned)x);
	r = pkrsig_apply(inner, x + 1);
	for (size_t i = 0; i < sizeof pad; i++)
		bad |= pad[i] != (unsigned char)(i * 7 + (unsigned)x);
	return r * 2 + (bad ? FLAG_BAD_PAD : 0);
}

static void check(const char *what, long got, long want, long n)
{
	if (got != want) {
		printf("%s: %ld BAD (expected %ld, round %ld)\n", what, got, want, n);
		failures++;
		exit(1);
	}
}

int main(int argc, char **argv)
{
	long n, cross_other = 0, cross_restored = 0;
	unsigned mine = pkrsig_rdpkru(), a, b;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc != 2 || (n = atol(argv[1])) < 1 || n > 100000000L) {
		fprintf(stderr, "usage: nestprog N\n");
		return 2;
	}

	for (long i = 0; i < n; i++) {
		int x = (int)(i % 100000) - 5000;
		int r = pkrsig_apply(to_b, x);

		check("cross: pkrsig_apply(to_b) returned PKRSIG_APPLY_PKRU_CHANGED",
		      r == PKRSIG_APPLY_PKRU_CHANGED, 0, i);
		r -= 1000;
		check("cross: B's result through A", r >> 2, 2L * x, i);
		cross_other += (r & FLAG_B_OTHER) != 0;
		cross_restored += (r & FLAG_RESTORED) != 0;
	}
	printf("cross: %ld results of B through A ok\n", n);
	check("cross: rounds in which A's rights came back after B", cross_restored, n, 0);
	printf("cross: A's rights came back after every call into B ok\n");
	if (cross_other != 0 && cross_other != n)
		check("cross: rounds in which B ran with other rights than A", cross_other, n, 0);

	for (long i = 0; i < n; i++) {
		int x = (int)(i % 100000) - 5000;
		long want = 2L * (2L * (x + 2) + 1000) + 1000;
		int r = pkrsig_apply(outer, x);

		check("same: the callback's frame survived the nested calls",
		      r >= 1000 && ((r - 1000) & FLAG_BAD_PAD), 0, i);
		check("same: A -> program -> A -> program -> A", r, want, i);
	}
	printf("same: %ld results of A -> program -> A -> program -> A ok\n", n);

	a = pkrsig_pkru();
	b = pkrver_pkru();
	printf("A runs with other rights than the program: %s\n", a != mine ? "yes" : "no");
	printf("B runs with other rights than the program: %s\n", b != mine ? "yes" : "no");
	printf("A and B run with different rights: %s\n", a != b ? "yes" : "no");
	printf("B ran with other rights than A when called from A's callback: %s\n",
	       cross_other == n ? "yes" : "no");
	return failures ? 1 : 0;
}
