/* libbenchdomN.so: a fixture library for the start-up and memory
 * benchmarks, compiled once per N (1..15) with -DBENCHDOM_N=N.  See
 * benchdom.h. */
#include "config.h"

#include "benchdom.h"

#ifndef BENCHDOM_N
#error "compile with -DBENCHDOM_N=<1..15>"
#endif

#define BENCHDOM_CAT(a, b) a##b
#define BENCHDOM_NAME(n, suffix) BENCHDOM_CAT(benchdom, n##suffix)
#define BENCHDOM_FN(n) BENCHDOM_NAME(n, )
#define BENCHDOM_PKRU(n) BENCHDOM_NAME(n, _pkru)

/* A little initialised data and bss, like a real library has (static:
 * exported data cannot be reached through a trampoline). */
static int benchdom_calls = 1;
static char benchdom_scratch[4096];

int BENCHDOM_FN(BENCHDOM_N)(int x)
{
	benchdom_scratch[benchdom_calls++ & 4095] = (char)x;
	return x + BENCHDOM_N;
}

unsigned BENCHDOM_PKRU(BENCHDOM_N)(void)
{
	unsigned eax, edx;

	__asm__ volatile(".byte 0x0f,0x01,0xee"
			 : "=a"(eax), "=d"(edx) : "c"(0));
	(void)edx;
	return eax;
}
