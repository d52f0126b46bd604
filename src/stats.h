/* stats.h - per-domain and per-function call and fault counts.
 *
 * Invariants: counts are kept in the function descriptors and in the
 * domain (faults, resets), updated with atomic increments.  The gate
 * counts calls only when pkr_count_calls is set (PKREWIND_STATS, or a
 * domain with max-faults), so that uncounted calls pay nothing for it.
 * pkr_stats_print() runs at exit when PKREWIND_STATS=1; not async-signal-
 * safe in general but uses only the async-signal-safe logger.
 */
#ifndef PKR_STATS_H
#define PKR_STATS_H

void pkr_stats_init(void);
void pkr_stats_print(void);

#endif
