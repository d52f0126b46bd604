/* lend.c - lending a program buffer's whole pages to a domain for one
 * call (lend.h has the contract and its invariants).
 *
 * Not async-signal-safe: system calls and memcpy, no allocation, no lock.
 * Its state (one lending call at a time) is static, which the
 * one-thread-only invariant makes safe.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/single_threaded.h>

#include "elf.h"
#include "lend.h"
#include "log.h"
#include "pkey.h"

#define PAGE          ((uintptr_t)PKR_PAGE)
#define WINDOW_SIZE   ((size_t)1 << 30)   /* per domain, reserved once */

extern void *__libc_stack_end;            /* ld.so: the main stack's top */

static bool busy;                         /* pages are lent now */

/* The program's pages could not be given back: it cannot go on. */
static void __attribute__((noreturn)) lost(const struct pkr_domain *d, const char *what,
					   uintptr_t lo, uintptr_t hi)
{
	pkr_log(PKR_LOG_ERROR, "domain %s: cannot give back %s 0x%lx-0x%lx; aborting",
		d->pol->name, what, (unsigned long)lo, (unsigned long)hi);
	abort();
}

/* The main thread's stack, with its growth room: never lent. */
static bool on_stack(uintptr_t lo, uintptr_t hi)
{
	static uintptr_t s_lo, s_hi;

	if (!s_hi) {
		struct rlimit rl;
		uintptr_t top = (uintptr_t)__libc_stack_end, room = (uintptr_t)1 << 30;

		if (getrlimit(RLIMIT_STACK, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY &&
		    rl.rlim_cur < room)
			room = (uintptr_t)rl.rlim_cur;
		s_hi = top + (16u << 20);
		s_lo = top > room + (16u << 20) ? top - room - (16u << 20) : 0;
	}
	return lo < s_hi && hi > s_lo;
}

bool pkr_lend_allowed(const struct pkr_domain *d, uintptr_t p, size_t len)
{
	uintptr_t lo = pkr_page_up(p), hi = pkr_page_down(p + len);

	return d->pkey > 0 && d->pol->lend != PKR_LEND_NEVER && len >= d->pol->lend &&
	       p + len > p && hi > lo && !busy && __libc_single_threaded &&
	       !on_stack(pkr_page_down(p), pkr_page_up(p + len));
}

bool pkr_lend_overlap(uintptr_t p1, size_t l1, uintptr_t p2, size_t l2)
{
	return pkr_page_down(p1) < pkr_page_up(p2 + l2) && pkr_page_down(p2) < pkr_page_up(p1 + l1);
}

/* The domain's window: reserved (no memory committed) with its key at the
 * first lending call. */
static uintptr_t window(struct pkr_domain *d)
{
	void *w;

	if (d->lend_win)
		return d->lend_win;
	w = mmap(NULL, WINDOW_SIZE, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (w == MAP_FAILED)
		return 0;
	if (pkey_mprotect(w, WINDOW_SIZE, PROT_READ | PROT_WRITE, d->pkey) != 0) {
		munmap(w, WINDOW_SIZE);
		return 0;
	}
	d->lend_win = (uintptr_t)w;
	return d->lend_win;
}

uintptr_t pkr_lend_begin(struct pkr_domain *d, struct pkr_lend *l, uintptr_t p, size_t len, bool zero)
{
	uintptr_t lo = pkr_page_up(p), hi = pkr_page_down(p + len), base = window(d), at;
	size_t head = lo - p, tail = p + len - hi;
	void *moved;

	if (!base || d->lend_used + (hi - lo) + 2 * PAGE > WINDOW_SIZE)
		return 0;
	at = base + d->lend_used + PAGE;      /* a page before for the head */
	if (pkey_mprotect((void *)lo, hi - lo, PROT_READ | PROT_WRITE, d->pkey) != 0)
		return 0;
	moved = mremap((void *)lo, hi - lo, hi - lo, MREMAP_MAYMOVE | MREMAP_FIXED, (void *)at);
	if (moved == MAP_FAILED) {
		pkey_mprotect((void *)lo, hi - lo, PROT_READ | PROT_WRITE, 0);
		return 0;
	}
	/* The hole stays reserved, inaccessible: nothing mapped during the
	 * call (a thread's first domain stack, the library's mmap) may land
	 * where the pages come back to. */
	if (mmap((void *)lo, hi - lo, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_FIXED,
		 -1, 0) == MAP_FAILED)
		lost(d, "the lent pages' place", lo, hi);
	busy = true;
	l->prog = p;
	l->len = len;
	l->lo = lo;
	l->hi = hi;
	l->win = at;
	l->dom = at - head;
	/* The partial pages' bytes around the whole pages (the tail's page
	 * in the window is the one after the moved pages). */
	if (zero) {
		memset((void *)l->dom, 0, head);
		memset((void *)at, 0, hi - lo);
		memset((void *)(at + (hi - lo)), 0, tail);
	} else {
		memcpy((void *)l->dom, (const void *)p, head);
		memcpy((void *)(at + (hi - lo)), (const void *)hi, tail);
	}
	d->lend_used += (hi - lo) + 2 * PAGE;
	return l->dom;
}

void pkr_lend_end_all(struct pkr_domain *d, struct pkr_lend *l, size_t n, bool returned)
{
	for (size_t i = 0; i < n; i++) {
		size_t head = l[i].lo - l[i].prog, tail = l[i].prog + l[i].len - l[i].hi;
		void *back = mremap((void *)l[i].win, l[i].hi - l[i].lo, l[i].hi - l[i].lo,
				    MREMAP_MAYMOVE | MREMAP_FIXED, (void *)l[i].lo);

		if (back == MAP_FAILED || pkey_mprotect((void *)l[i].lo, l[i].hi - l[i].lo,
							PROT_READ | PROT_WRITE, 0) != 0)
			lost(d, "the lent pages", l[i].lo, l[i].hi);
		if (returned) {
			memcpy((void *)l[i].prog, (const void *)l[i].dom, head);
			memcpy((void *)l[i].hi, (const void *)(l[i].win + (l[i].hi - l[i].lo)), tail);
		}
	}
	/* The used part of the window again: fresh pages (none of the
	 * program's bytes left in it), with the domain's key. */
	if (d->lend_used) {
		void *w = mmap((void *)d->lend_win, d->lend_used, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_FIXED, -1, 0);

		if (w == MAP_FAILED ||
		    pkey_mprotect(w, d->lend_used, PROT_READ | PROT_WRITE, d->pkey) != 0)
			lost(d, "its lending window", d->lend_win, d->lend_win + d->lend_used);
		d->lend_used = 0;
	}
	busy = false;
}
