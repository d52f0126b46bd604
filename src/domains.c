/* domains.c - the domain registry: every domain made so far, lookups of
 * their functions and address ranges.  See domains.h.
 *
 * Async-signal-safe: the lookups only read the records (the tables are
 * complete before a domain is published in pkr_domains).
 */
#include "config.h"

#include <assert.h>
#include <dlfcn.h>
#include <link.h>
#include <sys/auxv.h>
#include <stddef.h>
#include <string.h>

#include "domains.h"
#include "elf.h"
#include "log.h"

struct pkr_domain *pkr_domains[PKR_MAX_DOM];
size_t pkr_ndomains;
int64_t pkr_prog_errno_off;
uint8_t pkr_count_calls;

/* The offsets gate.S uses (domains.h) against the C records. */
static_assert(offsetof(struct pkr_fn, target) == PKR_FN_TARGET, "fn layout");
static_assert(offsetof(struct pkr_fn, dom) == PKR_FN_DOMAIN, "fn layout");
static_assert(offsetof(struct pkr_fn, calls) == PKR_FN_CALLS, "fn layout");
static_assert(offsetof(struct pkr_fn, faults) == PKR_FN_FAULTS, "fn layout");
static_assert(offsetof(struct pkr_domain, pkru) == PKR_DOM_PKRU, "domain layout");
static_assert(offsetof(struct pkr_domain, index) == PKR_DOM_INDEX, "domain layout");
static_assert(offsetof(struct pkr_domain, argwords) == PKR_DOM_ARGWORDS, "domain layout");
static_assert(offsetof(struct pkr_domain, errno_off) == PKR_DOM_ERRNO_OFF, "domain layout");
static_assert(offsetof(struct pkr_domain, shadow) == PKR_DOM_SHADOW, "domain layout");
static_assert(offsetof(struct pkr_domain, fns) == PKR_DOM_FNS, "domain layout");
static_assert(offsetof(struct pkr_domain, fns_bytes) == PKR_DOM_FNS_BYTES, "domain layout");
static_assert(sizeof(struct pkr_fn) == PKR_FN_SIZE, "fn size");
static_assert(offsetof(struct pkr_thread, self) == PKR_T_SELF, "thread layout");
static_assert(offsetof(struct pkr_thread, top) == PKR_T_TOP, "thread layout");
static_assert(offsetof(struct pkr_thread, cur) == PKR_T_CUR, "thread layout");
static_assert(offsetof(struct pkr_thread, tp) == PKR_T_TP, "thread layout");
static_assert(offsetof(struct pkr_thread, doms) == PKR_T_DOMS, "thread layout");
static_assert(offsetof(struct pkr_thread, xc) == PKR_T_XC, "thread layout");
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

struct pkr_fn *pkr_domain_lookup(struct pkr_domain *d, const char *name, const char *version)
{
	struct pkr_fn *f, *any = NULL, *def = NULL;

	if (!d->hash)
		return NULL;
	for (f = d->hash[pkr_elf_gnu_hash(name) % d->hash_size]; f; f = f->next_hash) {
		if (strcmp(f->name, name))
			continue;
		if (version && f->version && !strcmp(f->version, version))
			return f;
		if (!f->hidden && !def)
			def = f;
		if (!any)
			any = f;
	}
	return def ? def : any;
}

void pkr_domain_add_fn(struct pkr_domain *d, struct pkr_fn *f)
{
	size_t h = pkr_elf_gnu_hash(f->name) % d->hash_size;

	f->next_hash = d->hash[h];
	d->hash[h] = f;
}

struct pkr_domain *pkr_domain_of(uintptr_t a, const struct pkr_lib **libp, bool *in_ns)
{
	for (size_t i = 0; i < PKR_MAX_DOM; i++) {
		struct pkr_domain *d = pkr_domains[i];
		if (!d)
			continue;
		for (size_t j = 0; j < d->nlibs; j++) {
			const struct pkr_lib *l = &d->libs[j];
			if (a >= l->base_lo && a < l->base_hi) {
				if (libp)
					*libp = l;
				if (in_ns)
					*in_ns = false;
				return d;
			}
			if (a >= l->ns_lo && a < l->ns_hi) {
				if (libp)
					*libp = l;
				if (in_ns)
					*in_ns = true;
				return d;
			}
		}
	}
	return NULL;
}

struct pkr_domain *pkr_domain_of_heap(uintptr_t a)
{
	if (!__atomic_load_n(&pkr_ndomains, __ATOMIC_RELAXED))
		return NULL;
	for (size_t i = 0; i < PKR_MAX_DOM; i++) {
		struct pkr_domain *d = __atomic_load_n(&pkr_domains[i], __ATOMIC_ACQUIRE);
		if (d && a >= (uintptr_t)d->heap_base && a - (uintptr_t)d->heap_base < d->heap_size)
			return d;
	}
	return NULL;
}

bool pkr_domain_in_objs(const struct pkr_domain *d, uintptr_t a, size_t len)
{
	for (size_t i = 0; d && i < d->nobjs; i++)
		if (a >= d->objs[i].lo && a <= d->objs[i].hi && len <= d->objs[i].hi - a)
			return true;
	return false;
}

void *pkr_domain_vt_entry(const struct pkr_domain *d, uintptr_t target)
{
	size_t lo = 0, hi = d ? d->nvt : 0;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (d->vt_targets[mid] == target)
			return d->vt_entries[mid];
		if (d->vt_targets[mid] < target)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

struct link_map *pkr_domain_first_object(const struct pkr_domain *d)
{
	struct link_map *l = NULL;

	if (!d || dlinfo(d->rt_handle, RTLD_DI_LINKMAP, &l) != 0 || !l)
		return NULL;
	while (l->l_prev)
		l = l->l_prev;
	return l;
}

bool pkr_domain_shared_object(const struct link_map *l)
{
	uintptr_t vdso = getauxval(AT_SYSINFO_EHDR);

	return l->l_addr == getauxval(AT_BASE) || (vdso && l->l_addr == vdso);
}

void pkr_domain_where(const struct pkr_domain *d, uintptr_t a, char *buf, size_t size)
{
	for (size_t i = 0; i < d->nobjs; i++)
		if (a >= d->objs[i].lo && a < d->objs[i].hi) {
			pkr_fmt(buf, size, "%s+0x%lx", d->objs[i].name,
				(unsigned long)(a - d->objs[i].lo));
			return;
		}
	pkr_fmt(buf, size, "0x%lx", (unsigned long)a);
}
