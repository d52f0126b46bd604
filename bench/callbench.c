/* callbench: nanoseconds per call into libbenchnop.so through the PLT, and
 * the hardware floors of a protected call measured in the same process.
 *
 * Run it plainly for the direct-call figures, under the shim (LD_PRELOAD
 * and a policy naming libbenchnop.so) for pkrewind's figures: the program
 * is the same unmodified binary; only the GOT entries differ.
 *
 *   callbench [-r REPS] [-t MS] [-n ITERS] [--only floor|calls]
 *   callbench --probe
 *
 * --probe calls bench_pkru() and compares the PKRU the library ran with to
 * the program's own: exit 0 and "isolated" if they differ (the call went
 * through a gate), exit 1 and "direct" if they are the same.
 *
 * Result lines: see benchutil.h.  Names: loop_empty, rdpkru, wrpkru_pair,
 * wrfsbase_pair, wrpkru_wrfsbase_pair, call_nop, call_args1..12,
 * call_stack8, call_d1, call_d8. */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>

#include "benchnop.h"
#include "benchutil.h"

#ifndef HWCAP2_FSGSBASE
#define HWCAP2_FSGSBASE (1 << 1)
#endif

static inline void wrpkru(unsigned v)
{
	__asm__ volatile(".byte 0x0f,0x01,0xef" : : "a"(v), "c"(0), "d"(0)
			 : "memory");
}

static inline uint64_t rdfsbase(void)
{
	uint64_t v;

	__asm__ volatile("rdfsbase %0" : "=r"(v));
	return v;
}

static inline void wrfsbase(uint64_t v)
{
	__asm__ volatile("wrfsbase %0" : : "r"(v) : "memory");
}

/* ---- the floors ---- */

static void loop_empty(void *ctx, uint64_t n)
{
	for (uint64_t i = 0; i < n; i++)
		__asm__ volatile("" : : "r"(i));
}

static void loop_rdpkru(void *ctx, uint64_t n)
{
	unsigned s = 0;

	for (uint64_t i = 0; i < n; i++)
		s += bench_rdpkru();
	bench_sink = s;
}

/* Two writes per iteration: to a different value (key 15's write-disable
 * bit flipped; nothing in the loop touches key-15 memory), and back. */
static void loop_wrpkru_pair(void *ctx, uint64_t n)
{
	unsigned orig = bench_rdpkru(), other = orig ^ 0x80000000u;

	for (uint64_t i = 0; i < n; i++) {
		wrpkru(other);
		wrpkru(orig);
	}
}

/* Two writes of %fs base per iteration, to the same value: a different one
 * would break any TLS access a signal handler makes meanwhile. */
static void loop_wrfsbase_pair(void *ctx, uint64_t n)
{
	uint64_t fs = rdfsbase();

	for (uint64_t i = 0; i < n; i++) {
		wrfsbase(fs);
		wrfsbase(fs);
	}
}

static void loop_wrpkru_wrfsbase_pair(void *ctx, uint64_t n)
{
	unsigned orig = bench_rdpkru(), other = orig ^ 0x80000000u;
	uint64_t fs = rdfsbase();

	for (uint64_t i = 0; i < n; i++) {
		wrfsbase(fs);
		wrpkru(other);
		wrpkru(orig);
		wrfsbase(fs);
	}
}

/* ---- calls through the PLT ---- */

static void loop_nop(void *ctx, uint64_t n)
{
	int s = 0;

	for (uint64_t i = 0; i < n; i++)
		s += nop((int)i);
	bench_sink = (uint64_t)s;
}

#define ARGS_LOOP(k, ...)						\
	static void loop_args##k(void *ctx, uint64_t n)			\
	{								\
		int s = 0;						\
		for (uint64_t j = 0; j < n; j++) {			\
			int i = (int)j;					\
			s += bench_args##k(__VA_ARGS__);		\
		}							\
		bench_sink = (uint64_t)s;				\
	}

ARGS_LOOP(1, i)
ARGS_LOOP(2, i, 2)
ARGS_LOOP(3, i, 2, 3)
ARGS_LOOP(4, i, 2, 3, 4)
ARGS_LOOP(5, i, 2, 3, 4, 5)
ARGS_LOOP(6, i, 2, 3, 4, 5, 6)
ARGS_LOOP(7, i, 2, 3, 4, 5, 6, 7)
ARGS_LOOP(8, i, 2, 3, 4, 5, 6, 7, 8)
ARGS_LOOP(9, i, 2, 3, 4, 5, 6, 7, 8, 9)
ARGS_LOOP(10, i, 2, 3, 4, 5, 6, 7, 8, 9, 10)
ARGS_LOOP(11, i, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11)
ARGS_LOOP(12, i, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12)

static void loop_stack8(void *ctx, uint64_t n)
{
	long s = 0;

	for (uint64_t j = 0; j < n; j++) {
		long i = (long)j;

		s += bench_stack8(i, 2, 3, 4, 5, 6, i, 8, 9, 10, 11, 12, 13, 14);
	}
	bench_sink = (uint64_t)s;
}

static void loop_d1(void *ctx, uint64_t n)
{
	double s = 0;

	for (uint64_t i = 0; i < n; i++)
		s += bench_d1((double)i);
	bench_sink = (uint64_t)s;
}

static void loop_d8(void *ctx, uint64_t n)
{
	double s = 0;

	for (uint64_t i = 0; i < n; i++)
		s += bench_d8((double)i, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0);
	bench_sink = (uint64_t)s;
}

/* Checks that the arguments and results cross the library boundary intact
 * (under the shim, through the gate): a benchmark of a broken call is
 * worthless.  Returns the number of mismatches. */
static int check_calls(void)
{
	int bad = 0;

	bad += nop(-12345) != -12345;
	bad += bench_args6(1, 2, 3, 4, 5, 6) != 21;
	bad += bench_args12(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12) != 78;
	bad += bench_stack8(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14)
	       != 105;
	bad += bench_d1(2.5) != 2.5;
	bad += bench_d8(1, 2, 3, 4, 5, 6, 7, 8) != 36.0;
	return bad;
}

/* Names the access of key 0 (the program's memory) in a PKRU value. */
static const char *key0_mode(unsigned pkru)
{
	switch (pkru & 3u) {
	case 0: return "write";
	case 2: return "read";
	default: return "none";
	}
}

static int probe(void)
{
	unsigned prog = bench_rdpkru();
	unsigned lib = bench_pkru();
	int isolated = lib != prog;

	/* One line: verdict, program PKRU, library PKRU, key-0 access the
	 * library had (write/read/none). */
	printf("probe\t%s\t0x%08x\t0x%08x\t%s\n",
	       isolated ? "isolated" : "direct", prog, lib, key0_mode(lib));
	if (check_calls() != 0) {
		printf("probe\tbroken\targuments or results changed across "
		       "the call\n");
		return 2;
	}
	return isolated ? 0 : 1;
}

/* --spin NAME N: run one loop N times and nothing else, untimed, so that
 * `perf stat` around the process counts cycles and instructions of that
 * loop alone (scripts/bench: "Where the time goes"). */
static int spin(const char *name, const char *count)
{
	static const struct {
		const char *name;
		bench_loop_fn fn;
	} tab[] = {
		{ "loop_empty", loop_empty },
		{ "wrpkru_pair", loop_wrpkru_pair },
		{ "wrpkru_wrfsbase_pair", loop_wrpkru_wrfsbase_pair },
		{ "call_nop", loop_nop },
		{ "call_stack8", loop_stack8 },
	};
	uint64_t n = strtoull(count, NULL, 10);

	for (size_t k = 0; k < sizeof tab / sizeof tab[0]; k++)
		if (strcmp(tab[k].name, name) == 0 && n > 0) {
			tab[k].fn(NULL, n);
			return 0;
		}
	fprintf(stderr, "callbench: --spin: unknown loop '%s' or bad count\n", name);
	return 2;
}

static int usage(void)
{
	fprintf(stderr, "usage: callbench [-r REPS] [-t MS] [-n ITERS] "
		"[--only floor|calls]\n       callbench --probe\n"
		"       callbench --spin loop_empty|wrpkru_pair|"
		"wrpkru_wrfsbase_pair|call_nop|call_stack8 N\n");
	return 2;
}

int main(int argc, char **argv)
{
	int floors = 1, calls = 1;

	for (int i = 1; i < argc; i++) {
		int r = bench_parse_common(argc, argv, &i);

		if (r < 0)
			return usage();
		if (r > 0)
			continue;
		if (strcmp(argv[i], "--probe") == 0)
			return probe();
		if (strcmp(argv[i], "--spin") == 0 && i + 2 < argc)
			return spin(argv[i + 1], argv[i + 2]);
		if (strcmp(argv[i], "--only") == 0 && i + 1 < argc) {
			i++;
			floors = strcmp(argv[i], "floor") == 0;
			calls = strcmp(argv[i], "calls") == 0;
			if (!floors && !calls)
				return usage();
			continue;
		}
		return usage();
	}

	if (check_calls() != 0) {
		fprintf(stderr, "callbench: arguments or results changed "
			"across calls into libbenchnop; not measuring\n");
		return 1;
	}
	printf("# callbench: ns per iteration; median, min, max of %u "
	       "interleaved repetitions; PKRU 0x%08x; library PKRU 0x%08x\n",
	       bench_reps, bench_rdpkru(), bench_pkru());

	if (floors) {
		int fsgs = (getauxval(AT_HWCAP2) & HWCAP2_FSGSBASE) != 0;

		bench_add("loop_empty", loop_empty, NULL);
		bench_add("rdpkru", loop_rdpkru, NULL);
		bench_add("wrpkru_pair", loop_wrpkru_pair, NULL);
		if (fsgs) {
			bench_add("wrfsbase_pair", loop_wrfsbase_pair, NULL);
			bench_add("wrpkru_wrfsbase_pair",
				  loop_wrpkru_wrfsbase_pair, NULL);
		} else {
			const char *why = "AT_HWCAP2 lacks FSGSBASE: the "
					  "kernel does not allow wrfsbase";

			bench_not_measured("wrfsbase_pair", why);
			bench_not_measured("wrpkru_wrfsbase_pair", why);
		}
	}
	if (calls) {
		static const struct {
			const char *name;
			bench_loop_fn fn;
		} tab[] = {
			{ "call_nop", loop_nop },
			{ "call_args1", loop_args1 },
			{ "call_args2", loop_args2 },
			{ "call_args3", loop_args3 },
			{ "call_args4", loop_args4 },
			{ "call_args5", loop_args5 },
			{ "call_args6", loop_args6 },
			{ "call_args7", loop_args7 },
			{ "call_args8", loop_args8 },
			{ "call_args9", loop_args9 },
			{ "call_args10", loop_args10 },
			{ "call_args11", loop_args11 },
			{ "call_args12", loop_args12 },
			{ "call_stack8", loop_stack8 },
			{ "call_d1", loop_d1 },
			{ "call_d8", loop_d8 },
		};

		for (size_t k = 0; k < sizeof tab / sizeof tab[0]; k++)
			bench_add(tab[k].name, tab[k].fn, NULL);
	}
	bench_run_all();
	return 0;
}
