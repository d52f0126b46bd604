/* libbenchnop.so: tiny functions whose only cost is the call itself, plus a
 * few helpers for the isolation benchmarks (PKRU probe, deliberate faults,
 * memory dirtying).  See benchnop.h for the contract. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "benchnop.h"

int nop(int x) { return x; }

int bench_args1(int a1) { return a1; }
int bench_args2(int a1, int a2) { return a1 + a2; }
int bench_args3(int a1, int a2, int a3) { return a1 + a2 + a3; }
int bench_args4(int a1, int a2, int a3, int a4)
{
	return a1 + a2 + a3 + a4;
}
int bench_args5(int a1, int a2, int a3, int a4, int a5)
{
	return a1 + a2 + a3 + a4 + a5;
}
int bench_args6(int a1, int a2, int a3, int a4, int a5, int a6)
{
	return a1 + a2 + a3 + a4 + a5 + a6;
}
int bench_args7(int a1, int a2, int a3, int a4, int a5, int a6, int a7)
{
	return a1 + a2 + a3 + a4 + a5 + a6 + a7;
}
int bench_args8(int a1, int a2, int a3, int a4, int a5, int a6, int a7,
		int a8)
{
	return a1 + a2 + a3 + a4 + a5 + a6 + a7 + a8;
}
int bench_args9(int a1, int a2, int a3, int a4, int a5, int a6, int a7,
		int a8, int a9)
{
	return a1 + a2 + a3 + a4 + a5 + a6 + a7 + a8 + a9;
}
int bench_args10(int a1, int a2, int a3, int a4, int a5, int a6, int a7,
		 int a8, int a9, int a10)
{
	return a1 + a2 + a3 + a4 + a5 + a6 + a7 + a8 + a9 + a10;
}
int bench_args11(int a1, int a2, int a3, int a4, int a5, int a6, int a7,
		 int a8, int a9, int a10, int a11)
{
	return a1 + a2 + a3 + a4 + a5 + a6 + a7 + a8 + a9 + a10 + a11;
}
int bench_args12(int a1, int a2, int a3, int a4, int a5, int a6, int a7,
		 int a8, int a9, int a10, int a11, int a12)
{
	return a1 + a2 + a3 + a4 + a5 + a6 + a7 + a8 + a9 + a10 + a11 + a12;
}

long bench_stack8(long r1, long r2, long r3, long r4, long r5, long r6,
		  long s1, long s2, long s3, long s4, long s5, long s6,
		  long s7, long s8)
{
	return r1 + r2 + r3 + r4 + r5 + r6 +
	       s1 + s2 + s3 + s4 + s5 + s6 + s7 + s8;
}

double bench_d1(double a) { return a; }
double bench_d8(double a, double b, double c, double d, double e, double f,
		double g, double h)
{
	return a + b + c + d + e + f + g + h;
}

unsigned bench_pkru(void)
{
	unsigned eax, edx;

	/* rdpkru: PKRU into %eax, %edx cleared; %ecx must be 0. */
	__asm__ volatile(".byte 0x0f,0x01,0xee"
			 : "=a"(eax), "=d"(edx) : "c"(0));
	(void)edx;
	return eax;
}

/* A null pointer the compiler cannot see through, so that the store below
 * is a real store (and SIGSEGV), not a trap instruction gcc substitutes for
 * a provable null dereference. */
static volatile int *null_target(void)
{
	volatile int *p = NULL;

	__asm__ volatile("" : "+r"(p));
	return p;
}

int bench_fault(int x)
{
	*null_target() = x;
	return x;
}

int bench_fault_stamp(uint64_t *stamp)
{
	unsigned lo, hi;

	__asm__ volatile("lfence\n\trdtsc" : "=a"(lo), "=d"(hi));
	*stamp = ((uint64_t)hi << 32) | lo;
	*null_target() = 1;
	return 0;
}

static int state = BENCH_STATE_INITIAL;

int bench_state_get(void) { return state; }
void bench_state_set(int v) { state = v; }

static char *dirty_block;

long bench_dirty(long mib)
{
	size_t n;

	free(dirty_block);
	dirty_block = NULL;
	if (mib <= 0)
		return 0;
	n = (size_t)mib << 20;
	dirty_block = malloc(n);
	if (dirty_block == NULL)
		return -1;
	memset(dirty_block, 0xa5, n);
	/* Keep the stores: the block is reachable through a global. */
	__asm__ volatile("" : : "r"(dirty_block) : "memory");
	return mib;
}

size_t bench_fill(void *buf, size_t n)
{
	memset(buf, 0x5a, n);
	return n;
}
