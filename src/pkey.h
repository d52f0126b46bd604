/* pkey.h - protection keys and PKRU values.
 *
 * Invariants:
 *  - pkr_rdpkru()/pkr_wrpkru() and the fs-base helpers are
 *    async-signal-safe single instructions.
 *  - pkr_pkey_available() and pkr_pkey_alloc() are called at start-up
 *    under pkr_shim_lock.
 *  - PKRU layout: two bits per key, bit 2k = access disable, 2k+1 = write
 *    disable.  The program runs with PKRU 0 (every key readable and
 *    writable) so it can use what a library hands back.
 */
#ifndef PKR_PKEY_H
#define PKR_PKEY_H

#include <stdbool.h>
#include <stdint.h>
#include "policy.h"

static inline uint32_t pkr_rdpkru(void)
{
	uint32_t eax, edx;
	__asm__ volatile(".byte 0x0f,0x01,0xee" : "=a"(eax), "=d"(edx) : "c"(0));
	return eax;
}

static inline void pkr_wrpkru(uint32_t v)
{
	__asm__ volatile(".byte 0x0f,0x01,0xef" : : "a"(v), "c"(0), "d"(0) : "memory");
}

static inline uintptr_t pkr_rdfsbase(void)
{
	uintptr_t v;
	__asm__ volatile("rdfsbase %0" : "=r"(v));
	return v;
}

static inline void pkr_wrfsbase(uintptr_t v)
{
	__asm__ volatile("wrfsbase %0" : : "r"(v) : "memory");
}

/* The thread pointer as libc sees it (%fs:0 holds it). */
static inline uintptr_t pkr_thread_pointer(void)
{
	uintptr_t v;
	__asm__ volatile("mov %%fs:0, %0" : "=r"(v));
	return v;
}

/* true when the CPU and kernel support protection keys; else a reason. */
bool pkr_pkey_available(const char **why);
/* true when wrfsbase/rdfsbase may be used (AT_HWCAP2 FSGSBASE). */
bool pkr_fsgsbase_available(void);

/* PKRU for code running in a domain with key `key`. */
uint32_t pkr_pkru_for_domain(int key, enum pkr_trust trust);

#endif
