/* service_heap.c - the reverse gate's heap requests (PKR_RT_FREE,
 * PKR_RT_REALLOC): a block of the program's heap that the library frees
 * or reallocates, ownership having been passed in.
 *
 * Runs with the program's rights on the domain's stack, inside
 * pkr_service_handler.  Not async-signal-safe.
 *
 * Only in write mode, where the library may write the program's memory
 * anyway: in read and none modes it may not change the program's heap,
 * and the block stays allocated (said once per domain).  The block must
 * look like one of the C library's allocator (aligned, in a mapped,
 * writable region outside every domain, with a sane size word), else the
 * request is refused: the program's free() would abort on it.
 */
#include "config.h"

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>

#include "domains.h"
#include "log.h"
#include "maps.h"
#include "real.h"
#include "runtime/rt.h"
#include "service.h"

static void *(*prog_realloc)(void *, size_t);
static void (*prog_free)(void *);

static bool plausible(uintptr_t p)
{
	struct pkr_map *m;
	long n;
	size_t size;
	bool ok = false;

	if (p % 16 || pkr_service_domain_at((const void *)p) || pkr_domain_of_heap(p))
		return false;
	n = pkr_read_maps(&m);
	if (n < 0)
		return false;
	if ((pkr_maps_prot(m, n, p - 16) & (PROT_READ | PROT_WRITE)) == (PROT_READ | PROT_WRITE)) {
		size = *(const size_t *)(p - 8) & ~(size_t)7;
		ok = size >= 32 && size < (1ul << 40) &&
		     (pkr_maps_prot(m, n, p - 16 + size - 1) & PROT_WRITE);
	}
	free(m);
	return ok;
}

long pkr_service_heap(const struct pkr_domain *d, long op, long a, long b, int *err)
{
	static unsigned char said[PKR_MAX_DOM];

	if (!prog_free) {
		prog_free = (void (*)(void *))pkr_real_libc_symbol("free", "GLIBC_2.2.5");
		prog_realloc = (void *(*)(void *, size_t))pkr_real_libc_symbol("realloc", "GLIBC_2.2.5");
	}
	if (d && d->pol->trust != PKR_TRUST_WRITE) {
		if (!__atomic_exchange_n(&said[d->index], 1, __ATOMIC_RELAXED))
			pkr_log(PKR_LOG_WARN, "domain %s: the library %s a block the program "
				"allocated (%p); in trusted-memory %s it may not change the "
				"program's heap, so the block stays allocated (write mode "
				"passes ownership)", d->pol->name,
				op == PKR_RT_FREE ? "frees" : "reallocates", (void *)a,
				pkr_trust_name(d->pol->trust));
		*err = EPERM;
		return -1;
	}
	if (!plausible((uintptr_t)a)) {
		pkr_log(PKR_LOG_ERROR, "domain %s: the library %s %p, which is not a block of "
			"the program's heap: refused", d ? d->pol->name : "?",
			op == PKR_RT_FREE ? "frees" : "reallocates", (void *)a);
		*err = EINVAL;
		return -1;
	}
	if (op == PKR_RT_FREE) {
		prog_free((void *)a);
		return 0;
	}
	void *q = prog_realloc((void *)a, (size_t)b);
	if (!q) {
		*err = ENOMEM;
		return -1;
	}
	return (long)q;
}
