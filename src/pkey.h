/* pkey.h - protection keys and PKRU values.
 *
 * Invariants:
 *  - pkr_rdpkru()/pkr_wrpkru() and the fs-base helpers are
 *    async-signal-safe single instructions.
 *  - pkr_pkey_available(), pkr_fsgsbase_init() and pkr_sigkey_init() are
 *    called at start-up under pkr_shim_lock.
 *  - PKRU layout: two bits per key, bit 2k = access disable, 2k+1 = write
 *    disable.  The program runs with PKRU 0 (every key readable and
 *    writable) so it can use what a library hands back.
 */
#ifndef PKR_PKEY_H
#define PKR_PKEY_H

/* Shared with gate.S (checked against the system headers in pkey.c). */
#define PKR_ARCH_SET_FS 0x1002
#define PKR_ARCH_GET_FS 0x1003
#define PKR_SYS_arch_prctl 158
#define PKR_SYS_pkey_mprotect 329

#ifndef __ASSEMBLER__
#include <stdbool.h>
#include <stdint.h>
#include "policy.h"

/* 1 when the process runs without protection keys (a policy's
 * `if-no-keys rewind-only` on a CPU or kernel without them): PKRU is
 * never read or written, the gate's wrpkru instructions are patched out
 * (pkr_tramp_nokeys), domains are mapped without a key. */
extern uint8_t pkr_nokeys;

static inline uint32_t pkr_rdpkru(void)
{
	uint32_t eax, edx;
	if (pkr_nokeys)
		return 0;
	__asm__ volatile(".byte 0x0f,0x01,0xee" : "=a"(eax), "=d"(edx) : "c"(0));
	return eax;
}

static inline void pkr_wrpkru(uint32_t v)
{
	if (pkr_nokeys)
		return;
	__asm__ volatile(".byte 0x0f,0x01,0xef" : : "a"(v), "c"(0), "d"(0) : "memory");
}

/* 1 when rdfsbase/wrfsbase may be used; else the thread pointer is read
 * and written with arch_prctl (set once at start-up, see pkey.c). */
extern uint8_t pkr_fsgsbase;

/* The raw system call: async-signal-safe and leaves errno alone. */
static inline long pkr_arch_prctl(long code, unsigned long arg)
{
	long r;
	__asm__ volatile("syscall" : "=a"(r)
			 : "0"((long)PKR_SYS_arch_prctl), "D"(code), "S"(arg)
			 : "rcx", "r11", "memory");
	return r;
}

/* pkey_mprotect as a raw system call: async-signal-safe, errno untouched
 * (the fault handler runs with the caller's errno already set). */
static inline long pkr_raw_pkey_mprotect(void *addr, unsigned long len, long prot, long key)
{
	long r;
	register long r10 __asm__("r10") = key;

	__asm__ volatile("syscall" : "=a"(r)
			 : "0"((long)PKR_SYS_pkey_mprotect), "D"(addr), "S"(len),
			   "d"(prot), "r"(r10)
			 : "rcx", "r11", "memory");
	return r;
}

static inline uintptr_t pkr_rdfsbase(void)
{
	uintptr_t v = 0;

	if (pkr_fsgsbase)
		__asm__ volatile("rdfsbase %0" : "=r"(v));
	else
		pkr_arch_prctl(PKR_ARCH_GET_FS, (unsigned long)&v);
	return v;
}

static inline void pkr_wrfsbase(uintptr_t v)
{
	if (pkr_fsgsbase)
		__asm__ volatile("wrfsbase %0" : : "r"(v) : "memory");
	else
		pkr_arch_prctl(PKR_ARCH_SET_FS, v);
}

/* The GS base: the anchor of the shim's per-thread state (domains.h).
 * rdgsbase/wrgsbase where allowed, else arch_prctl (async-signal-safe;
 * errno untouched). */
#define PKR_ARCH_SET_GS 0x1001
#define PKR_ARCH_GET_GS 0x1004
static inline uintptr_t pkr_rdgsbase(void)
{
	uintptr_t v = 0;

	if (pkr_fsgsbase)
		__asm__ volatile("rdgsbase %0" : "=r"(v));
	else
		pkr_arch_prctl(PKR_ARCH_GET_GS, (unsigned long)&v);
	return v;
}

static inline void pkr_wrgsbase(uintptr_t v)
{
	if (pkr_fsgsbase)
		__asm__ volatile("wrgsbase %0" : : "r"(v) : "memory");
	else
		pkr_arch_prctl(PKR_ARCH_SET_GS, v);
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
/* Decide pkr_fsgsbase: AT_HWCAP2 FSGSBASE, unless PKREWIND_FSGSBASE=0
 * asks for the system-call path (for testing it).  Returns it. */
bool pkr_fsgsbase_init(void);

/* The signal-stack key (0: none).  Before Linux 6.12 the kernel writes a
 * signal frame with the interrupted thread's PKRU in force, so the
 * alternate signal stack must be writable under every domain's PKRU: on
 * such kernels the altstacks carry this key and every domain's PKRU leaves
 * it readable and writable.  While a handler runs, its thread's altstack
 * is retagged with key 0 (sigstack_hold/release in fault.c), so that
 * other threads running in domains cannot write the live frames.  Linux
 * 6.12 and later open every key for the frame write: the altstacks stay
 * key 0 and no key is spent.  Set by pkr_sigkey_init(). */
extern int pkr_sigkey;

/* Decide whether a signal-stack key is needed (kernel release older than
 * 6.12, or PKREWIND_SIGSTACK_KEY=1) and allocate it.  -1 if one is
 * needed and none can be allocated. */
int pkr_sigkey_init(void);

/* The key of the loader's read-only data (ld.so's RELRO and constants:
 * _rtld_global_ro, which getpagesize() and pthread_attr_init() read), or
 * 0.  Set by pkr_pubkey_init() when a domain runs in none mode, where key
 * 0 is inaccessible; every domain's PKRU lets it read this key (the
 * pages are read-only in every mode).  It is the signal-stack key when
 * there is one (that key's write permission does not matter on pages
 * mapped without PROT_WRITE). */
extern int pkr_pubkey;

/* Allocate the loader data key (once).  0, or -1. */
int pkr_pubkey_init(void);

/* PKRU for code running in a domain with key `key` (the signal-stack key,
 * if any, stays readable and writable; the loader data key readable). */
uint32_t pkr_pkru_for_domain(int key, enum pkr_trust trust);

#endif /* __ASSEMBLER__ */
#endif
