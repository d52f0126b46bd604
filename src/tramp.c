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

#include <assert.h>
#include <errno.h>
#include <stddef.h>
#include <string.h>
#include <sys/mman.h>

#include "tramp.h"

static_assert(offsetof(struct pkr_fn, target) == PKR_FN_TARGET, "fn layout");
static_assert(offsetof(struct pkr_fn, dom) == PKR_FN_DOMAIN, "fn layout");
static_assert(offsetof(struct pkr_fn, calls) == PKR_FN_CALLS, "fn layout");
static_assert(offsetof(struct pkr_fn, faults) == PKR_FN_FAULTS, "fn layout");
static_assert(offsetof(struct pkr_domain, pkru) == PKR_DOM_PKRU, "domain layout");
static_assert(offsetof(struct pkr_domain, index) == PKR_DOM_INDEX, "domain layout");
static_assert(offsetof(struct pkr_domain, argwords) == PKR_DOM_ARGWORDS, "domain layout");
static_assert(offsetof(struct pkr_domain, errno_off) == PKR_DOM_ERRNO_OFF, "domain layout");
static_assert(offsetof(struct pkr_domain, shadow) == PKR_DOM_SHADOW, "domain layout");
static_assert(offsetof(struct pkr_thread, top) == PKR_T_TOP, "thread layout");
static_assert(offsetof(struct pkr_thread, cur) == PKR_T_CUR, "thread layout");
static_assert(offsetof(struct pkr_thread, tp) == PKR_T_TP, "thread layout");
static_assert(offsetof(struct pkr_thread, doms) == PKR_T_DOMS, "thread layout");
static_assert(sizeof(struct pkr_tdom) == (1u << PKR_TDOM_SHIFT), "tdom size");
static_assert(offsetof(struct pkr_tdom, sp) == PKR_TDOM_SP, "tdom layout");
static_assert(offsetof(struct pkr_tdom, shadow_tp) == PKR_TDOM_SHADOW_TP, "tdom layout");
static_assert(offsetof(struct pkr_frame, prev) == PKR_FR_PREV, "frame layout");
static_assert(offsetof(struct pkr_frame, fn) == PKR_FR_FN, "frame layout");
static_assert(offsetof(struct pkr_frame, prev_dom) == PKR_FR_PREV_DOM, "frame layout");
static_assert(offsetof(struct pkr_frame, entry_tp) == PKR_FR_ENTRY_TP, "frame layout");
static_assert(offsetof(struct pkr_frame, saved_sp) == PKR_FR_SAVED_SP, "frame layout");
static_assert(offsetof(struct pkr_frame, r15) == PKR_FR_R15, "frame layout");
static_assert(offsetof(struct pkr_frame, rbx) == PKR_FR_RBX, "frame layout");
static_assert(offsetof(struct pkr_frame, rbp) == PKR_FR_RBP, "frame layout");
static_assert(offsetof(struct pkr_frame, ret) == PKR_FR_RET, "frame layout");
static_assert(sizeof(struct pkr_frame) == PKR_FR_ARGS, "frame size");
static_assert(PKR_FR_R15 == PKR_FR_LOCALS, "frame locals");

static void put_stub(unsigned char *p, const struct pkr_fn *fn)
{
	uint64_t f = (uint64_t)(uintptr_t)fn, g = (uint64_t)(uintptr_t)&pkr_gate;

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
