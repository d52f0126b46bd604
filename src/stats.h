/* stats.h - per-domain and per-function call and fault counts.
 *
 * Invariants: counts are kept in the function descriptors (the gate
 * increments `calls` without a lock: under concurrent calls from several
 * threads a count may miss increments) and in the domain (faults, resets).
 * pkr_stats_print() runs at exit when PKREWIND_STATS=1; not async-signal-
 * safe in general but uses only the async-signal-safe logger.
 */
#ifndef PKR_STATS_H
#define PKR_STATS_H

void pkr_stats_init(void);
void pkr_stats_print(void);

#endif
