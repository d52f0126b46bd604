/* benchdom.h: the fifteen fixture libraries libbenchdom1.so ..
 * libbenchdom15.so, one per possible domain, for the start-up and memory
 * benchmarks.  All are built from libbenchdom.c with a different
 * BENCHDOM_N; library k exports benchdomk(x) (returns x + k) and
 * benchdomk_pkru() (the PKRU it runs with).  No state, no locks; not
 * async-signal-safe by contract (nothing here is meant for handlers). */
#ifndef PKR_BENCHDOM_H
#define PKR_BENCHDOM_H

#define BENCHDOM_COUNT 15

#define BENCHDOM_DECLARE(k)					\
	int benchdom##k(int x);					\
	unsigned benchdom##k##_pkru(void);

BENCHDOM_DECLARE(1) BENCHDOM_DECLARE(2) BENCHDOM_DECLARE(3)
BENCHDOM_DECLARE(4) BENCHDOM_DECLARE(5) BENCHDOM_DECLARE(6)
BENCHDOM_DECLARE(7) BENCHDOM_DECLARE(8) BENCHDOM_DECLARE(9)
BENCHDOM_DECLARE(10) BENCHDOM_DECLARE(11) BENCHDOM_DECLARE(12)
BENCHDOM_DECLARE(13) BENCHDOM_DECLARE(14) BENCHDOM_DECLARE(15)

#endif /* PKR_BENCHDOM_H */
