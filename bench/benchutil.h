/* benchutil.h: timing and reporting helpers shared by the benchmark
 * programs (header only: every function is static inline).
 *
 * Invariants: single-threaded use only (the harness keeps its options, the
 * list of interleaved benchmarks and bench_sink in static variables);
 * nothing here is async-signal-safe.  Every result line has the form
 *     name<TAB>median<TAB>min<TAB>max[<TAB>comment]
 * with times in nanoseconds (per call for per-call benchmarks, per run for
 * whole-run ones) unless the name says otherwise (e.g. "rss_kib_...").  A
 * row that could not be measured is printed as
 *     name<TAB>NA<TAB>NA<TAB>NA<TAB>reason
 * Lines starting with '#' are comments. */
#ifndef PKR_BENCHUTIL_H
#define PKR_BENCHUTIL_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Options of the per-call harness (set from the command line). */
static unsigned bench_reps = 11;	/* repetitions; the median is reported */
static double bench_target_ms = 50;	/* wall time of one repetition */
static uint64_t bench_fixed_iters;	/* if non-zero: iterations per rep */

/* Results of loops end up here so that the compiler keeps the work. */
static volatile uint64_t bench_sink;

static inline uint64_t bench_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static inline int bench_cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* Sorts v[0..n) and prints the result line. */
static inline void bench_emit(const char *name, double *v, unsigned n)
{
	double med;

	if (n == 0) {
		printf("%s\tNA\tNA\tNA\tno samples\n", name);
		return;
	}
	qsort(v, n, sizeof *v, bench_cmp_double);
	med = n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
	printf("%s\t%.2f\t%.2f\t%.2f\n", name, med, v[0], v[n - 1]);
	fflush(stdout);
}

static inline void bench_not_measured(const char *name, const char *why)
{
	printf("%s\tNA\tNA\tNA\t%s\n", name, why);
	fflush(stdout);
}

/* A loop of n iterations of the operation under test. */
typedef void (*bench_loop_fn)(void *ctx, uint64_t n);

/* Runs loop once with n iterations and returns the elapsed nanoseconds. */
static inline double bench_time_loop(bench_loop_fn loop, void *ctx,
				     uint64_t n)
{
	uint64_t t0 = bench_now_ns();

	loop(ctx, n);
	return (double)(bench_now_ns() - t0);
}

/* An iteration count for which one run of loop takes about
 * bench_target_ms (or bench_fixed_iters if set). */
static inline uint64_t bench_calibrate(bench_loop_fn loop, void *ctx)
{
	uint64_t n = bench_fixed_iters;
	double t;

	if (n != 0)
		return n;
	n = 64;
	for (;;) {
		t = bench_time_loop(loop, ctx, n);
		if (t >= 2e6 || n >= (1ull << 40))
			break;
		n *= 4;
	}
	n = (uint64_t)((double)n * bench_target_ms * 1e6 / t);
	return n < 16 ? 16 : n;
}

#define BENCH_MAX_REPS 101

/* Runs one warm-up repetition and bench_reps measured ones, and prints the
 * median, minimum and maximum nanoseconds per iteration. */
static inline void bench_measure(const char *name, bench_loop_fn loop,
				 void *ctx)
{
	double v[BENCH_MAX_REPS];
	unsigned reps = bench_reps > BENCH_MAX_REPS ? BENCH_MAX_REPS : bench_reps;
	uint64_t n = bench_calibrate(loop, ctx);

	bench_time_loop(loop, ctx, n);	/* warm-up */
	for (unsigned r = 0; r < reps; r++)
		v[r] = bench_time_loop(loop, ctx, n) / (double)n;
	bench_emit(name, v, reps);
}

/* A set of benchmarks measured in interleaved rounds: each round runs one
 * repetition of every benchmark, so that a noisy phase of a shared machine
 * hits all of them alike, and figures compared with each other (a call and
 * its floor) come from the same moments. */
struct bench_item {
	const char *name;
	bench_loop_fn fn;
	void *ctx;
	uint64_t n;
	double v[BENCH_MAX_REPS];
};

static struct bench_item bench_items[64];
static unsigned bench_nitems;

static inline void bench_add(const char *name, bench_loop_fn fn, void *ctx)
{
	if (bench_nitems < sizeof bench_items / sizeof bench_items[0])
		bench_items[bench_nitems++] =
			(struct bench_item){ .name = name, .fn = fn, .ctx = ctx };
}

static inline void bench_run_all(void)
{
	unsigned reps = bench_reps > BENCH_MAX_REPS ? BENCH_MAX_REPS : bench_reps;

	for (unsigned i = 0; i < bench_nitems; i++) {
		struct bench_item *b = &bench_items[i];

		b->n = bench_calibrate(b->fn, b->ctx);
		bench_time_loop(b->fn, b->ctx, b->n);	/* warm-up */
	}
	for (unsigned r = 0; r < reps; r++)
		for (unsigned i = 0; i < bench_nitems; i++) {
			struct bench_item *b = &bench_items[i];

			b->v[r] = bench_time_loop(b->fn, b->ctx, b->n) /
				  (double)b->n;
		}
	for (unsigned i = 0; i < bench_nitems; i++)
		bench_emit(bench_items[i].name, bench_items[i].v, reps);
	bench_nitems = 0;
}

/* Parses the common options -r REPS, -t MS, -n ITERS at argv[*i]; returns
 * 1 if it consumed one, 0 if argv[*i] is not one of them, -1 on error. */
static inline int bench_parse_common(int argc, char **argv, int *i)
{
	const char *o = argv[*i];
	char *end;

	if (strcmp(o, "-r") && strcmp(o, "-t") && strcmp(o, "-n"))
		return 0;
	if (*i + 1 >= argc)
		return -1;
	const char *val = argv[++*i];
	double d = strtod(val, &end);

	if (*end || d <= 0)
		return -1;
	if (o[1] == 'r')
		bench_reps = (unsigned)d;
	else if (o[1] == 't')
		bench_target_ms = d;
	else
		bench_fixed_iters = (uint64_t)d;
	return bench_reps ? 1 : -1;
}

/* The time-stamp counter, ordered after earlier loads (lfence). */
static inline uint64_t bench_rdtsc(void)
{
	unsigned lo, hi;

	__asm__ volatile("lfence\n\trdtsc" : "=a"(lo), "=d"(hi) : : "memory");
	return ((uint64_t)hi << 32) | lo;
}

/* TSC ticks per nanosecond, measured against CLOCK_MONOTONIC over ~50 ms. */
static inline double bench_tsc_per_ns(void)
{
	uint64_t t0 = bench_now_ns(), c0 = bench_rdtsc(), t1, c1;

	do
		t1 = bench_now_ns();
	while (t1 - t0 < 50000000u);
	c1 = bench_rdtsc();
	return (double)(c1 - c0) / (double)(t1 - t0);
}

/* rdpkru: the calling thread's PKRU. */
static inline unsigned bench_rdpkru(void)
{
	unsigned eax, edx;

	__asm__ volatile(".byte 0x0f,0x01,0xee"
			 : "=a"(eax), "=d"(edx) : "c"(0));
	(void)edx;
	return eax;
}

/* VmRSS of this process in KiB, from /proc/self/status (-1 if absent). */
static inline long bench_rss_kib(void)
{
	char line[256];
	long kib = -1;
	FILE *f = fopen("/proc/self/status", "r");

	if (f == NULL)
		return -1;
	while (fgets(line, sizeof line, f))
		if (strncmp(line, "VmRSS:", 6) == 0) {
			kib = strtol(line + 6, NULL, 10);
			break;
		}
	fclose(f);
	return kib;
}

#endif /* PKR_BENCHUTIL_H */
