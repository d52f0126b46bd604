/* benchnop.h: the interface of libbenchnop.so, the library the benchmark
 * programs isolate.
 *
 * Invariants: every function is exported with default visibility and is
 * called by the programs through their PLT (the programs link the library
 * normally), so that under the shim every call goes through a trampoline.
 * Nothing here keeps a lock or calls into libc except bench_dirty (malloc,
 * memset); none of it is async-signal-safe by design, none of it is meant
 * to be called from a signal handler.  bench_fault and bench_fault_stamp
 * fault on purpose (a write to address 0).
 */
#ifndef PKR_BENCHNOP_H
#define PKR_BENCHNOP_H

#include <stddef.h>
#include <stdint.h>

/* The null call: returns its argument. */
int nop(int x);

/* 1..12 int arguments: the first six travel in registers, the rest on the
 * stack (8 bytes each).  Each returns the sum of its arguments. */
int bench_args1(int a1);
int bench_args2(int a1, int a2);
int bench_args3(int a1, int a2, int a3);
int bench_args4(int a1, int a2, int a3, int a4);
int bench_args5(int a1, int a2, int a3, int a4, int a5);
int bench_args6(int a1, int a2, int a3, int a4, int a5, int a6);
int bench_args7(int a1, int a2, int a3, int a4, int a5, int a6, int a7);
int bench_args8(int a1, int a2, int a3, int a4, int a5, int a6, int a7,
		int a8);
int bench_args9(int a1, int a2, int a3, int a4, int a5, int a6, int a7,
		int a8, int a9);
int bench_args10(int a1, int a2, int a3, int a4, int a5, int a6, int a7,
		 int a8, int a9, int a10);
int bench_args11(int a1, int a2, int a3, int a4, int a5, int a6, int a7,
		 int a8, int a9, int a10, int a11);
int bench_args12(int a1, int a2, int a3, int a4, int a5, int a6, int a7,
		 int a8, int a9, int a10, int a11, int a12);

/* Six register arguments and eight stacked ones: 64 bytes on the stack,
 * the policy language's default `stack-args`. */
long bench_stack8(long r1, long r2, long r3, long r4, long r5, long r6,
		  long s1, long s2, long s3, long s4, long s5, long s6,
		  long s7, long s8);

/* Floating-point arguments in %xmm0 and %xmm0-7; result in %xmm0. */
double bench_d1(double a);
double bench_d8(double a, double b, double c, double d, double e, double f,
		double g, double h);

/* The PKRU value the function runs with (rdpkru). */
unsigned bench_pkru(void);

/* Writes to address 0.  Under the shim with `on-fault rewind` the caller
 * gets the policy's fault-return value; without it the process dies. */
int bench_fault(int x);

/* Stores the time-stamp counter in *stamp (program memory: needs
 * `trusted-memory write`), then writes to address 0. */
int bench_fault_stamp(uint64_t *stamp);

/* Library state, for checking that `on-fault reset` restores it: the value
 * starts at BENCH_STATE_INITIAL (initialised data). */
#define BENCH_STATE_INITIAL 7
int bench_state_get(void);
void bench_state_set(int v);

/* Allocates `mib` MiB with malloc (the domain heap under the shim), writes
 * every byte, keeps the block (until the next call or a reset) and returns
 * the number of MiB dirtied, or -1 if malloc failed. */
long bench_dirty(long mib);

/* Fills buf[0..n) with 0x5a (an `out` buffer: marshbench, the cost of
 * copying or lending it across the boundary) and returns n. */
size_t bench_fill(void *buf, size_t n);

#endif /* PKR_BENCHNOP_H */
