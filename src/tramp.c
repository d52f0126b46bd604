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

/* Pages for n stubs of `size` bytes: read+write, filled with int3. */
static unsigned char *stub_pages(size_t n, size_t size, size_t *len)
{
	unsigned char *page;

	*len = (n * size + 4095) & ~(size_t)4095;
	page = mmap(NULL, *len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (page == MAP_FAILED)
		return NULL;
	memset(page, 0xcc, *len);
	return page;
}

/* Written: read+execute from now on (never both writable and
 * executable).  0, or -1 with the pages unmapped and errno kept. */
static int seal_stubs(unsigned char *page, size_t len)
{
	int e;

	if (mprotect(page, len, PROT_READ | PROT_EXEC) == 0)
		return 0;
	e = errno;
	munmap(page, len);
	errno = e;
	return -1;
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
	size_t len;
	unsigned char *page;

	if (n == 0)
		return 0;
	if (!(page = stub_pages(n, PKR_STUB_SIZE, &len)))
		return -1;
	for (size_t i = 0; i < n; i++) {
		put_stub(page + i * PKR_STUB_SIZE, &fns[i]);
		fns[i].stub = page + i * PKR_STUB_SIZE;
	}
	return seal_stubs(page, len);
}

/* ---- virtual functions -------------------------------------------------
 * The entry a namespace vtable slot points to (loader_vtab.c), 64 bytes:
 *     mov    %rax, -8(%rsp)      48 89 44 24 f8
 *     mov    %rcx, %r10          49 89 ca
 *     mov    %rdx, %r11          49 89 d3
 *     xor    %ecx, %ecx          31 c9
 *     rdpkru                     0f 01 ee
 *     cmp    $pkru, %eax         3d imm32
 *     mov    -8(%rsp), %rax      48 8b 44 24 f8
 *     mov    %r10, %rcx          4c 89 d1
 *     mov    %r11, %rdx          4c 89 da
 *     jne    1f                  75 0d
 *     movabs $target, %r11       49 bb imm64     the domain's own call
 *     jmp    *%r11               41 ff e3
 * 1:  movabs $stub, %r11         49 bb imm64     anyone else's: the gate
 *     jmp    *%r11               41 ff e3
 * rdpkru clobbers %eax, %ecx and %edx, which carry arguments: kept in
 * %r10, %r11 (no argument of a C++ member function) and the red zone
 * below the return address, which belongs to the callee. */
#define VT_STUB 64

int pkr_tramp_vstubs(struct pkr_fn *const *fns, size_t n, uint32_t pkru, void **out)
{
	static const unsigned char head[] = {
		0x48, 0x89, 0x44, 0x24, 0xf8, 0x49, 0x89, 0xca, 0x49, 0x89, 0xd3,
		0x31, 0xc9, 0x0f, 0x01, 0xee, 0x3d, 0, 0, 0, 0,
		0x48, 0x8b, 0x44, 0x24, 0xf8, 0x4c, 0x89, 0xd1, 0x4c, 0x89, 0xda,
		0x75, 0x0d, 0x49, 0xbb, 0, 0, 0, 0, 0, 0, 0, 0, 0x41, 0xff, 0xe3,
		0x49, 0xbb, 0, 0, 0, 0, 0, 0, 0, 0, 0x41, 0xff, 0xe3
	};
	size_t len;
	unsigned char *page;

	if (n == 0)
		return 0;
	if (!(page = stub_pages(n, VT_STUB, &len)))
		return -1;
	for (size_t i = 0; i < n; i++) {
		unsigned char *p = page + i * VT_STUB;
		uint64_t t = (uint64_t)(uintptr_t)fns[i]->target;
		uint64_t s = (uint64_t)(uintptr_t)fns[i]->stub;

		memcpy(p, head, sizeof head);
		memcpy(p + 17, &pkru, 4);
		memcpy(p + 36, &t, 8);
		memcpy(p + 49, &s, 8);
		out[i] = p;
	}
	return seal_stubs(page, len);
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
	size_t len;
	uint64_t e = (uint64_t)(uintptr_t)&pkr_cb_entry;
	unsigned char *page = stub_pages(PKR_MAX_CB, CB_STUB, &len);

	if (!page)
		return -1;
	for (uint32_t i = 0; i < PKR_MAX_CB; i++) {
		unsigned char *p = page + (size_t)i * CB_STUB;

		p[0] = 0x41; p[1] = 0xbb; memcpy(p + 2, &i, 4);
		p[6] = 0x49; p[7] = 0xba; memcpy(p + 8, &e, 8);
		p[16] = 0x41; p[17] = 0xff; p[18] = 0xe2;
	}
	if (seal_stubs(page, len) != 0)
		return -1;
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
