/* pkey.c - protection keys and PKRU values.  See pkey.h. */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/mman.h>

#include "pkey.h"

#ifndef HWCAP2_FSGSBASE
#define HWCAP2_FSGSBASE (1 << 1)
#endif

bool pkr_pkey_available(const char **why)
{
	int k = pkey_alloc(0, 0);

	if (k < 0) {
		*why = errno == ENOSPC ? "no protection key is free"
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

uint32_t pkr_pkru_for_domain(int key, enum pkr_trust trust)
{
	uint32_t v = 0xffffffffu;             /* every key: no access */

	v &= ~(3u << (2 * key));               /* its own key: read/write */
	v &= ~(3u << 0);
	switch (trust) {
	case PKR_TRUST_WRITE: break;                     /* key 0 read/write */
	case PKR_TRUST_READ:  v |= 2u; break;            /* key 0 write-disabled */
	case PKR_TRUST_NONE:  v |= 3u; break;            /* key 0 no access */
	}
	return v;
}
