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

	for (const uintptr_t *s = __start_pkr_wrpkru_sites; s < __stop_pkr_wrpkru_sites; s++) {
		unsigned char *at = (unsigned char *)*s;
		uintptr_t pg = *s & ~(uintptr_t)4095;
		size_t len = (*s + sizeof nop3 - pg + 4095) & ~(size_t)4095;

		if (memcmp(at, wrpkru, sizeof wrpkru) != 0) {
			errno = EINVAL;     /* not the instruction gate.S put there */
			return -1;
		}
		/* Still executable while written: other threads may be
		 * running other code of the same page. */
		if (mprotect((void *)pg, len, PROT_READ | PROT_WRITE | PROT_EXEC) != 0)
			return -1;
		memcpy(at, nop3, sizeof nop3);
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
