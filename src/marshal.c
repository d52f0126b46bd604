/* marshal.c - copies of annotated arguments for the library, and back
 * (marshal.h has the contract; man/pkrewind.policy.5, "ARGUMENTS", the
 * language; libpkrewind(7) what the caller gets after a fault).
 *
 * Not async-signal-safe: the copies come from the domain's allocator
 * through the gate (its heap lock).  Nothing here allocates from the
 * program, prints through stdio, or takes a program lock; a refused call
 * is reported through pkr_log (write(2)).
 */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <string.h>

#include "learn.h"
#include "lend.h"
#include "log.h"
#include "marshal.h"
#include "thread.h"
#include "tramp.h"

#define MAX_ITEMS   64            /* copies per call */
#define MAX_COPY    (1ull << 30)  /* one copy: longer is a bad length */
#define MIRRORS     64            /* live struct mirrors per domain */
#define MAX_LENDS   8             /* buffers lent per call */

/* A struct argument's copy in the domain, kept from call to call for the
 * same program address (a library may keep a pointer to it: zlib checks
 * strm->state->strm == strm). */
struct mirror {
	uintptr_t prog;               /* 0: free slot */
	const struct pkr_struct_policy *st;
	void *dom;
	uint64_t epoch;               /* the domain's reset count when made */
	/* `keep` buffers given with this struct: the library may write them
	 * in any later call on the struct (liblzma's lzma_index **).  Synced
	 * both ways around each such call, only where a side changed. */
	struct kept {
		uintptr_t prog;       /* 0: unused */
		size_t len;
		unsigned char *dom;
		unsigned char last[PKR_MAX_KEEP];   /* as last synced */
	} kept[PKR_MAX_KEEPS];
};
static struct mirror mirrors[PKR_MAX_DOM][MIRRORS];

/* One copy for this call. */
struct item {
	uintptr_t prog;               /* the program's buffer */
	size_t len;
	unsigned char *dom;           /* its copy in the scratch block */
	bool back;                    /* copied back after the call (out, inout) */
	bool zero;                    /* starts zeroed (out, in none mode) */
	void *cb;                     /* a callback's stub: no bytes */
	int var;                      /* `ref`: the item of the pointer variable
				       * whose copy points at this buffer, -1 */
	bool is_var;                  /* `ref`: this is the pointer variable */
	bool sret;                    /* %rax returns this copy's address */
	bool lend;                    /* lent (lend.c), not copied */
	bool own;                     /* its copy has its own heap block */
	uint64_t *slot;               /* where the library finds the pointer */
};

struct call {
	struct pkr_mregs *r;
	struct pkr_domain *d;
	const struct pkr_func_policy *fp;
	bool none;                    /* trusted-memory none: reads copied too */
	struct item it[MAX_ITEMS];
	size_t nit;
	size_t total;                 /* bytes of scratch */
	struct {
		struct mirror *m;
		uintptr_t prog;
		size_t first, n;      /* its fields' items */
		bool end;
	} st[PKR_MAX_ARGS];
	size_t nst;
	struct pkr_lend lends[MAX_LENDS];
	size_t nlend;
};

bool pkr_marshal_needed(const struct pkr_func_policy *fp, enum pkr_trust trust)
{
	if (!fp || !fp->args)
		return false;
	for (size_t i = 0; i < fp->nargs; i++) {
		const struct pkr_arg *a = &fp->args[i];

		if (a->kind == PKR_ARG_VALUE)
			continue;
		/* Write mode: no copies, no struct mirrors; handles
		 * checked and callbacks gated. */
		if (trust != PKR_TRUST_WRITE || a->kind == PKR_ARG_HANDLE ||
		    a->kind == PKR_ARG_CALLBACK)
			return true;
	}
	return false;
}

/* Is [a, a+len) memory of d's: its heap, or its namespace's objects? */
static bool dom_owns(const struct pkr_domain *d, uintptr_t a, size_t len)
{
	uintptr_t h = (uintptr_t)d->heap_base;

	if (a + len < a)
		return false;
	if (a >= h && a + len <= h + d->heap_size)
		return true;
	return pkr_domain_in_objs(d, a, len);
}

/* The call is not made: its fault-return, errno, and why. */
static void refuse(struct call *c, int *err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void refuse(struct call *c, int *err, const char *fmt, ...)
{
	const struct pkr_fn *fn = c->r->fn;
	char why[256];
	va_list ap;

	va_start(ap, fmt);
	pkr_vfmt(why, sizeof why, fmt, ap);
	va_end(ap);
	__atomic_fetch_add(&c->d->faults, 1, __ATOMIC_RELAXED);
	pkr_log(PKR_LOG_ERROR, "domain %s: call to %s refused: %s; returns %ld",
		c->d->pol->name, fn->name, why, fn->fault_void ? 0L : (long)fn->fault_value);
	c->r->ret_rax = fn->fault_void ? 0 : (uint64_t)fn->fault_value;
	c->r->ret_rdx = 0;
	memset(c->r->xmm[0], 0, sizeof c->r->xmm[0]);
	if (fn->fault_errno >= 0)
		*err = fn->fault_errno;
}

/* Argument i (0-based): a register, or a stacked word (its copy). */
static uint64_t *argp(struct pkr_mregs *r, unsigned i)
{
	return i < 6 ? &r->a[i] : &r->sarg[i - 6];
}

static uint64_t read_width(uintptr_t p, unsigned width)
{
	uint32_t v32;
	uint64_t v64;

	if (width == 4) {
		memcpy(&v32, (const void *)p, 4);
		return v32;
	}
	memcpy(&v64, (const void *)p, 8);
	return v64;
}

/* A length in bytes; false when it overflows or is absurd.  `base` is the
 * struct (program's copy) a FIELD length is read from. */
static bool len_value(const struct call *c, const struct pkr_len *l,
		      const struct pkr_struct_policy *st, uintptr_t base, size_t *out)
{
	uint64_t v = 0;

	switch (l->kind) {
	case PKR_LEN_CONST:
		v = l->value;
		break;
	case PKR_LEN_ARG:
		v = *argp(c->r, l->index);
		if (l->width == 4)
			v = (uint32_t)v;
		break;
	case PKR_LEN_DEREF:
		/* The program's own pointer, read with its rights: a bad one
		 * is the program's crash, as it would be without us. */
		v = *argp(c->r, l->index) ? read_width((uintptr_t)*argp(c->r, l->index), l->width) : 0;
		break;
	case PKR_LEN_FIELD:
		v = read_width(base + st->fields[l->index].offset, l->width);
		break;
	}
	if (l->scale > 1 && v > MAX_COPY / l->scale)
		return false;
	v *= l->scale;
	if (v > MAX_COPY)
		return false;
	/* `- N` below zero is no length (a ciphertext shorter than its
	 * tag): refused, as the library would refuse it. */
	if (l->add < 0 && v < (uint64_t)-l->add)
		return false;
	v += (uint64_t)l->add;
	*out = (size_t)v;
	return true;
}

static const char *kind_name(enum pkr_arg_kind k)
{
	static const char *const n[] = {
		[PKR_ARG_VALUE] = "-", [PKR_ARG_IN] = "in", [PKR_ARG_OUT] = "out",
		[PKR_ARG_INOUT] = "inout", [PKR_ARG_STRING] = "string",
		[PKR_ARG_HANDLE] = "handle", [PKR_ARG_STRUCT] = "struct",
		[PKR_ARG_CALLBACK] = "callback", [PKR_ARG_SRET] = "sret",
		[PKR_ARG_U32] = "u32", [PKR_ARG_U64] = "u64",
	};
	return n[k];
}

/* Which argument (or field of a struct argument) a message is about:
 * formatted only when one is printed. */
struct where {
	size_t arg;                   /* 1-based */
	const char *field;            /* NULL: the argument itself */
};

static const char *where_str(const struct where *w, char *buf, size_t n)
{
	if (w->field)
		pkr_fmt(buf, n, "argument %zu field %s", w->arg, w->field);
	else
		pkr_fmt(buf, n, "argument %zu", w->arg);
	return buf;
}
#define WHERE(w) where_str((w), (char[96]){ 0 }, 96)

static void *dom_malloc(struct pkr_domain *d, size_t n)
{
	return ((void *(*)(size_t))d->rt_malloc->stub)(n);
}

static void dom_free(struct pkr_domain *d, void *p)
{
	((void (*)(void *))d->rt_free->stub)(p);
}

/* A `keep` argument: its copy belongs to the call's (first) struct
 * mirror, made once per program address. */
static bool keep(struct call *c, int *err, const struct pkr_arg *a, uint64_t *slot,
		 uintptr_t p, const struct where *what)
{
	struct mirror *m = c->nst ? c->st[0].m : NULL;
	struct kept *k = NULL;
	size_t len = (size_t)(a->len.value * a->len.scale);

	if (!m) {
		refuse(c, err, "%s (keep): no struct to keep it with (a NULL struct pointer)", WHERE(what));
		return false;
	}
	for (size_t i = 0; i < PKR_MAX_KEEPS && !k; i++)
		if (m->kept[i].prog == p && m->kept[i].len == len)
			k = &m->kept[i];
	for (size_t i = 0; i < PKR_MAX_KEEPS && !k; i++)
		if (!m->kept[i].prog) {
			k = &m->kept[i];
			k->dom = dom_malloc(c->d, len ? len : 1);
			if (!k->dom) {
				refuse(c, err, "%s (keep): the domain's heap is full", WHERE(what));
				return false;
			}
			k->prog = p;
			k->len = len;
			memcpy(k->dom, (const void *)p, len);
			memcpy(k->last, (const void *)p, len);
		}
	if (!k) {
		refuse(c, err, "%s (keep): more than %d kept buffers for one struct", WHERE(what),
		       PKR_MAX_KEEPS);
		return false;
	}
	*slot = (uint64_t)(uintptr_t)k->dom;
	return true;
}

/* Around a call on mirror m: the side that changed since the last sync
 * wins.  `in`: program to copy (before the call), else back. */
static void sync_kept(struct mirror *m, bool in)
{
	for (size_t i = 0; i < PKR_MAX_KEEPS; i++) {
		struct kept *k = &m->kept[i];
		unsigned char *from = in ? (unsigned char *)k->prog : k->dom;
		unsigned char *to = in ? k->dom : (unsigned char *)k->prog;

		if (!k->prog || !memcmp(from, k->last, k->len))
			continue;
		memcpy(to, from, k->len);
		memcpy(k->last, from, k->len);
	}
}

/* A new item for program address p, *slot (if any) to point at its
 * copy; NULL (the call refused) when there are too many. */
static struct item *new_item(struct call *c, int *err, uintptr_t p, uint64_t *slot)
{
	struct item *it;

	if (c->nit == MAX_ITEMS) {
		refuse(c, err, "more than %d buffers to copy", MAX_ITEMS);
		return NULL;
	}
	it = &c->it[c->nit++];
	memset(it, 0, sizeof *it);
	it->prog = p;
	it->slot = slot;
	it->var = -1;
	return it;
}

/* The offset of a copy of len bytes in a scratch block of *total bytes
 * (which grows): 64-byte aligned from 64 bytes on (libsodium's hash
 * states are), else 16.  The block itself is 64-byte aligned. */
static size_t place(size_t *total, size_t len)
{
	size_t a = len >= 64 ? 64 : 16, off = (*total + a - 1) & ~(a - 1);

	*total = off + ((len + 15) & ~(size_t)15);
	return off;
}

/* One copy of [p, p + len) in the scratch block (an offset until it is
 * allocated). */
static bool add_item(struct call *c, int *err, uintptr_t p, size_t len, bool back, bool zero,
		     uint64_t *slot)
{
	struct item *it = new_item(c, err, p, slot);

	if (!it)
		return false;
	it->len = len;
	it->back = back;
	it->zero = zero;
	it->dom = (unsigned char *)(uintptr_t)place(&c->total, len);
	return true;
}

/* A program function: the library gets its reverse gate.  NULL stays
 * NULL, and a function of the domain's own (the library's default handler
 * handed back) stays itself.  As an item without bytes, so that a struct
 * field gets the program's pointer back after the call. */
static bool callback(struct call *c, int *err, uint64_t *slot, uintptr_t p, const struct where *what)
{
	void *stub;
	struct item *it;

	if (!p || dom_owns(c->d, p, 1) || pkr_tramp_callback_target((void *)p))
		return true;
	stub = pkr_tramp_callback(c->d, (void *)p);
	if (!stub) {
		refuse(c, err, "%s (callback): no callback slot left (at most %d)", WHERE(what), PKR_MAX_CB);
		return false;
	}
	it = new_item(c, err, p, slot);
	if (!it)
		return false;
	it->cb = stub;
	*slot = (uint64_t)(uintptr_t)stub;
	return true;
}

/* Plan the copy of one annotated pointer *slot (an argument register or
 * a field of a mirror).  `what` names it for messages.  False: refused. */
static bool plan(struct call *c, int *err, const struct pkr_arg *a, uint64_t *slot,
		 const struct pkr_struct_policy *st, uintptr_t base, const struct where *what)
{
	uintptr_t p = (uintptr_t)*slot;
	size_t len = 0;

	switch (a->kind) {
	case PKR_ARG_HANDLE:
		if (p && !dom_owns(c->d, p, 1)) {
			refuse(c, err, "%s (handle) 0x%lx is not the domain's memory", WHERE(what),
			       (unsigned long)p);
			return false;
		}
		return true;
	case PKR_ARG_CALLBACK:
		return callback(c, err, slot, p, what);
	case PKR_ARG_IN:
	case PKR_ARG_STRING:
		if (!c->none && !a->ref)
			return true;      /* read mode: the library reads it in place */
		break;
	case PKR_ARG_OUT:
	case PKR_ARG_INOUT:
	case PKR_ARG_SRET:
		break;
	default:
		return true;
	}
	if (!p)
		return true;
	if (a->keep)
		return keep(c, err, a, slot, p, what);
	if (a->kind == PKR_ARG_STRING)
		len = strlen((const char *)p) + 1;
	else if (!len_value(c, &a->len, st, base, &len)) {
		refuse(c, err, "%s (%s) has a length below 0 or past %llu bytes", WHERE(what), kind_name(a->kind),
		       (unsigned long long)MAX_COPY);
		return false;
	}
	if (a->ref) {
		/* The pointer variable: copied both ways; its copy points at
		 * the buffer's copy (if one is made), and is turned back. */
		int var = (int)c->nit;

		if (!add_item(c, err, p, 8, true, false, slot))
			return false;
		c->it[var].is_var = true;
		p = (uintptr_t)*(const uint64_t *)p;
		if (!p || len == 0 || (a->kind == PKR_ARG_IN && !c->none))
			return true;
		if (!add_item(c, err, p, len, a->kind != PKR_ARG_IN,
			      a->kind == PKR_ARG_OUT && c->none, NULL))
			return false;
		c->it[c->nit - 1].var = var;
		return true;
	}
	if (len == 0)
		return true;
	if (!add_item(c, err, p, len, a->kind != PKR_ARG_IN && a->kind != PKR_ARG_STRING,
		      (a->kind == PKR_ARG_OUT || a->kind == PKR_ARG_SRET) && c->none, slot))
		return false;
	c->it[c->nit - 1].sret = a->kind == PKR_ARG_SRET;
	return true;
}


/* The mirror of the struct at program address p (made if new). */
static struct mirror *mirror_of(struct call *c, const struct pkr_struct_policy *st, uintptr_t p)
{
	struct mirror *tab = mirrors[c->d->index], *free_slot = NULL;
	uint64_t epoch = __atomic_load_n(&c->d->resets, __ATOMIC_RELAXED);

	for (size_t i = 0; i < MIRRORS; i++) {
		uintptr_t q = __atomic_load_n(&tab[i].prog, __ATOMIC_ACQUIRE);

		if (q == p && tab[i].st == st) {
			if (tab[i].epoch != epoch) {   /* its heap was reset */
				tab[i].dom = dom_malloc(c->d, st->size);
				tab[i].epoch = epoch;
				for (size_t k = 0; k < PKR_MAX_KEEPS; k++)
					tab[i].kept[k].prog = 0;
			}
			return tab[i].dom ? &tab[i] : NULL;
		}
		if (!q && !free_slot)
			free_slot = &tab[i];
	}
	for (size_t i = 0; i < MIRRORS; i++) {
		uintptr_t zero = 0;

		if (__atomic_compare_exchange_n(&tab[i].prog, &zero, p, false, __ATOMIC_ACQ_REL,
						__ATOMIC_RELAXED)) {
			tab[i].st = st;
			tab[i].epoch = epoch;
			memset(tab[i].kept, 0, sizeof tab[i].kept);
			tab[i].dom = dom_malloc(c->d, st->size);
			if (!tab[i].dom) {
				__atomic_store_n(&tab[i].prog, 0, __ATOMIC_RELEASE);
				return NULL;
			}
			return &tab[i];
		}
	}
	(void)free_slot;
	return NULL;
}

static void mirror_forget(struct call *c, struct mirror *m)
{
	bool live = m->epoch == __atomic_load_n(&c->d->resets, __ATOMIC_RELAXED);

	for (size_t i = 0; i < PKR_MAX_KEEPS; i++) {
		if (m->kept[i].prog && live)
			dom_free(c->d, m->kept[i].dom);
		m->kept[i].prog = 0;
	}
	if (live)
		dom_free(c->d, m->dom);
	m->dom = NULL;
	m->st = NULL;
	__atomic_store_n(&m->prog, 0, __ATOMIC_RELEASE);
}

/* A struct argument: its mirror gets the program's bytes, then its
 * fields are planned like arguments. */
static bool plan_struct(struct call *c, int *err, const struct pkr_arg *a, size_t argi)
{
	const struct pkr_struct_policy *st = a->st;
	uintptr_t p = (uintptr_t)*argp(c->r, (unsigned)argi);
	struct mirror *m;

	if (!p)
		return true;
	m = mirror_of(c, st, p);
	if (!m) {
		refuse(c, err, "argument %zu (struct %s): no room for its copy (at most %d "
		       "live structs per domain, or the domain's heap is full)", argi + 1,
		       st->name, MIRRORS);
		return false;
	}
	memcpy(m->dom, (const void *)p, st->size);
	c->st[c->nst].m = m;
	c->st[c->nst].prog = p;
	c->st[c->nst].first = c->nit;
	c->st[c->nst].end = a->end;
	for (size_t f = 0; f < st->nfields; f++) {
		const struct pkr_field *fd = &st->fields[f];

		if (fd->a.kind == PKR_ARG_U32 || fd->a.kind == PKR_ARG_U64)
			continue;
		struct where what = { argi + 1, fd->name };

		if (!plan(c, err, &fd->a, (uint64_t *)((char *)m->dom + fd->offset), st, p, &what))
			return false;
	}
	c->st[c->nst].n = c->nit - c->st[c->nst].first;
	c->nst++;
	*argp(c->r, (unsigned)argi) = (uint64_t)(uintptr_t)m->dom;
	return true;
}

/* Scratch on this thread's stack of the domain, below where the call
 * will start (td->sp, lowered for the call): no allocation.  Only for a
 * call from the program's side (t->cur NULL: a call made while a domain
 * runs on this thread starts below its frames, not at td->sp), on a
 * thread that has the stack, and for copies that leave most of it. */
#define STACK_SCRATCH_MAX (256u << 10)
static void *stack_scratch(struct call *c, struct pkr_tdom **tdp, uintptr_t *saved)
{
	struct pkr_thread *t = pkr_tls_thread;
	struct pkr_tdom *td;
	uintptr_t p;

	if (!t || t->cur || c->total > STACK_SCRATCH_MAX)
		return NULL;
	td = &t->doms[c->d->index];
	if (!td->sp || td->sp - td->stack_lo < 2 * STACK_SCRATCH_MAX + c->total)
		return NULL;
	p = (td->sp - c->total) & ~(uintptr_t)63;
	*saved = td->sp;
	*tdp = td;
	td->sp = p - 64;
	return (void *)p;
}

/* Which copies become loans (lend.c): `out` and `inout` buffers past the
 * domain's `lend` size, when the call passes no callback, pages not
 * shared between two loans.  The other copies' offsets in the scratch
 * block are laid out again without them. */
static void choose_lends(struct call *c)
{
	size_t n = 0, off = 0;

	if (pkr_learn_on)
		return;
	for (size_t i = 0; i < c->nit; i++)
		if (c->it[i].cb)
			return;
	for (size_t i = 0; i < c->nit && n < MAX_LENDS; i++) {
		struct item *it = &c->it[i];
		bool ok = it->back && !it->is_var && !it->sret &&
			  pkr_lend_allowed(c->d, it->prog, it->len);

		for (size_t k = 0; k < i && ok; k++)
			if (c->it[k].lend && pkr_lend_overlap(it->prog, it->len, c->it[k].prog, c->it[k].len))
				ok = false;
		if (ok) {
			it->lend = true;
			n++;
		}
	}
	if (!n)
		return;
	for (size_t i = 0; i < c->nit; i++) {
		struct item *it = &c->it[i];

		if (it->cb || it->lend)
			continue;
		it->dom = (unsigned char *)(uintptr_t)place(&off, it->len);
	}
	c->total = off;
}

/* Item it's copy at it->dom made: zeroed (an out buffer in none mode,
 * which the library may not read) or the program's bytes (in read mode
 * the library may read it anyway), and the pointers to it set. */
static void install(struct call *c, struct item *it, bool copy)
{
	if (it->var >= 0)
		it->slot = (uint64_t *)(void *)c->it[it->var].dom;
	if (copy && it->zero)
		memset(it->dom, 0, it->len);
	else if (copy)
		memcpy(it->dom, (const void *)it->prog, it->len);
	if (it->slot)
		*it->slot = (uint64_t)(uintptr_t)it->dom;
}

/* The chosen loans made (after the copies: a copy's bytes may lie in a
 * lent buffer's pages).  A loan the kernel refuses becomes a copy in a
 * heap block of its own.  False: not even that (the call is refused). */
static bool make_lends(struct call *c, int *err)
{
	for (size_t i = 0; i < c->nit; i++) {
		struct item *it = &c->it[i];
		uintptr_t dom;

		if (!it->lend)
			continue;
		dom = pkr_lend_begin(c->d, &c->lends[c->nlend], it->prog, it->len, it->zero);
		if (dom) {
			c->nlend++;
			it->dom = (unsigned char *)dom;
			install(c, it, false);
			continue;
		}
		it->lend = false;
		it->dom = dom_malloc(c->d, it->len);
		if (!it->dom) {
			refuse(c, err, "cannot allocate %zu bytes in the domain's heap for "
			       "the copy of a buffer", it->len);
			return false;
		}
		it->own = true;
		install(c, it, true);
	}
	return true;
}

/* Heap blocks of copies whose loan was refused. */
static void free_own(struct call *c, uint64_t resets)
{
	if (__atomic_load_n(&c->d->resets, __ATOMIC_RELAXED) != resets)
		return;           /* reset since: the heap is gone */
	for (size_t i = 0; i < c->nit; i++)
		if (c->it[i].own)
			dom_free(c->d, c->it[i].dom);
}

/* Large scratch blocks (past the stack's share): one per domain is kept
 * from call to call, so that a call does not pay for fresh pages (the
 * domain's allocator gives free runs of 256 KiB and more back to the
 * kernel).  Taken by one call at a time; a call that finds it taken, or
 * too small, allocates. */
#define KEEP_SCRATCH_MAX (64ul << 20)
static struct {
	void *p;
	size_t size;
	uint64_t epoch;               /* the domain's resets when allocated */
	int busy;
} big[PKR_MAX_DOM];

/* (64 bytes more than the copies need: the block is aligned, see
 * place().) */
static void *big_scratch(struct call *c)
{
	unsigned i = c->d->index;
	uint64_t epoch = __atomic_load_n(&c->d->resets, __ATOMIC_RELAXED);
	size_t need = c->total + 64;

	if (c->total > KEEP_SCRATCH_MAX || __atomic_exchange_n(&big[i].busy, 1, __ATOMIC_ACQUIRE))
		return dom_malloc(c->d, need);
	if (big[i].p && (big[i].size < need || big[i].epoch != epoch)) {
		if (big[i].epoch == epoch)
			dom_free(c->d, big[i].p);
		big[i].p = NULL;
	}
	if (!big[i].p) {
		big[i].p = dom_malloc(c->d, need);
		big[i].size = need;
		big[i].epoch = epoch;
	}
	if (!big[i].p)
		__atomic_store_n(&big[i].busy, 0, __ATOMIC_RELEASE);
	return big[i].p;
}

/* Scratch done with: the kept block is free again, another freed. */
static void scratch_done(struct call *c, void *block, uint64_t resets)
{
	unsigned i = c->d->index;

	if (block == big[i].p && big[i].busy)
		__atomic_store_n(&big[i].busy, 0, __ATOMIC_RELEASE);
	else if (__atomic_load_n(&c->d->resets, __ATOMIC_RELAXED) == resets)
		dom_free(c->d, block);
}

/* A call that did not return (refused, rewound) of a function that
 * returns a struct by value: %rax still returns the caller's own hidden
 * pointer (the struct as it was), never the fault-return as an address. */
static void sret_unchanged(struct call *c)
{
	for (size_t i = 0; i < c->nit; i++)
		if (c->it[i].sret)
			c->r->ret_rax = c->it[i].prog;
}

void pkr_marshal_call(struct pkr_mregs *r)
{
	struct call c;     /* not zeroed: 4 KiB of items, each set when used */
	int err = errno;
	const struct pkr_thread *t;
	uint64_t rewinds, resets;
	void *scratch = NULL, *block = NULL;
	struct pkr_tdom *td = NULL;
	uintptr_t saved_sp = 0;
	bool write = r->fn->dom->pol->trust == PKR_TRUST_WRITE;

	c.r = r;
	c.d = r->fn->dom;
	c.fp = r->fn->marshal;
	c.nit = c.total = c.nst = c.nlend = 0;
	c.none = c.d->pol->trust == PKR_TRUST_NONE;
	r->nsarg = 0;
	/* Stacked arguments that may be replaced: within the window the gate
	 * copies (the policy parser checked stack-args). */
	if (c.fp->max_stack_arg > 6) {
		r->nsarg = c.fp->max_stack_arg - 6;
		memcpy(r->sarg, (const void *)r->stack, r->nsarg * 8);
	}
	/* Structs first: `keep` buffers belong to the first one. */
	for (size_t i = 0; i < c.fp->nargs && !write; i++)
		if (c.fp->args[i].kind == PKR_ARG_STRUCT && !plan_struct(&c, &err, &c.fp->args[i], i))
			goto out;
	for (size_t i = 0; i < c.fp->nargs; i++) {
		const struct pkr_arg *a = &c.fp->args[i];

		struct where what = { i + 1, NULL };

		if ((write && a->kind != PKR_ARG_HANDLE && a->kind != PKR_ARG_CALLBACK) ||
		    a->kind == PKR_ARG_STRUCT)
			continue;
		if (!plan(&c, &err, a, argp(r, (unsigned)i), NULL, 0, &what))
			goto out;
	}
	for (size_t s = 0; s < c.nst; s++)
		sync_kept(c.st[s].m, true);
	if (!write)
		choose_lends(&c);
	if (c.total) {
		scratch = stack_scratch(&c, &td, &saved_sp);
		if (!scratch && (block = big_scratch(&c)))
			scratch = (void *)(((uintptr_t)block + 63) & ~(uintptr_t)63);
		if (!scratch) {
			refuse(&c, &err, "cannot allocate %zu bytes in the domain's heap for "
			       "the copies of its arguments", c.total);
			goto out;
		}
		for (size_t i = 0; i < c.nit; i++) {
			struct item *it = &c.it[i];

			if (it->cb) {
				it->dom = it->cb;
				continue;
			}
			if (it->lend)
				continue;
			it->dom = (unsigned char *)scratch + (uintptr_t)it->dom;
			install(&c, it, true);
		}
	}

	resets = __atomic_load_n(&c.d->resets, __ATOMIC_RELAXED);
	if (!make_lends(&c, &err)) {
		if (c.nlend)
			pkr_lend_end_all(c.d, c.lends, c.nlend, false);
		c.nlend = 0;
		sret_unchanged(&c);
		goto done;
	}
	t = pkr_tls_thread;
	rewinds = t ? t->rewinds : 0;
	if (pkr_learn_on)
		pkr_learn_enter(r->fn, r->a);
	errno = err;
	pkr_marshal_invoke(r);
	err = errno;
	if (pkr_learn_on)
		pkr_learn_leave();
	t = pkr_tls_thread;
	if (t && t->rewinds != rewinds) {
		/* Rewound: the program's memory stays as it was, but for
		 * the whole pages of lent buffers. */
		if (c.nlend)
			pkr_lend_end_all(c.d, c.lends, c.nlend, false);
		sret_unchanged(&c);
		goto done;
	}
	/* Loans back first: copies may go to their partial pages. */
	if (c.nlend)
		pkr_lend_end_all(c.d, c.lends, c.nlend, true);

	for (size_t i = 0; i < c.nit; i++) {
		if (c.it[i].cb)
			c.it[i].dom = c.it[i].cb;   /* (no scratch: not set above) */
		else if (c.it[i].back && !c.it[i].is_var && !c.it[i].lend)
			memcpy((void *)c.it[i].prog, c.it[i].dom, c.it[i].len);
	}
	/* A pointer returned into a copy (a struct returned by value: the
	 * hidden pointer; sodium_bin2hex: its output buffer) is one into
	 * the program's buffer. */
	for (size_t i = 0; i < c.nit; i++) {
		uintptr_t v = (uintptr_t)r->ret_rax, dom = (uintptr_t)c.it[i].dom;

		if (!c.it[i].cb && !c.it[i].is_var && v >= dom && v < dom + c.it[i].len + !!c.it[i].len) {
			r->ret_rax = c.it[i].prog + (v - dom);
			break;
		}
	}
	/* `ref` variables: a pointer into the buffer's copy becomes one into
	 * the program's buffer. */
	for (size_t i = 0; i < c.nit; i++) {
		uint64_t v;

		if (!c.it[i].is_var)
			continue;
		memcpy(&v, c.it[i].dom, 8);
		for (size_t k = i + 1; k < c.nit; k++)
			if (c.it[k].var == (int)i && v >= (uintptr_t)c.it[k].dom &&
			    v <= (uintptr_t)c.it[k].dom + c.it[k].len)
				v = c.it[k].prog + (v - (uintptr_t)c.it[k].dom);
		memcpy((void *)c.it[i].prog, &v, 8);
	}
	for (size_t s = 0; s < c.nst; s++) {
		struct mirror *m = c.st[s].m;
		unsigned char *prog = (unsigned char *)c.st[s].prog;

		sync_kept(m, false);
		/* Pointers into a copy become pointers into the original (in
		 * the mirror: the next call copies the program's bytes in
		 * again), then the struct is written back only if the call
		 * changed it: a struct the library only reads may be in
		 * read-only memory. */
		for (size_t i = c.st[s].first; i < c.st[s].first + c.st[s].n; i++) {
			const struct item *it = &c.it[i];
			uintptr_t v = (uintptr_t)*it->slot;

			if (v >= (uintptr_t)it->dom && v <= (uintptr_t)it->dom + it->len)
				*it->slot = (uint64_t)(it->prog + (v - (uintptr_t)it->dom));
		}
		if (memcmp(prog, m->dom, m->st->size) != 0)
			memcpy(prog, m->dom, m->st->size);
		if (c.st[s].end)
			mirror_forget(&c, m);
	}
done:
	free_own(&c, resets);
	if (saved_sp)
		td->sp = saved_sp;
	else if (block)
		scratch_done(&c, block, resets);
	errno = err;
	return;
out:
	sret_unchanged(&c);
	errno = err;
}
