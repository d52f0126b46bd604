/* rt_tls.c - thread-local storage of the namespace's libraries.
 *
 * A library's `__thread` variable is reached through __tls_get_addr
 * (general and local dynamic models).  glibc's version keeps each
 * thread's blocks in its dynamic thread vector and allocates them with
 * the program's malloc: both program memory, so the library faulted on
 * its first access in read and none modes.  The runtime comes first in
 * the namespace's scope, so the library's __tls_get_addr is this one:
 *  - a module in static TLS (initial-exec users, libc) gets the block at
 *    the thread pointer minus its offset: the thread's shadow block in
 *    read and none modes, the real one in write mode, as glibc would;
 *  - a module in dynamic TLS gets a block of its own per thread, in the
 *    domain heap, initialised from its PT_TLS image.
 * What a module's TLS is comes from the shim (PKR_RT_TLS), which reads
 * ld.so's records with the program's rights, once per thread and module.
 * Each thread keeps its blocks in a table the runtime's own static TLS
 * points to; an on-fault reset (which takes the heap back) changes the
 * epoch, and tables from before it are dropped unread.  Blocks of a
 * thread that ends stay allocated (there is no thread-exit hook in the
 * namespace that runs in the domain).  TLSDESC (-mtls-dialect=gnu2)
 * code calls its descriptor instead: for a module in dynamic TLS the
 * shim points it at rt_tlsdesc.S, which uses the same table.
 *
 * Not async-signal-safe (the first access of a thread allocates).
 */
#include "config.h"

#define _GNU_SOURCE 1
#include <dlfcn.h>
#include <stddef.h>
#include <malloc.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "rt.h"
#include "rt_int.h"

typedef struct {
	unsigned long module, offset;
} tls_index;

struct tls_slot {
	unsigned long module;
	char *block;
};

struct tls_table {
	uint64_t epoch;
	size_t n, cap;
	struct tls_slot slot[];
};

/* Read by rt_tlsdesc.S too, which knows this layout. */
_Static_assert(offsetof(struct tls_table, n) == 8 && offsetof(struct tls_table, slot) == 24 &&
	       sizeof(struct tls_slot) == 16 && offsetof(struct tls_slot, block) == 8,
	       "rt_tlsdesc.S reads struct tls_table");
uint64_t pkr_rt_tls_epoch;
__thread struct tls_table *pkr_rt_tls_table __attribute__((tls_model("initial-exec")));
unsigned long pkr_rt_xsave_size;        /* rt_tlsdesc.S: 0, fxsave */
static void *(*ld_tls_get_addr)(tls_index *);   /* ld.so's, before the shim is there */

void pkr_rt_tls_init(void)
{
	unsigned a, b, c, d;

	ld_tls_get_addr = (void *(*)(tls_index *))pkr_rt_vnext("__tls_get_addr", "GLIBC_2.3");
	/* The size of the xsave area for what XCR0 enables (CPUID 0xd, 0:
	 * EBX), if the OS enabled xsave (CPUID 1: ECX bit 27). */
	__asm__("cpuid" : "=a"(a), "=b"(b), "=c"(c), "=d"(d) : "a"(1), "c"(0));
	if (c & (1u << 27)) {
		__asm__("cpuid" : "=a"(a), "=b"(b), "=c"(c), "=d"(d) : "a"(0xd), "c"(0));
		pkr_rt_xsave_size = b + 64;     /* and room to align */
	}
}

void *__tls_get_addr(tls_index *ti);

static char *thread_pointer(void)
{
	char *tp;

	__asm__("mov %%fs:0, %0" : "=r"(tp));
	return tp;
}

static __attribute__((noinline)) void *slow(tls_index *ti)
{
	struct tls_table *t = pkr_rt_tls_table;
	struct pkr_rt_tls info = { .self = (const void *)&slow };
	char *block;

	if (!pkr_rt_service)
		return ld_tls_get_addr ? ld_tls_get_addr(ti) : (abort(), NULL);
	if (t && t->epoch != pkr_rt_tls_epoch)
		t = pkr_rt_tls_table = NULL;       /* its memory went with a reset */
	if (pkr_rt_service(PKR_RT_TLS, (long)ti->module, (long)&info) != 0)
		abort();                /* a fault of the library's: rewound */
	if (info.static_off > 0) {
		block = thread_pointer() - info.static_off;
	} else {
		size_t align = info.align > 16 ? info.align : 16;
		block = memalign(align, info.memsz ? info.memsz : 1);
		if (!block)
			abort();
		memcpy(block, info.image, info.filesz);
		memset(block + info.filesz, 0, info.memsz - info.filesz);
	}
	if (!t || t->n == t->cap) {
		size_t cap = t ? 2 * t->cap : 8;
		struct tls_table *g = realloc(t, sizeof *g + cap * sizeof g->slot[0]);
		if (!g)
			abort();
		if (!t) {
			g->n = 0;
			g->epoch = pkr_rt_tls_epoch;
		}
		g->cap = cap;
		pkr_rt_tls_table = t = g;
	}
	t->slot[t->n].module = ti->module;
	t->slot[t->n].block = block;
	t->n++;
	return block + ti->offset;
}

/* Called with the stack as the compiler left it at the access (the
 * general-dynamic sequence does not align it): realigned here. */
RT_EXPORT __attribute__((force_align_arg_pointer)) void *__tls_get_addr(tls_index *ti)
{
	const struct tls_table *t = pkr_rt_tls_table;

	if (t && t->epoch == pkr_rt_tls_epoch)
		for (size_t i = 0; i < t->n; i++)
			if (t->slot[i].module == ti->module)
				return t->slot[i].block + ti->offset;
	return slow(ti);
}
