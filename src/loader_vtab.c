/* loader_vtab.c - the virtual functions of a domain's C++ objects go
 * through the gate when anyone but the domain calls them.  See loader.h.
 *
 * An object the library made carries a pointer to its vtable, which is
 * in the namespace; the program calls its virtual functions through that
 * table, not through any GOT slot the shim rewrites, so before this they
 * ran the namespace's code with the program's rights.  Now every vtable
 * slot of the namespace's objects (the library's and its libstdc++'s:
 * what() of an exception it throws) holds an entry (tramp.c) that reads
 * PKRU: the domain's own virtual calls, the common case, jump straight on
 * (rdpkru, a compare, six moves); the program's, a callback's and other
 * domains' go through the gate, counted, rewound on a fault, exceptions
 * handed over, like any exported function's call.
 *
 * Finding the vtables (Itanium C++ ABI, section 2.5): stripped libraries
 * keep no symbol for most of them (a class in an anonymous namespace),
 * so they are found by their shape in the loaded, relocated image.
 *  1. A type_info object (class, single or multiple inheritance) begins
 *     with a pointer 16 bytes into the namespace libstdc++'s vtable of
 *     __cxxabiv1::__class_type_info, __si_class_type_info or
 *     __vmi_class_type_info: every word of the objects' writable
 *     segments (RELRO included) equal to one of those three marks one.
 *  2. A vtable (and every secondary and construction vtable) holds the
 *     offset to top (a small integer, 0 or negative), then a pointer to
 *     the type_info, then the virtual function pointers: the words after
 *     such a pair that point into the text of the namespace's objects
 *     are its slots, up to the first word that does not.
 * A type_info's own words (its name, a base's type_info after a flags
 * word) can look like step 2's pair, but then no text pointer follows:
 * nothing is rewritten there.  Tables built without RTTI (-fno-rtti,
 * type_info 0) are not found: their virtual functions stay direct; so
 * do those of the type_info classes themselves (type_info_vtables).
 *
 * Without protection keys (pkr_nokeys) nothing is rewritten: rdpkru
 * cannot tell the domain from the program, and the entry would send
 * the library's own calls through the gate.
 *
 * Not async-signal-safe (start-up, under pkr_shim_lock).
 */
#include "config.h"

#define _GNU_SOURCE 1
#include <dlfcn.h>
#include <elf.h>
#include <errno.h>
#include <link.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/mman.h>

#include "domains.h"
#include "elf.h"
#include "loader.h"
#include "log.h"
#include "maps.h"
#include "pkey.h"
#include "tramp.h"

struct range {
	uintptr_t lo, hi;
};

struct pkr_vtabs {
	uintptr_t *slots;             /* addresses of the slots, ascending */
	size_t nslots;
	uintptr_t *targets;           /* the distinct functions, ascending */
	size_t ntargets;
	struct pkr_fn **fn;           /* fn[i]: the descriptor of targets[i] */
};

/* A growing array of words. */
struct words {
	uintptr_t *v;
	size_t n, cap;
};

static int push(struct words *w, uintptr_t x)
{
	if (w->n == w->cap) {
		size_t cap = w->cap ? 2 * w->cap : 256;
		uintptr_t *v = realloc(w->v, cap * sizeof *v);
		if (!v)
			return -1;
		w->v = v;
		w->cap = cap;
	}
	w->v[w->n++] = x;
	return 0;
}

static int cmp_word(const void *a, const void *b)
{
	uintptr_t x = *(const uintptr_t *)a, y = *(const uintptr_t *)b;
	return x < y ? -1 : x > y;
}

static bool in_words(const struct words *w, uintptr_t x)
{
	return bsearch(&x, w->v, w->n, sizeof x, cmp_word) != NULL;
}

static bool in_ranges(const struct range *r, size_t n, uintptr_t x)
{
	for (size_t i = 0; i < n; i++)
		if (x >= r[i].lo && x < r[i].hi)
			return true;
	return false;
}

/* Text (PF_X) and writable (PF_W) PT_LOAD segments of objects. */
struct segs {
	struct range *text, *data;
	size_t nt, nd, cap;
};

static void segs_free(struct segs *g)
{
	free(g->text);
	free(g->data);
}

/* The program headers of l: from its ELF header, or for the executable
 * (which may be loaded at 0) from the auxiliary vector. */
static const ElfW(Phdr) *phdrs(const struct link_map *l, uintptr_t *base, size_t *n)
{
	const ElfW(Ehdr) *eh = (const ElfW(Ehdr) *)l->l_addr;

	if (!l->l_name || !l->l_name[0]) {
		const ElfW(Phdr) *ph = (const ElfW(Phdr) *)getauxval(AT_PHDR);
		*n = getauxval(AT_PHNUM);
		for (size_t i = 0; ph && i < *n; i++)
			if (ph[i].p_type == PT_PHDR) {
				*base = (uintptr_t)ph - ph[i].p_vaddr;
				return ph;
			}
		return NULL;
	}
	if (!l->l_addr || memcmp(eh->e_ident, ELFMAG, SELFMAG) != 0)
		return NULL;
	*base = l->l_addr;
	*n = eh->e_phnum;
	return (const ElfW(Phdr) *)(l->l_addr + eh->e_phoff);
}

static int segs_add(struct segs *g, const struct link_map *l, bool text_only)
{
	uintptr_t base = 0;
	size_t n = 0;
	const ElfW(Phdr) *ph = phdrs(l, &base, &n);

	for (size_t i = 0; ph && i < n; i++) {
		if (ph[i].p_type != PT_LOAD || !(ph[i].p_flags & (text_only ? PF_X : PF_X | PF_W)))
			continue;
		if (g->nt + g->nd + 1 > g->cap) {
			size_t cap = g->cap ? 2 * g->cap : 32;
			struct range *t = realloc(g->text, cap * sizeof *t);
			if (t)
				g->text = t;
			struct range *w = t ? realloc(g->data, cap * sizeof *w) : NULL;
			if (!w)
				return -1;
			g->data = w;
			g->cap = cap;
		}
		struct range r = { base + ph[i].p_vaddr, base + ph[i].p_vaddr + ph[i].p_memsz };
		r.lo = (r.lo + 7) & ~(uintptr_t)7;
		if (ph[i].p_flags & PF_X)
			g->text[g->nt++] = r;
		else
			g->data[g->nd++] = r;
	}
	return 0;
}

/* The namespace's objects (the runtime and ld.so excluded: no C++
 * there). */
static int segments(const struct pkr_domain *d, struct segs *g)
{
	memset(g, 0, sizeof *g);
	for (struct link_map *l = pkr_domain_first_object(d); l; l = l->l_next)
		if (!pkr_domain_shared_object(l) && l->l_addr && l->l_addr != d->rt_lo &&
		    segs_add(g, l, false) != 0)
			return -1;
	return 0;
}

/* Scan the words of g's writable segments for the marks: the type_info
 * objects there, ascending. */
static int find_type_infos(const struct segs *g, const uintptr_t mark[3], struct words *ti)
{
	for (size_t s = 0; s < g->nd; s++)
		for (uintptr_t p = g->data[s].lo; p + 8 <= g->data[s].hi; p += 8) {
			uintptr_t w = *(const uintptr_t *)p;
			for (size_t i = 0; i < 3; i++)
				if (w && w == mark[i] && push(ti, p) != 0)
					return -1;
		}
	qsort(ti->v, ti->n, sizeof *ti->v, cmp_word);
	return 0;
}

/* The type_info classes' own vtables (libstdc++'s __cxxabiv1): the
 * first three also give the words a type_info begins with (step 1). */
static const char *const ti_names[] = {
	"_ZTVN10__cxxabiv117__class_type_infoE",
	"_ZTVN10__cxxabiv120__si_class_type_infoE",
	"_ZTVN10__cxxabiv121__vmi_class_type_infoE",
	"_ZTVSt9type_info",
	"_ZTVN10__cxxabiv116__enum_type_infoE",
	"_ZTVN10__cxxabiv117__array_type_infoE",
	"_ZTVN10__cxxabiv117__pbase_type_infoE",
	"_ZTVN10__cxxabiv119__pointer_type_infoE",
	"_ZTVN10__cxxabiv120__function_type_infoE",
	"_ZTVN10__cxxabiv123__fundamental_type_infoE",
	"_ZTVN10__cxxabiv129__pointer_to_member_type_infoE",
};
#define NTI (sizeof ti_names / sizeof ti_names[0])

/* mark[0..3): the words a type_info begins with (0 where absent);
 * keep[0..NTI): where the type_info pointer of each type_info class's
 * vtable is.  Those vtables stay as they are: the program's unwinder
 * calls their virtual functions (__do_catch, __do_upcast) on the
 * library's exception types to match its catch clauses, and they store
 * their answers into the program's memory.  They are libstdc++'s code
 * over type_info objects in RELRO, which the library cannot write.
 * Returns whether the namespace has a libstdc++. */
static bool type_info_vtables(const struct pkr_domain *d, uintptr_t mark[3], uintptr_t keep[NTI])
{
	bool found = false;

	memset(keep, 0, NTI * sizeof *keep);
	memset(mark, 0, 3 * sizeof *mark);
	for (struct link_map *l = pkr_domain_first_object(d); l && !found; l = l->l_next) {
		if (pkr_domain_shared_object(l))
			continue;
		for (size_t i = 0; i < NTI; i++) {
			uintptr_t v = (uintptr_t)pkr_elf_lookup(l, ti_names[i], NULL);
			if (!v)
				continue;
			found = true;
			keep[i] = v + 8;
			if (i < 3)
				mark[i] = v + 16;
		}
	}
	return found;
}

static bool small_offset(uintptr_t w)
{
	intptr_t v = (intptr_t)w;
	return v <= 0 && v > -(1L << 30);
}

void pkr_loader_vtab_free(struct pkr_vtabs *vt)
{
	if (!vt)
		return;
	free(vt->slots);
	free(vt->targets);
	free(vt->fn);
	free(vt);
}

/* Every vtable in g's writable segments (step 2): fn(ctx, at, first,
 * end), where `at` is its type_info pointer's place and [first, end) its
 * slots, each pointing into g's text. */
typedef int vtable_fn(void *ctx, uintptr_t at, uintptr_t first, uintptr_t end);

static int each_vtable(const struct segs *g, const struct words *ti, vtable_fn *fn, void *ctx)
{
	for (size_t s = 0; s < g->nd && ti->n; s++)
		for (uintptr_t p = g->data[s].lo + 8; p + 8 <= g->data[s].hi; p += 8) {
			uintptr_t at = p;
			if (!in_words(ti, *(const uintptr_t *)p) ||
			    !small_offset(*(const uintptr_t *)(p - 8)))
				continue;
			for (p += 8; p + 8 <= g->data[s].hi &&
				     in_ranges(g->text, g->nt, *(const uintptr_t *)p); p += 8)
				;
			if (p > at + 8 && fn(ctx, at, at + 8, p) != 0)
				return -1;
			p -= 8;
		}
	return 0;
}

struct ns_ctx {
	const uintptr_t *keep;
	struct words *slots, *targets;
};

static int ns_vtable(void *arg, uintptr_t at, uintptr_t first, uintptr_t end)
{
	struct ns_ctx *c = arg;

	for (size_t i = 0; i < NTI; i++)
		if (at == c->keep[i])
			return 0;
	for (uintptr_t p = first; p < end; p += 8)
		if (push(c->slots, p) != 0 || push(c->targets, *(const uintptr_t *)p) != 0)
			return -1;
	return 0;
}

struct pkr_vtabs *pkr_loader_vtab_scan(const struct pkr_domain *d)
{
	struct segs g;
	struct words ti = { 0 }, slots = { 0 }, targets = { 0 };
	struct pkr_vtabs *vt = NULL;
	uintptr_t mark[3], keep[NTI];

	memset(&g, 0, sizeof g);
	if (pkr_nokeys || d->pkru == PKR_PROG_PKRU || !type_info_vtables(d, mark, keep))
		return NULL;
	if (segments(d, &g) != 0 || find_type_infos(&g, mark, &ti) != 0 ||
	    each_vtable(&g, &ti, ns_vtable, &(struct ns_ctx){ keep, &slots, &targets }) != 0)
		goto fail;
	free(ti.v);
	ti.v = NULL;
	if (!slots.n)
		goto fail;      /* nothing to do: not an error */
	qsort(slots.v, slots.n, sizeof *slots.v, cmp_word);
	qsort(targets.v, targets.n, sizeof *targets.v, cmp_word);
	size_t u = 0;
	for (size_t i = 0; i < targets.n; i++)
		if (u == 0 || targets.v[u - 1] != targets.v[i])
			targets.v[u++] = targets.v[i];
	targets.n = u;
	if (!(vt = calloc(1, sizeof *vt)) || !(vt->fn = calloc(u, sizeof *vt->fn)))
		goto fail;
	vt->slots = slots.v;
	vt->nslots = slots.n;
	vt->targets = targets.v;
	vt->ntargets = targets.n;
	segs_free(&g);
	return vt;
fail:
	segs_free(&g);
	free(ti.v);
	free(slots.v);
	free(targets.v);
	if (vt)
		free(vt->fn);
	free(vt);
	return NULL;
}

size_t pkr_loader_vtab_count(const struct pkr_vtabs *vt)
{
	return vt ? vt->ntargets : 0;
}

/* A virtual function's name for messages and counts: its exported
 * symbol when it has one (dladdr reads the dynamic symbol table). */
static const char *vt_name(uintptr_t target)
{
	Dl_info info;

	if (dladdr((void *)target, &info) && info.dli_sname &&
	    (uintptr_t)info.dli_saddr == target)
		return info.dli_sname;
	return "a virtual function";
}

size_t pkr_loader_vtab_fns(struct pkr_vtabs *vt, struct pkr_domain *d, struct pkr_fn *f,
			   size_t max)
{
	size_t k = 0;

	if (!vt)
		return 0;
	for (size_t i = 0; i < vt->ntargets; i++) {
		/* An exported function keeps its own descriptor (its policy
		 * line, its count). */
		for (size_t j = 0; j < d->nfns && !vt->fn[i]; j++)
			if ((uintptr_t)d->fns[j].target == vt->targets[i])
				vt->fn[i] = &d->fns[j];
		if (vt->fn[i] || k == max)
			continue;
		const char *name = vt_name(vt->targets[i]);
		struct pkr_retval rv = pkr_policy_fault_return(d->pol, name);
		f[k].target = (void *)vt->targets[i];
		f[k].dom = d;
		f[k].name = name;
		f[k].fault_value = rv.is_void ? 0 : rv.value;
		f[k].fault_void = rv.is_void;
		f[k].fault_errno = rv.err;
		vt->fn[i] = &f[k++];
	}
	return k;
}

/* Rewrite the slots of one page [page, page + 4096): prot as the
 * mapping has it (RELRO is read-only by now); the pkey stays. */
static int write_page(const struct pkr_map *m, long nm, uintptr_t page,
		      const uintptr_t *slots, const uintptr_t *vals, size_t n)
{
	int prot = pkr_maps_prot(m, nm, page);

	if (prot < 0 || (!(prot & PROT_WRITE) &&
			 mprotect((void *)page, 4096, prot | PROT_WRITE) != 0))
		return -1;
	for (size_t i = 0; i < n; i++)
		*(uintptr_t *)slots[i] = vals[i];
	if (!(prot & PROT_WRITE))
		mprotect((void *)page, 4096, prot);
	return 0;
}

/* slots[i] = vals[i] for all n (the slots of one page next to each
 * other): one write_page per run of them.  0, or -1. */
static int write_slots(const struct pkr_map *m, long nm, const uintptr_t *slots,
		       const uintptr_t *vals, size_t n)
{
	for (size_t i = 0, j; i < n; i = j) {
		uintptr_t page = slots[i] & ~(uintptr_t)4095;
		for (j = i; j < n && (slots[j] & ~(uintptr_t)4095) == page; j++)
			;
		if (write_page(m, nm, page, slots + i, vals + i, j - i) != 0)
			return -1;
	}
	return 0;
}

int pkr_loader_vtab_patch(struct pkr_vtabs *vt, struct pkr_domain *d)
{
	void **entries;
	uintptr_t *vals;
	struct pkr_map *m = NULL;
	long nm;
	int rc = -1;

	if (!vt)
		return 0;
	entries = calloc(vt->ntargets, sizeof *entries);
	vals = calloc(vt->nslots, sizeof *vals);
	nm = entries && vals ? pkr_read_maps(&m) : -1;
	if (nm < 0 || pkr_tramp_vstubs(vt->fn, vt->ntargets, d->pkru, entries) != 0)
		goto out;
	for (size_t i = 0; i < vt->nslots; i++) {
		uintptr_t t = *(const uintptr_t *)vt->slots[i];
		uintptr_t *at = bsearch(&t, vt->targets, vt->ntargets, sizeof t, cmp_word);
		if (!at)
			goto out;
		vals[i] = (uintptr_t)entries[at - vt->targets];
	}
	if (write_slots(m, nm, vt->slots, vals, vt->nslots) != 0)
		goto out;
	/* The domain keeps the sorted targets and their entries
	 * (pkr_domain_vt_entry: an exception's destructor, gate_exc.c). */
	d->vt_targets = vt->targets;
	d->vt_entries = entries;
	d->nvt = vt->ntargets;
	vt->targets = NULL;
	entries = NULL;
	rc = 0;
	pkr_log(PKR_LOG_DEBUG, "domain %s: %zu vtable slots, %zu virtual functions, "
		"go through the gate", d->pol->name, vt->nslots, d->nvt);
out:
	if (rc != 0)
		pkr_log(PKR_LOG_ERROR, "domain %s: cannot route the virtual functions of its "
			"C++ objects through the gate: %s", d->pol->name, strerror(errno));
	free(m);
	free(entries);
	free(vals);
	return rc;
}

/* ---- the program's classes that implement a library's interface ---------
 * The other way: the library calls the virtual functions of an object
 * the program made, through the program's vtable.  A program class can
 * reach the library only as a class the library knows: one of the
 * library's classes (its type_info's name is one the isolated libraries
 * define) or a class derived from one.  Those vtables' slots that point
 * at program functions get callback stubs of any domain (tramp.h
 * PKR_CB_ANY): called with the program's rights they jump straight on
 * (the program's own virtual calls), with a domain's they enter the
 * callback gate, so the function runs with the program's rights, stack
 * and thread pointer.
 * Slots that point at the program's own copy of the library (a virtual
 * function the class inherits) get the namespace copy's entry.  Every
 * other vtable of the program is left alone, and costs nothing. */

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

struct prog_ctx {
	struct pkr_domain *d;
	const struct words *ti;        /* the program's type_info objects */
	const char **names;            /* the libraries' class names, sorted */
	size_t nnames;
	const uintptr_t *pmark;        /* the program's libstdc++'s marks */
	const struct pkr_map *m;       /* the process's mappings */
	long nm;
	struct words *slots, *vals;
	size_t nocb;                   /* slots left direct: no callback slot */
};

/* Are [a, a + len) readable (maps m)?  What looked like a type_info
 * is read only where it is: a word that merely equals a mark must not
 * crash the start-up. */
static bool readable(const struct pkr_map *m, long nm, uintptr_t a, size_t len)
{
	for (uintptr_t p = a & ~(uintptr_t)4095; p < a + len; p += 4096) {
		int prot = pkr_maps_prot(m, nm, p);
		if (prot < 0 || !(prot & PROT_READ))
			return false;
	}
	return len > 0;
}

/* A type_info's name: a string ending within four readable pages. */
static const char *ti_name(const struct pkr_map *m, long nm, uintptr_t t)
{
	const char *name;
	uintptr_t p;

	if (!readable(m, nm, t, 16))
		return NULL;
	name = ((const char *const *)t)[1];
	p = (uintptr_t)name;
	for (int i = 0; i < 4 && readable(m, nm, p, 1); i++) {
		uintptr_t end = (p | 4095) + 1;
		if (memchr((const void *)p, 0, end - p))
			return name;
		p = end;
	}
	return NULL;
}

static bool known_name(const struct prog_ctx *c, const char *name)
{
	return name && name[0] != '*' &&
	       bsearch(&name, c->names, c->nnames, sizeof *c->names, cmp_str) != NULL;
}

static bool in_library(const struct pkr_domain *d, uintptr_t a)
{
	for (size_t i = 0; i < d->nlibs; i++)
		if ((a >= d->libs[i].base_lo && a < d->libs[i].base_hi) ||
		    (a >= d->libs[i].ns_lo && a < d->libs[i].ns_hi))
			return true;
	return false;
}

static bool derives(const struct prog_ctx *c, uintptr_t t, int depth);

/* A base class's type_info: the program's (then its own bases count
 * too), or the library's; anything else is not read. */
static bool derives_base(const struct prog_ctx *c, uintptr_t b, int depth)
{
	if (in_words(c->ti, b))
		return derives(c, b, depth + 1);
	return in_library(c->d, b) && known_name(c, ti_name(c->m, c->nm, b));
}

/* Does the program's type_info at t name a library's class, or derive
 * from one? */
static bool derives(const struct prog_ctx *c, uintptr_t t, int depth)
{
	const uintptr_t *w = (const uintptr_t *)t;

	if (depth > 32 || !readable(c->m, c->nm, t, 24))
		return false;
	if (known_name(c, ti_name(c->m, c->nm, t)))
		return true;
	if (w[0] == c->pmark[1])
		return w[2] && derives_base(c, w[2], depth);
	if (w[0] == c->pmark[2]) {
		uint32_t n = ((const uint32_t *)t)[5];
		if (n > 64 || !readable(c->m, c->nm, t, 24 + 16 * (size_t)n))
			return false;
		for (uint32_t i = 0; i < n; i++)
			if (derives_base(c, w[3 + 2 * i], depth))
				return true;
	}
	return false;
}

/* What a slot of such a vtable should hold instead of v, or 0. */
static uintptr_t program_slot(struct prog_ctx *c, uintptr_t v)
{
	struct pkr_domain *d = c->d;

	for (size_t i = 0; i < d->nlibs; i++)
		if (v >= d->libs[i].base_lo && v < d->libs[i].base_hi) {
			uintptr_t ns = v - d->libs[i].base_lo + d->libs[i].ns_lo;
			void *e = pkr_domain_vt_entry(d, ns);
			for (size_t k = 0; !e && k < d->nfns; k++)
				if ((uintptr_t)d->fns[k].target == ns)
					e = d->fns[k].stub;
			return (uintptr_t)e;
		}
	void *cb = pkr_tramp_callback(PKR_CB_ANY, (void *)v);
	if (!cb)
		c->nocb++;
	return (uintptr_t)cb;
}

static int prog_vtable(void *arg, uintptr_t at, uintptr_t first, uintptr_t end)
{
	struct prog_ctx *c = arg;

	if (!derives(c, *(const uintptr_t *)at, 0))
		return 0;
	for (uintptr_t p = first; p < end; p += 8) {
		uintptr_t v = program_slot(c, *(const uintptr_t *)p);
		if (v && (push(c->slots, p) != 0 || push(c->vals, v) != 0))
			return -1;
	}
	return 0;
}

/* The class names (type_info names) the isolated libraries define. */
static int library_names(const struct pkr_domain *d, const struct pkr_map *m, long nm,
			 const char ***names, size_t *n)
{
	uintptr_t mark[3], keep[NTI];
	struct words ti = { 0 };
	struct segs g;
	int rc = -1;

	*names = NULL;
	*n = 0;
	memset(&g, 0, sizeof g);
	if (!type_info_vtables(d, mark, keep))
		return 0;
	for (struct link_map *l = pkr_domain_first_object(d); l; l = l->l_next)
		if (in_library(d, l->l_addr) && segs_add(&g, l, false) != 0)
			goto out;
	if (find_type_infos(&g, mark, &ti) != 0 || !(*names = calloc(ti.n + 1, sizeof **names)))
		goto out;
	for (size_t i = 0; i < ti.n; i++)
		if (((*names)[*n] = ti_name(m, nm, ti.v[i])))
			++*n;
	qsort(*names, *n, sizeof **names, cmp_str);
	rc = 0;
out:
	segs_free(&g);
	free(ti.v);
	return rc;
}

int pkr_loader_vtab_program(struct pkr_domain *d, struct link_map *main_map)
{
	struct prog_ctx c = { .d = d };
	struct words ti = { 0 }, slots = { 0 }, vals = { 0 };
	uintptr_t pmark[3] = { 0, 0, 0 };
	struct pkr_map *m = NULL;
	struct segs g;
	Dl_info self;
	long nm = 0;
	int rc = -1;

	memset(&g, 0, sizeof g);
	if (pkr_nokeys || d->pkru == PKR_PROG_PKRU || !main_map)
		return 0;
	if ((nm = pkr_read_maps(&m)) < 0 || library_names(d, m, nm, &c.names, &c.nnames) != 0)
		goto out;
	c.m = m;
	c.nm = nm;
	if (!c.nnames) {
		rc = 0;
		goto out;
	}
	if (!dladdr((void *)pkr_loader_vtab_program, &self))
		self.dli_fbase = NULL;
	/* The program's objects: not ld.so, the vDSO, the shim; of its own
	 * copies of the isolated libraries only the text (slots point
	 * there). */
	for (struct link_map *l = main_map; l; l = l->l_next) {
		if (pkr_domain_shared_object(l) || (self.dli_fbase && l->l_addr == (uintptr_t)self.dli_fbase))
			continue;
		bool lib = in_library(d, l->l_addr);
		for (size_t i = 0; i < 3 && !lib; i++)
			if (!pmark[i]) {
				uintptr_t v = (uintptr_t)pkr_elf_lookup(l, ti_names[i], NULL);
				pmark[i] = v ? v + 16 : 0;
			}
		if (segs_add(&g, l, lib) != 0)
			goto out;
	}
	c.pmark = pmark;
	c.ti = &ti;
	c.slots = &slots;
	c.vals = &vals;
	if (find_type_infos(&g, pmark, &ti) != 0 || each_vtable(&g, &ti, prog_vtable, &c) != 0)
		goto out;
	if (write_slots(m, nm, slots.v, vals.v, slots.n) != 0)
		goto out;
	if (c.nocb)
		pkr_log(PKR_LOG_WARN, "domain %s: no callback slot left for %zu virtual functions "
			"of the program's classes: the library runs them with its own rights",
			d->pol->name, c.nocb);
	pkr_log(PKR_LOG_DEBUG, "domain %s: %zu vtable slots of the program's classes that "
		"implement its libraries' go through the callback gate", d->pol->name, slots.n);
	rc = 0;
out:
	if (rc != 0)
		pkr_log(PKR_LOG_ERROR, "domain %s: cannot route the virtual functions of the "
			"program's classes through the callback gate: %s", d->pol->name,
			strerror(errno));
	segs_free(&g);
	free(ti.v);
	free(slots.v);
	free(vals.v);
	free(c.names);
	free(m);
	return rc;
}
