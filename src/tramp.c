/* tramp.c - build the per-function stubs that lead into the gate.
 *
 * Not async-signal-safe: allocates pages; runs under pkr_shim_lock.
 *
 * A stub is 32 bytes:
 *     movabs $fn, %r11        49 bb imm64
 *     movabs $pkr_gate, %r10  49 ba imm64
 *     jmp    *%r10            41 ff e2
 *     int3 padding
 * %r10 and %r11 carry no arguments in the SysV ABI (%r10 is only the
 * static chain of nested functions, which no exported C function has).
 */
#include "config.h"

#include <errno.h>
#include <stddef.h>
#include <string.h>
#include <pthread.h>
#include <sys/mman.h>

#include "tramp.h"

static void put_stub(unsigned char *p, const struct pkr_fn *fn)
{
	uint64_t f = (uint64_t)(uintptr_t)fn;
	uint64_t g = (uint64_t)(uintptr_t)(fn->marshal ? &pkr_mgate : &pkr_gate);

	memset(p, 0xcc, PKR_STUB_SIZE);
	p[0] = 0x49; p[1] = 0xbb; memcpy(p + 2, &f, 8);
	p[10] = 0x49; p[11] = 0xba; memcpy(p + 12, &g, 8);
	p[20] = 0x41; p[21] = 0xff; p[22] = 0xe2;
}

/* Filled by gate.S's wrpkru_site macro; the linker defines the bounds. */
extern const uintptr_t __start_pkr_wrpkru_sites[] __attribute__((visibility("hidden")));
extern const uintptr_t __stop_pkr_wrpkru_sites[] __attribute__((visibility("hidden")));

int pkr_tramp_nokeys(void)
{
	static const unsigned char nop3[3] = { 0x0f, 0x1f, 0x00 };   /* nopl (%rax) */
	static const unsigned char wrpkru[3] = { 0x0f, 0x01, 0xef };
	static const unsigned char rdpkru[3] = { 0x0f, 0x01, 0xee };
	static const unsigned char zero_eax[3] = { 0x31, 0xc0, 0x90 };   /* xor %eax,%eax; nop */

	for (const uintptr_t *s = __start_pkr_wrpkru_sites; s < __stop_pkr_wrpkru_sites; s++) {
		unsigned char *at = (unsigned char *)*s;
		uintptr_t pg = *s & ~(uintptr_t)4095;
		size_t len = (*s + sizeof nop3 - pg + 4095) & ~(size_t)4095;

		const unsigned char *with = nop3;

		if (memcmp(at, rdpkru, sizeof rdpkru) == 0)
			with = zero_eax;  /* "the caller has every right" */
		else if (memcmp(at, wrpkru, sizeof wrpkru) != 0) {
			errno = EINVAL;     /* not the instruction gate.S put there */
			return -1;
		}
		/* Still executable while written: other threads may be
		 * running other code of the same page. */
		if (mprotect((void *)pg, len, PROT_READ | PROT_WRITE | PROT_EXEC) != 0)
			return -1;
		memcpy(at, with, sizeof nop3);
		if (mprotect((void *)pg, len, PROT_READ | PROT_EXEC) != 0)
			return -1;
	}
	return 0;
}

int pkr_tramp_build(struct pkr_fn *fns, size_t n)
{
	size_t len = (n * PKR_STUB_SIZE + 4095) & ~(size_t)4095;
	unsigned char *page;

	if (n == 0)
		return 0;
	page = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (page == MAP_FAILED)
		return -1;
	memset(page, 0xcc, len);
	for (size_t i = 0; i < n; i++) {
		put_stub(page + i * PKR_STUB_SIZE, &fns[i]);
		fns[i].stub = page + i * PKR_STUB_SIZE;
	}
	if (mprotect(page, len, PROT_READ | PROT_EXEC) != 0) {
		int e = errno;
		munmap(page, len);
		errno = e;
		return -1;
	}
	return 0;
}

/* ---- callbacks ---------------------------------------------------------
 * One region of PKR_MAX_CB stubs, made at the first callback, each
 *     mov $slot, %r11d         41 bb imm32
 *     movabs $pkr_cb_entry, %r10  49 ba imm64
 *     jmp *%r10                41 ff e2
 * Slots are filled under cb_lock and published by cb_used (release). */
struct pkr_cb pkr_cbs[PKR_MAX_CB] __attribute__((visibility("hidden")));
static unsigned char *cb_stubs;
static unsigned cb_used;
static pthread_mutex_t cb_lock = PTHREAD_MUTEX_INITIALIZER;
#define CB_STUB 32

static int cb_map(void)
{
	size_t len = (size_t)PKR_MAX_CB * CB_STUB;
	uint64_t e = (uint64_t)(uintptr_t)&pkr_cb_entry;
	unsigned char *page = mmap(NULL, len, PROT_READ | PROT_WRITE,
				   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (page == MAP_FAILED)
		return -1;
	memset(page, 0xcc, len);
	for (uint32_t i = 0; i < PKR_MAX_CB; i++) {
		unsigned char *p = page + (size_t)i * CB_STUB;

		p[0] = 0x41; p[1] = 0xbb; memcpy(p + 2, &i, 4);
		p[6] = 0x49; p[7] = 0xba; memcpy(p + 8, &e, 8);
		p[16] = 0x41; p[17] = 0xff; p[18] = 0xe2;
	}
	if (mprotect(page, len, PROT_READ | PROT_EXEC) != 0) {
		munmap(page, len);
		return -1;
	}
	cb_stubs = page;
	return 0;
}

void *pkr_tramp_callback(struct pkr_domain *d, void *target)
{
	unsigned n = __atomic_load_n(&cb_used, __ATOMIC_ACQUIRE);
	void *stub = NULL;

	for (unsigned i = 0; i < n; i++)
		if (pkr_cbs[i].target == target && pkr_cbs[i].dom == d)
			return cb_stubs + (size_t)i * CB_STUB;
	pthread_mutex_lock(&cb_lock);
	n = cb_used;
	for (unsigned i = 0; i < n && !stub; i++)
		if (pkr_cbs[i].target == target && pkr_cbs[i].dom == d)
			stub = cb_stubs + (size_t)i * CB_STUB;
	if (!stub && n < PKR_MAX_CB && (cb_stubs || cb_map() == 0)) {
		pkr_cbs[n].target = target;
		pkr_cbs[n].dom = d;
		__atomic_store_n(&cb_used, n + 1, __ATOMIC_RELEASE);
		stub = cb_stubs + (size_t)n * CB_STUB;
	}
	pthread_mutex_unlock(&cb_lock);
	return stub;
}

void *pkr_tramp_callback_target(const void *p)
{
	uintptr_t a = (uintptr_t)p, b = (uintptr_t)cb_stubs;
	unsigned n = __atomic_load_n(&cb_used, __ATOMIC_ACQUIRE);

	if (!b || a < b || a >= b + (size_t)n * CB_STUB || (a - b) % CB_STUB)
		return NULL;
	return pkr_cbs[(a - b) / CB_STUB].target;
}

bool pkr_tramp_is_stub(const void *p)
{
	const unsigned char *b = p;
	uint64_t g;

	if (pkr_tramp_callback_target(p))
		return true;
	if (b[0] != 0x49 || b[1] != 0xbb || b[10] != 0x49 || b[11] != 0xba ||
	    b[20] != 0x41 || b[21] != 0xff || b[22] != 0xe2)
		return false;
	memcpy(&g, b + 12, 8);
	return g == (uint64_t)(uintptr_t)&pkr_gate || g == (uint64_t)(uintptr_t)&pkr_mgate;
}
