/* pkey.c - protection keys and PKRU values.  See pkey.h. */
#include "config.h"

#include <asm/prctl.h>
#include <assert.h>
#include <cpuid.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/utsname.h>

#include "pkey.h"

/* pkey.h's numbers are gate.S's too: they must be the system's. */
static_assert(PKR_ARCH_SET_FS == ARCH_SET_FS, "ARCH_SET_FS");
static_assert(PKR_ARCH_GET_FS == ARCH_GET_FS, "ARCH_GET_FS");
static_assert(PKR_SYS_arch_prctl == SYS_arch_prctl, "SYS_arch_prctl");
static_assert(PKR_SYS_pkey_mprotect == SYS_pkey_mprotect, "SYS_pkey_mprotect");

#ifndef HWCAP2_FSGSBASE
#define HWCAP2_FSGSBASE (1 << 1)
#endif

bool pkr_pkey_available(const char **why)
{
	const char *e = getenv("PKREWIND_NO_KEYS");
	int k;

	if (e && *e && strcmp(e, "0") != 0) {   /* testing the keyless path */
		*why = "protection keys are turned off (PKREWIND_NO_KEYS)";
		return false;
	}
	k = pkey_alloc(0, 0);

	if (k < 0) {
		/* Linux says ENOSPC both when every key is taken and when the
		 * CPU or kernel has none: CPUID leaf 7 tells (ECX bit 4, OSPKE:
		 * the kernel enabled PKU). */
		unsigned a, b, c, d;
		bool ospke = __get_cpuid_count(7, 0, &a, &b, &c, &d) && (c & (1u << 4));
		*why = ospke && errno == ENOSPC ? "no protection key is free"
		     : "this CPU or kernel has no memory protection keys (PKU/OSPKE)";
		return false;
	}
	pkey_free(k);
	return true;
}

uint8_t pkr_fsgsbase;

bool pkr_fsgsbase_init(void)
{
	const char *e = getenv("PKREWIND_FSGSBASE");

	pkr_fsgsbase = (getauxval(AT_HWCAP2) & HWCAP2_FSGSBASE) != 0 &&
		       !(e && !strcmp(e, "0"));
	return pkr_fsgsbase;
}

int pkr_sigkey;
uint8_t pkr_nokeys;

/* true when the running kernel is older than major.minor. */
static bool kernel_older_than(unsigned major, unsigned minor)
{
	struct utsname u;
	unsigned ma = 0, mi = 0;

	if (uname(&u) != 0 || sscanf(u.release, "%u.%u", &ma, &mi) != 2)
		return true;          /* unknown: assume the old behaviour */
	return ma < major || (ma == major && mi < minor);
}

/* *key = a new key, or 0 and -1 when none is free. */
static int alloc_key(int *key)
{
	*key = pkey_alloc(0, 0);
	if (*key < 0) {
		*key = 0;
		return -1;
	}
	return 0;
}

int pkr_sigkey_init(void)
{
	const char *e = getenv("PKREWIND_SIGSTACK_KEY");
	bool need;

	if (pkr_sigkey > 0)
		return 0;
	if (e && *e)
		need = strcmp(e, "0") != 0;
	else
		need = kernel_older_than(6, 12);
	return need ? alloc_key(&pkr_sigkey) : 0;
}

int pkr_pubkey;

int pkr_pubkey_init(void)
{
	if (pkr_pubkey > 0)
		return 0;
	if (pkr_sigkey > 0) {
		pkr_pubkey = pkr_sigkey;
		return 0;
	}
	return alloc_key(&pkr_pubkey);
}

uint32_t pkr_pkru_for_domain(int key, enum pkr_trust trust)
{
	uint32_t v = 0xffffffffu;             /* every key: no access */

	if (pkr_pubkey > 0)
		v &= ~(1u << (2 * pkr_pubkey)); /* loader data: readable */
	if (pkr_sigkey > 0)
		v &= ~(3u << (2 * pkr_sigkey)); /* the signal stacks: read/write */

	v &= ~(3u << (2 * key));               /* its own key: read/write */
	v &= ~(3u << 0);
	switch (trust) {
	case PKR_TRUST_WRITE: break;                     /* key 0 read/write */
	case PKR_TRUST_READ:  v |= 2u; break;            /* key 0 write-disabled */
	case PKR_TRUST_NONE:  v |= 3u; break;            /* key 0 no access */
	}
	return v;
}
