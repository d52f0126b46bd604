/* learn.c - learn mode: what a read-mode library writes in the program,
 * and which program functions it is given (learn.h has the contract).
 *
 * pkr_learn_fault() and pkr_learn_step() are async-signal-safe: they run
 * in the fault handler, touch only this thread's TLS, the fixed record
 * table (its spinlock only tried) and program memory with the handler's
 * rights.  pkr_learn_enter() runs in the marshalling path (dladdr: not a
 * handler).  The dump at exit uses write(2).
 */
#include "config.h"

#include <dlfcn.h>
#include <link.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/uio.h>
#include <unistd.h>

#include "learn.h"
#include "log.h"
#include "maps.h"
#include "pkey.h"

uint8_t pkr_learn_on;
static int learn_fd = -1;
/* The key program pages holding a struct argument carry during a call
 * (learn_watch): no domain's PKRU allows it, so the library's reads of
 * the struct fault too and tell its size.  -1: none (no keys left). */
static int watch_key = -1;
#define WATCH_SPAN 1024              /* bytes of a struct watched */

#define MAX_RECORDS 1024
#define MAX_DEPTH   16
#define SNAP        64
#define MAX_LEN     (1ull << 30)     /* an argument above this is no length */
#define NEAR        (1ull << 24)     /* an address this far past an argument is its */
#define SW          PKR_LEARN_SW     /* words of a struct an argument points at */
#define SDEPTH      4                /* calls deep whose structs are read */

struct record {
	const struct pkr_fn *fn;
	int arg;                      /* 0-based, -1: none */
	int field;                    /* word of the struct arg points at, -1: none */
	int callback;
	uint64_t extent, count;
	uint32_t cand, varies;        /* bit j: argument j */
	uint64_t last[6];
	uint64_t maxa[6];             /* the arguments when extent was reached */
	/* Writes through a pointer field: the struct's words that could be
	 * the length (bit g: the u64 word g; the u32 half g), as above. */
	uint32_t wcand, wvaries;
	uint64_t hcand, hvaries;
	uint64_t lastw[SW];
	uint64_t maxw[SW];            /* the struct at the call's entry, then */
	uint64_t rextent;             /* field -1: the furthest byte read (watched) */
	/* The words and halves that went down by what the call wrote
	 * through the field (a stream's space left: avail_out), and those
	 * that changed by something else. */
	uint32_t wdec, wdecbad;
	uint64_t hdec, hdecbad;
};
static struct record records[MAX_RECORDS];
static unsigned nrecords;
static int table_lock;

/* This thread's marshalled calls (innermost last), and its single step. */
static __thread struct {
	struct pkr_fn *fn;
	uint64_t a[6];
} calls[MAX_DEPTH] __attribute__((tls_model("initial-exec")));
static __thread unsigned depth __attribute__((tls_model("initial-exec")));
/* The first SW words of what each argument of the SDEPTH outermost
 * calls pointed at when the call began (per thread, mapped on first
 * use): where a write through a pointer inside a struct is found. */
struct structs {
	uint64_t w[SDEPTH][6][SW];
	uint8_t n[SDEPTH][6];
	/* pages given watch_key for the call (learn_watch), and their
	 * protections, to give back */
	uintptr_t lo[SDEPTH][6], hi[SDEPTH][6];
	int prot[SDEPTH][6];
	/* how far this call wrote through each field of each struct */
	uint64_t callext[SDEPTH][6][SW];
	uint8_t wrote[SDEPTH][6];         /* any of them */
};
static __thread struct structs *structs __attribute__((tls_model("initial-exec")));
static __thread struct {
	int on;
	uint32_t pkru;
	uintptr_t addr;
	size_t n;
	unsigned char snap[SNAP];
	unsigned call;                /* index into calls[] */
	int record;                   /* the library's own write */
	int arg;
	int field;
	int read;                     /* a watched read, not a write */
	uint64_t off;
} step __attribute__((tls_model("initial-exec")));

static bool lock(bool wait)
{
	while (__atomic_exchange_n(&table_lock, 1, __ATOMIC_ACQUIRE)) {
		if (!wait)
			return false;
	}
	return true;
}

static void unlock(void)
{
	__atomic_store_n(&table_lock, 0, __ATOMIC_RELEASE);
}

/* The record for (fn, arg, field, kind), made if new; under the lock. */
static struct record *find(const struct pkr_fn *fn, int arg, int field, int callback)
{
	for (unsigned i = 0; i < nrecords; i++)
		if (records[i].fn == fn && records[i].arg == arg && records[i].field == field &&
		    records[i].callback == callback)
			return &records[i];
	if (nrecords == MAX_RECORDS)
		return NULL;
	records[nrecords] = (struct record){ .fn = fn, .arg = arg, .field = field,
					     .callback = callback, .cand = 0x3f,
					     .wcand = UINT32_MAX, .hcand = UINT64_MAX };
	return &records[nrecords++];
}

static void dump(void)
{
	char line[2048];

	if (learn_fd < 0)
		return;
	lock(true);
	for (unsigned i = 0; i < nrecords; i++) {
		const struct record *r = &records[i];
		size_t n;

		if (strlen(r->fn->dom->pol->name) + strlen(r->fn->name) > 700)
			continue;
		n = pkr_fmt(line, sizeof line, "%s %s %d %s %llu %llu %u %u %llu %llu %llu %llu %llu %llu",
			    r->fn->dom->pol->name, r->fn->name, r->arg + 1,
			    r->callback ? "callback" : "write", (unsigned long long)r->extent,
			    (unsigned long long)r->count, r->cand, r->varies,
			    (unsigned long long)r->maxa[0], (unsigned long long)r->maxa[1],
			    (unsigned long long)r->maxa[2], (unsigned long long)r->maxa[3],
			    (unsigned long long)r->maxa[4], (unsigned long long)r->maxa[5]);
		/* Then the field, its length candidates and the struct's
		 * words, on the same line. */
		n += pkr_fmt(line + n, sizeof line - n, " %d %lx %lx %llx %llx",
			     r->field, (unsigned long)r->wcand, (unsigned long)r->wvaries,
			     (unsigned long long)r->hcand, (unsigned long long)r->hvaries);
		for (int g = 0; g < SW; g++)
			n += pkr_fmt(line + n, sizeof line - n, " %llx",
				     (unsigned long long)(r->field >= 0 ? r->maxw[g] : 0));
		n += pkr_fmt(line + n, sizeof line - n, " %llu %lx %lx %llx %llx\n",
			     (unsigned long long)r->rextent, (unsigned long)r->wdec,
			     (unsigned long)r->wdecbad, (unsigned long long)r->hdec,
			     (unsigned long long)r->hdecbad);
		pkr_write_all(learn_fd, line, n);
	}
	unlock();
}

void pkr_learn_init(void)
{
	const char *f = getenv("PKREWIND_LEARN");

	if (!f || !*f)
		return;
	learn_fd = open(f, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
	if (learn_fd < 0) {
		pkr_log(PKR_LOG_ERROR, "learn mode: cannot open %s: %s", f, strerror(errno));
		return;
	}
	pkr_learn_on = 1;
	if (!pkr_nokeys)
		watch_key = pkey_alloc(0, 0);
	atexit(dump);
	pkr_log(PKR_LOG_INFO, "learn mode: writes into program memory are let through "
		"and recorded in %s", f);
}

/* The executable segments of the main namespace's objects, read once
 * (dl_iterate_phdr lists only those). */
#define MAX_EXEC 128
static struct { uintptr_t lo, hi; } exec_ranges[MAX_EXEC];
static int nexec = -1;

static int add_exec(struct dl_phdr_info *info, size_t size, void *arg)
{
	(void)size;
	(void)arg;
	for (int i = 0; i < info->dlpi_phnum && nexec < MAX_EXEC; i++) {
		const ElfW(Phdr) *ph = &info->dlpi_phdr[i];

		if (ph->p_type == PT_LOAD && (ph->p_flags & PF_X)) {
			exec_ranges[nexec].lo = info->dlpi_addr + ph->p_vaddr;
			exec_ranges[nexec].hi = info->dlpi_addr + ph->p_vaddr + ph->p_memsz;
			nexec++;
		}
	}
	return 0;
}

/* Is v code of the program's side (not of a domain)?  The ranges are
 * read outside the handler (pkr_learn_enter). */
static bool program_code(uint64_t v)
{
	if (v < 4096 || pkr_domain_of((uintptr_t)v, NULL, NULL))
		return false;
	for (int i = 0; i < nexec; i++)
		if (v >= exec_ranges[i].lo && v < exec_ranges[i].hi)
			return true;
	return false;
}

/* The first SW words at each argument that may point into the
 * program's memory, read with process_vm_readv (a number that is no
 * pointer costs an EFAULT, not a crash). */
static void read_structs(unsigned c, const uint64_t a[6])
{
	if (!structs) {
		void *p = mmap(NULL, sizeof *structs, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p == MAP_FAILED)
			return;
		structs = p;
	}
	for (int i = 0; i < 6; i++) {
		uintptr_t v = (uintptr_t)a[i], page_end = (v | 4095) + 1;
		struct iovec local = { structs->w[c][i], sizeof structs->w[c][i] };
		struct iovec remote[2] = {
			{ (void *)v, page_end - v < SW * 8 ? page_end - v : SW * 8 },
			{ (void *)page_end, 0 },
		};
		ssize_t got;

		structs->n[c][i] = 0;
		if (structs->wrote[c][i])
			memset(structs->callext[c][i], 0, sizeof structs->callext[c][i]);
		structs->wrote[c][i] = 0;
		if (v < 65536 || v >= (1ull << 47) || (v & 7))
			continue;
		remote[1].iov_len = SW * 8 - remote[0].iov_len;
		got = process_vm_readv(getpid(), &local, 1, remote, remote[1].iov_len ? 2 : 1, 0);
		if (got > 0)
			structs->n[c][i] = (uint8_t)(got / 8);
	}
}

/* Has an earlier call of fn written through a pointer field of what
 * argument i points at?  (Then its reads are worth watching.) */
static bool has_field_writes(const struct pkr_fn *fn, int i)
{
	bool yes = false;

	lock(true);
	for (unsigned k = 0; k < nrecords && !yes; k++)
		yes = records[k].fn == fn && records[k].arg == i && records[k].field >= 0;
	unlock();
	return yes;
}

/* Does [lo, hi) meet one of this thread's domain stacks (a struct a
 * callback running inside a domain keeps in its locals)?  Those pages
 * keep their domain's key. */
static bool on_domain_stack(uintptr_t lo, uintptr_t hi)
{
	const struct pkr_thread *t = (const struct pkr_thread *)pkr_rdgsbase();

	if (!t || t->self != t)
		return false;
	for (size_t i = 0; i < PKR_MAX_DOM; i++)
		if (t->doms[i].stack_map && lo < (uintptr_t)t->doms[i].stack_map +
		    t->doms[i].stack_map_size && hi > (uintptr_t)t->doms[i].stack_map)
			return true;
	return false;
}

/* Give the pages of the first WATCH_SPAN bytes of each such struct
 * watch_key for the call (their protections kept): the program runs
 * with every key allowed, the domain with none of this one. */
static void learn_watch(unsigned c, struct pkr_fn *fn, const uint64_t a[6])
{
	struct pkr_map *m = NULL;
	long n = -1;

	for (int i = 0; i < 6; i++) {
		uintptr_t v = (uintptr_t)a[i], lo = v & ~(uintptr_t)4095;
		uintptr_t hi = (v + WATCH_SPAN + 4095) & ~(uintptr_t)4095;
		int prot;

		structs->lo[c][i] = structs->hi[c][i] = 0;
		if (!structs->n[c][i] || !has_field_writes(fn, i) ||
		    pkr_domain_of(v, NULL, NULL) || pkr_domain_of_heap(v) || on_domain_stack(lo, hi))
			continue;
		if (n < 0 && (n = pkr_read_maps(&m)) < 0)
			return;
		/* readable and writable, every page of it */
		prot = PROT_READ | PROT_WRITE;
		for (uintptr_t p = lo; p < hi && prot >= 0; p += 4096)
			if (pkr_maps_prot(m, n, p) != prot)
				prot = -1;
		if (prot < 0 || pkey_mprotect((void *)lo, hi - lo, prot, watch_key) != 0)
			continue;
		structs->lo[c][i] = lo;
		structs->hi[c][i] = hi;
		structs->prot[c][i] = prot;
	}
	free(m);
}

static void learn_unwatch(unsigned c)
{
	for (int i = 0; i < 6; i++)
		if (structs->hi[c][i]) {
			pkey_mprotect((void *)structs->lo[c][i], structs->hi[c][i] - structs->lo[c][i],
				      structs->prot[c][i], 0);
			structs->lo[c][i] = structs->hi[c][i] = 0;
		}
}

void pkr_learn_enter(struct pkr_fn *fn, const uint64_t a[6])
{
	if (depth < MAX_DEPTH) {
		calls[depth].fn = fn;
		memcpy(calls[depth].a, a, sizeof calls[depth].a);
	}
	if (depth < SDEPTH) {
		read_structs(depth, a);
		if (watch_key > 0 && structs)
			learn_watch(depth, fn, a);
	}
	depth++;
	if (nexec < 0) {
		nexec = 0;
		dl_iterate_phdr(add_exec, NULL);
	}
}

/* After a call that wrote through a struct's fields: which of the
 * struct's words and halves went down by what it wrote (the struct read
 * again, compared with the call's start). */
static void note_decrements(unsigned c)
{
	for (int i = 0; i < 6; i++) {
		unsigned nw = structs->n[c][i];
		const uint64_t *w = structs->w[c][i];
		uint64_t x[SW];
		struct iovec local = { x, nw * 8 }, remote = { (void *)(uintptr_t)calls[c].a[i], nw * 8 };

		if (!structs->wrote[c][i] ||
		    process_vm_readv(getpid(), &local, 1, &remote, 1, 0) != (ssize_t)(nw * 8))
			continue;
		lock(true);
		for (unsigned f = 0; f < nw; f++) {
			uint64_t ext = structs->callext[c][i][f];
			struct record *r = ext ? find(calls[c].fn, i, (int)f, 0) : NULL;

			for (unsigned g = 0; r && g < nw; g++) {
				uint64_t d = w[g] - x[g];

				if (w[g] == x[g])
					continue;
				if (d <= ext && d + 3 >= ext)
					r->wdec |= 1u << g;
				else
					r->wdecbad |= 1u << g;
			}
			for (unsigned h = 0; r && h < 2 * nw; h++) {
				uint32_t va = pkr_learn_half(w, h), vb = pkr_learn_half(x, h);
				uint32_t d = va - vb;

				if (va == vb)
					continue;
				if (d <= ext && (uint64_t)d + 3 >= ext)
					r->hdec |= 1ull << h;
				else
					r->hdecbad |= 1ull << h;
			}
		}
		unlock();
	}
}

void pkr_learn_leave(void)
{
	if (depth)
		depth--;
	if (depth < SDEPTH && structs) {
		note_decrements(depth);
		learn_unwatch(depth);
	}
}

static void note_callback(unsigned c, uintptr_t pc)
{
	uintptr_t best = 0;
	int j = -1;
	struct record *r;

	if (!program_code(pc))
		return;
	for (int i = 0; i < 6; i++) {
		uint64_t v = calls[c].a[i];

		if (v <= pc && pc - v < (1u << 20) && v > best && program_code(v)) {
			best = v;
			j = i;
		}
	}
	if (j < 0 || !lock(false))
		return;
	r = find(calls[c].fn, j, -1, 1);
	if (r)
		r->count++;
	unlock();
}

bool pkr_learn_fault(const siginfo_t *si, const ucontext_t *uc, uint32_t frame_pkru,
		     uint32_t *pkru)
{
	uintptr_t addr = (uintptr_t)si->si_addr, best = 0, page_end;
	unsigned c;
	int arg = -1, field = -1;
	bool watched = watch_key > 0 && (int)si->si_pkey == watch_key;
	bool write = uc->uc_mcontext.gregs[REG_ERR] & 2;

	if (!pkr_learn_on || step.on || si->si_signo != SIGSEGV || si->si_code != SEGV_PKUERR ||
	    (si->si_pkey != 0 && !watched) || (!write && !watched) ||
	    depth == 0 || depth > MAX_DEPTH)
		return false;
	c = depth - 1;
	for (int i = 0; i < 6; i++) {
		uint64_t v = calls[c].a[i];

		if (v && v <= addr && addr - v < NEAR && v >= best) {
			best = v;
			arg = i;
		}
	}
	/* A pointer inside a struct an argument points at, as near below
	 * the address as any argument: the write goes through it (the
	 * struct as it was when the call began).  A tie goes to the field:
	 * a leftover register is often a copy of one (git hands zlib its
	 * next_out through a register it leaves holding the same value). */
	if (c < SDEPTH && structs)
		for (int i = 0; i < 6; i++)
			for (int g = 0; g < structs->n[c][i]; g++) {
				uint64_t w = structs->w[c][i][g];

				if (w && w <= addr && addr - w < NEAR && w >= best &&
				    (w > best || arg != i || field < 0)) {
					best = w;
					arg = i;
					field = g;
				}
			}
	step.on = 1;
	step.pkru = frame_pkru;
	step.addr = addr;
	/* What the store may change: up to SNAP bytes, into the next page
	 * too if it is mapped (a store that crosses a page boundary is let
	 * through whole; measuring only to the page's end made a 40-byte
	 * memset 24 bytes long when the buffer happened to cross one).
	 * process_vm_readv stops at an unmapped page instead of faulting. */
	{
		struct iovec local = { step.snap, SNAP }, remote = { (void *)addr, SNAP };
		ssize_t got = process_vm_readv(getpid(), &local, 1, &remote, 1, 0);

		page_end = (addr | 4095) + 1;
		if (got <= 0) {
			step.n = page_end - addr < SNAP ? page_end - addr : SNAP;
			memcpy(step.snap, (const void *)addr, step.n);
		} else {
			step.n = (size_t)got;
		}
	}
	step.call = c;
	/* A write by program code the library called is a callback at
	 * work: the argument that is the nearest function start below the
	 * instruction is a `callback`; the write itself is not recorded
	 * (with the annotation it happens with the program's rights). */
	/* pc in d's namespace: the library, its libc, the runtime */
	step.record = pkr_domain_in_objs(calls[c].fn->dom,
					 (uintptr_t)uc->uc_mcontext.gregs[REG_RIP], 1);
	if (!step.record)
		note_callback(c, (uintptr_t)uc->uc_mcontext.gregs[REG_RIP]);
	step.arg = arg;
	step.field = field;
	step.off = arg >= 0 ? addr - best : 0;
	step.read = !write;
	*pkru = 0;
	return true;
}

bool pkr_learn_step(const siginfo_t *si, uint32_t *pkru)
{
	size_t hi = 0;
	struct record *r;

	if (!step.on || si->si_signo != SIGTRAP)
		return false;
	step.on = 0;
	*pkru = step.pkru;
	for (size_t i = 0; i < step.n; i++)
		if (((const unsigned char *)step.addr)[i] != step.snap[i])
			hi = i + 1;
	if (!hi)
		hi = 1;
	if (!step.record)
		return true;
	if (step.read) {
		/* A read of a watched struct, at its own address (not through
		 * a field): how far the struct reaches, to the end of the
		 * 8-byte word read (the access size is not known). */
		if (step.field < 0 && step.arg >= 0 && step.off < WATCH_SPAN && lock(false)) {
			r = find(calls[step.call].fn, step.arg, -1, 0);
			if (r && (step.off & ~7ull) + 8 > r->rextent)
				r->rextent = (step.off & ~7ull) + 8;
			unlock();
		}
		return true;
	}
	/* Bytes that changed, rounded up to the address's alignment (up to
	 * 4): a store of an int that changes only its low byte is still an
	 * int, and copying back one byte of it would leave the program's
	 * other three as they were.  (A store of 8 bytes that changes only
	 * the low 4 still counts short; `pkrewind learn` says lengths are
	 * as seen.) */
	{
		size_t unit = 1;

		while (unit < 4 && !(step.addr & unit))
			unit *= 2;
		hi = (hi + unit - 1) & ~(unit - 1);
	}
	if (!lock(false))
		return true;
	r = find(calls[step.call].fn, step.arg, step.field, 0);
	if (r && step.field >= 0) {
		uint64_t ext = step.off + hi;
		const uint64_t *w = structs->w[step.call][step.arg];
		unsigned nw = structs->n[step.call][step.arg];

		if (ext > r->extent) {
			r->extent = ext;
			memcpy(r->maxw, w, sizeof r->maxw);
		}
		for (unsigned g = 0; g < SW; g++) {
			/* word g could be the length (elements of up to 8
			 * bytes), as an argument below */
			if (g >= nw || w[g] > MAX_LEN || w[g] * 8 < ext || (int)g == step.field)
				r->wcand &= ~(1u << g);
			if (r->count && g < nw && w[g] != r->lastw[g])
				r->wvaries |= 1u << g;
		}
		for (unsigned h = 0; h < 2 * SW; h++) {
			uint32_t v = pkr_learn_half(w, h);

			if (h >= 2 * nw || (uint64_t)v * 8 < ext || (int)h / 2 == step.field)
				r->hcand &= ~(1ull << h);
			if (r->count && h < 2 * nw && v != pkr_learn_half(r->lastw, h))
				r->hvaries |= 1ull << h;
		}
		memcpy(r->lastw, w, sizeof r->lastw);
		r->count++;
		if (step.call < SDEPTH && ext > structs->callext[step.call][step.arg][step.field]) {
			structs->callext[step.call][step.arg][step.field] = ext;
			structs->wrote[step.call][step.arg] = 1;
		}
	} else if (r) {
		uint64_t ext = step.off + hi;
		const uint64_t *a = calls[step.call].a;

		if (ext > r->extent) {
			r->extent = ext;
			memcpy(r->maxa, a, sizeof r->maxa);
		}
		for (int j = 0; j < 6; j++) {
			/* argument j could be the length (of elements of up to
			 * 8 bytes): never short of what was written, not a
			 * pointer-sized number */
			if (a[j] > MAX_LEN || a[j] * 8 < ext || j == step.arg)
				r->cand &= ~(1u << j);
			if (r->count && a[j] != r->last[j])
				r->varies |= 1u << j;
			r->last[j] = a[j];
		}
		r->count++;
	}
	unlock();
	return true;
}
