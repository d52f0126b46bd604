/* loader.c - create domains: a key, a namespace, a tagged heap, stubs.
 * See loader.h for the invariants.  Not async-signal-safe.
 */
#include "config.h"

#include <dlfcn.h>
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <link.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <unistd.h>

#include "dynsym.h"
#include "interpose.h"
#include "loader.h"
#include "log.h"
#include "pkey.h"
#include "runtime/rt.h"
#include "runtime/alloc.h"
#include "tramp.h"

#define PAGE 4096ul

/* ---- /proc/self/maps ------------------------------------------------- */

long pkr_read_maps(struct pkr_map **out)
{
	int fd = open("/proc/self/maps", O_RDONLY | O_CLOEXEC);
	size_t cap = 1 << 16, len = 0;
	char *buf = NULL, *p, *nl;
	struct pkr_map *v = NULL;
	long n = 0, vcap = 0;

	if (fd < 0)
		return -1;
	for (;;) {
		ssize_t r;
		if (!buf || len + 4096 > cap) {
			char *nb = realloc(buf, cap *= 2);
			if (!nb)
				goto fail;
			buf = nb;
		}
		r = read(fd, buf + len, cap - len - 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			goto fail;
		if (r == 0)
			break;
		len += (size_t)r;
	}
	close(fd);
	fd = -1;
	buf[len] = 0;
	for (p = buf; *p; p = nl + 1) {
		unsigned long lo, hi;
		char perms[5] = "";
		nl = strchr(p, '\n');
		if (!nl)
			nl = p + strlen(p) - 1;
		if (sscanf(p, "%lx-%lx %4s", &lo, &hi, perms) != 3)
			continue;
		if (n == vcap) {
			struct pkr_map *nv = realloc(v, (size_t)(vcap = vcap ? vcap * 2 : 256) * sizeof *v);
			if (!nv)
				goto fail;
			v = nv;
		}
		v[n].lo = lo;
		v[n].hi = hi;
		v[n].prot = (perms[0] == 'r' ? PROT_READ : 0) | (perms[1] == 'w' ? PROT_WRITE : 0) |
			    (perms[2] == 'x' ? PROT_EXEC : 0);
		n++;
		if (!nl[0] || !nl[1])
			break;
	}
	free(buf);
	*out = v;
	return n;
fail:
	if (fd >= 0)
		close(fd);
	free(buf);
	free(v);
	return -1;
}

int pkr_maps_prot(const struct pkr_map *m, long n, uintptr_t addr)
{
	for (long i = 0; i < n; i++)
		if (addr >= m[i].lo && addr < m[i].hi)
			return m[i].prot;
	return -1;
}

/* ---- the runtime ----------------------------------------------------- */

const char *pkr_loader_runtime_path(void)
{
	static char path[PATH_MAX];
	const char *env = getenv("PKREWIND_RUNTIME");
	Dl_info info;

	if (env && *env)
		return env;
	if (path[0])
		return path;
	if (dladdr((void *)&pkr_loader_runtime_path, &info) && info.dli_fname) {
		const char *slash = strrchr(info.dli_fname, '/');
		if (slash) {
			snprintf(path, sizeof path, "%.*s/libpkrewind-rt.so",
				 (int)(slash - info.dli_fname), info.dli_fname);
			if (access(path, R_OK) == 0)
				return path;
		}
	}
	snprintf(path, sizeof path, "%s/libpkrewind-rt.so", LIBDIR);
	return path;
}

/* ---- tagging a namespace --------------------------------------------- */

/* The address range [lo, hi) of the loaded object `l` (page-aligned). */
static int object_range(const struct link_map *l, uintptr_t *lo, uintptr_t *hi)
{
	const ElfW(Ehdr) *eh = (const ElfW(Ehdr) *)l->l_addr;
	const ElfW(Phdr) *ph;
	uintptr_t a = UINTPTR_MAX, b = 0;

	if (l->l_addr == 0 || memcmp(eh->e_ident, ELFMAG, SELFMAG) != 0)
		return -1;
	ph = (const ElfW(Phdr) *)(l->l_addr + eh->e_phoff);
	for (int i = 0; i < eh->e_phnum; i++) {
		if (ph[i].p_type != PT_LOAD)
			continue;
		uintptr_t s = l->l_addr + ph[i].p_vaddr, e = s + ph[i].p_memsz;
		if (s < a)
			a = s;
		if (e > b)
			b = e;
	}
	if (b == 0)
		return -1;
	*lo = a & ~(PAGE - 1);
	*hi = (b + PAGE - 1) & ~(PAGE - 1);
	return 0;
}

/* Tag every mapping in [lo, hi) with `key`, keeping its protections. */
static int tag_range(const struct pkr_map *m, long n, uintptr_t lo, uintptr_t hi, int key)
{
	for (long i = 0; i < n; i++) {
		uintptr_t a = m[i].lo > lo ? m[i].lo : lo, b = m[i].hi < hi ? m[i].hi : hi;
		if (a >= b)
			continue;
		if (pkey_mprotect((void *)a, b - a, m[i].prot, key) != 0) {
			pkr_log(PKR_LOG_ERROR, "pkey_mprotect(0x%lx-0x%lx, key %d): %s",
				(unsigned long)a, (unsigned long)b, key, strerror(errno));
			return -1;
		}
	}
	return 0;
}

static int tag_namespace(struct pkr_domain *d)
{
	struct link_map *l = NULL;
	struct pkr_map *maps;
	uintptr_t ldso = getauxval(AT_BASE), vdso = getauxval(AT_SYSINFO_EHDR);
	long n;
	int rc = 0, count = 0;

	if (dlinfo(d->rt_handle, RTLD_DI_LINKMAP, &l) != 0 || !l)
		return -1;
	while (l->l_prev)
		l = l->l_prev;
	n = pkr_read_maps(&maps);
	if (n < 0)
		return -1;
	for (; l && rc == 0; l = l->l_next) {
		uintptr_t lo, hi;
		if (l->l_addr == ldso || (vdso && l->l_addr == vdso))
			continue;      /* the ld.so proxy: shared with the program */
		if (object_range(l, &lo, &hi) != 0)
			continue;
		rc = tag_range(maps, n, lo, hi, d->pkey);
		for (size_t i = 0; i < d->nlibs; i++)
			if (d->libs[i].ns_lo == 0 && !strcmp(l->l_name, d->libs[i].path)) {
				d->libs[i].ns_lo = lo;
				d->libs[i].ns_hi = hi;
			}
		struct pkr_obj *grown = realloc(d->objs, (d->nobjs + 1) * sizeof *grown);
		if (!grown) {
			rc = -1;
			break;
		}
		d->objs = grown;
		{
			struct pkr_obj *o = &d->objs[d->nobjs++];
			const char *base = strrchr(l->l_name, '/');
			snprintf(o->name, sizeof o->name, "%s", base ? base + 1 : l->l_name);
			o->lo = lo;
			o->hi = hi;
		}
		if (count == 0) {        /* the runtime comes first */
			d->rt_lo = lo;
			d->rt_hi = hi;
		}
		count++;
		pkr_log(PKR_LOG_DEBUG, "domain %s: tagged %s [0x%lx-0x%lx) with key %d",
			d->pol->name, l->l_name[0] ? l->l_name : "(runtime)",
			(unsigned long)lo, (unsigned long)hi, d->pkey);
	}
	free(maps);
	pkr_log(PKR_LOG_DEBUG, "domain %s: %d objects tagged", d->pol->name, count);
	return rc;
}

/* ---- exported functions ---------------------------------------------- */

static size_t hash_name(const char *s)
{
	size_t h = 5381;
	while (*s)
		h = h * 33 + (unsigned char)*s++;
	return h;
}

struct pkr_fn *pkr_domain_lookup(struct pkr_domain *d, const char *name, const char *version)
{
	struct pkr_fn *f, *any = NULL, *def = NULL;

	if (!d->hash)
		return NULL;
	for (f = d->hash[hash_name(name) % d->hash_size]; f; f = f->next_hash) {
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

static int build_exports(struct pkr_domain *d)
{
	struct pkr_symtab tabs[PKR_MAX_LIBS];
	size_t total = 0, k = 0;
	char err[256];

	for (size_t i = 0; i < d->nlibs; i++) {
		struct link_map *lm = NULL;
		if (dlinfo(d->libs[i].ns_handle, RTLD_DI_LINKMAP, &lm) != 0 || !lm) {
			snprintf(err, sizeof err, "%s: no link map", d->libs[i].path);
			memset(&tabs[i], 0, sizeof tabs[i]);
			pkr_log(PKR_LOG_WARN, "domain %s: %s", d->pol->name, err);
		} else if (pkr_dynsym_read(lm, &tabs[i], err, sizeof err) != 0) {
			/* Nothing to call: nothing to trampoline (and nothing the
			 * program can reach in it). */
			pkr_log(PKR_LOG_WARN, "domain %s: %s", d->pol->name, err);
			memset(&tabs[i], 0, sizeof tabs[i]);
		}
		total += tabs[i].nsyms;
	}
	d->fns = calloc(total ? total : 1, sizeof *d->fns);
	d->hash_size = total * 2 + 1;
	d->hash = calloc(d->hash_size, sizeof *d->hash);
	if (!d->fns || !d->hash) {
		for (size_t i = 0; i < d->nlibs; i++)
			pkr_dynsym_free(&tabs[i]);
		return -1;
	}
	for (size_t i = 0; i < d->nlibs; i++) {
		for (size_t j = 0; j < tabs[i].nsyms; j++) {
			const struct pkr_sym *s = &tabs[i].syms[j];
			struct pkr_fn *f = &d->fns[k];
			void *addr;

			if (s->kind == PKR_SYM_OBJECT) {
				char **nd = realloc(d->data_names, (d->ndata + 1) * sizeof *nd);
				if (nd) {
					d->data_names = nd;
					if ((nd[d->ndata] = strdup(s->name)))
						d->ndata++;
				}
				pkr_log(PKR_LOG_INFO, "domain %s: data object '%s' of %s "
					"cannot be isolated (only functions go through "
					"trampolines)", d->pol->name, s->name, d->libs[i].path);
				continue;
			}
			struct pkr_fn *dup = pkr_domain_lookup(d, s->name, s->version);
			if (dup && (dup->version == s->version ||
				    (dup->version && s->version && !strcmp(dup->version, s->version))))
				continue;     /* exported by two of the domain's libraries */
			addr = s->version
			     ? pkr_real_dlvsym(d->libs[i].ns_handle, s->name, s->version)
			     : pkr_real_dlsym(d->libs[i].ns_handle, s->name);
			if (!addr)
				continue;
			/* A `function NAME@VERSION` line wins for that version. */
			char key[2 * PKR_MAX_NAME + 2];
			if (s->version)
				snprintf(key, sizeof key, "%s@%s", s->name, s->version);
			struct pkr_retval rv = pkr_policy_fault_return(d->pol,
								       s->version ? key : s->name);
			f->target = addr;
			f->dom = d;
			f->name = strdup(s->name);
			f->version = s->version ? strdup(s->version) : NULL;
			f->hidden = s->hidden;
			f->fault_value = rv.is_void ? 0 : rv.value;
			f->fault_void = rv.is_void;
			f->fault_errno = rv.err;
			size_t h = hash_name(f->name) % d->hash_size;
			f->next_hash = d->hash[h];
			d->hash[h] = f;
			k++;
		}
		pkr_dynsym_free(&tabs[i]);
	}
	d->nfns = k;
	if (pkr_tramp_build(d->fns, d->nfns) != 0) {
		pkr_log(PKR_LOG_ERROR, "domain %s: cannot map trampolines: %s",
			d->pol->name, strerror(errno));
		return -1;
	}
	/* Functions named in the policy that the library does not export. */
	for (size_t i = 0; i < d->pol->nfunctions; i++) {
		char name[PKR_MAX_NAME + 1];
		const char *at = strchr(d->pol->functions[i].name, '@');
		snprintf(name, sizeof name, "%.*s",
			 at ? (int)(at - d->pol->functions[i].name) : PKR_MAX_NAME,
			 d->pol->functions[i].name);
		if (!pkr_domain_lookup(d, name, NULL))
			pkr_log(PKR_LOG_WARN, "%s:%u: domain %s: function '%s' is not "
				"exported by its libraries", d->pol->functions[i].file,
				d->pol->functions[i].line, d->pol->name, name);
	}
	return 0;
}

/* ---- creating a domain ----------------------------------------------- */

static const char *hint_for(const char *msg)
{
	if (!msg)
		return "";
	if (strstr(msg, "static TLS") || strstr(msg, "namespaces"))
		return " (glibc has too few link namespaces or too little static TLS: "
		       "run the program with `pkrewind`, which sets "
		       "GLIBC_TUNABLES=glibc.rtld.nns=N, or set it yourself)";
	return "";
}

struct pkr_domain *pkr_loader_create(const struct pkr_domain_policy *dp, unsigned index,
				     const struct pkr_lib_match *m, size_t n)
{
	struct pkr_domain *d = calloc(1, sizeof *d);
	const char *rt = pkr_loader_runtime_path();
	int (*rt_init)(const struct pkr_rt_config *);
	struct pkr_rt_config cfg;
	void *(*errno_loc)(void);
	Lmid_t lmid;

	if (!d)
		return NULL;
	d->pol = dp;
	d->index = index;
	d->argwords = (dp->stack_args + 7) / 8;
	d->shadow = dp->trust != PKR_TRUST_WRITE;
	/* Without keys (if-no-keys rewind-only), pkey_mprotect with key -1
	 * is mprotect: the domain is mapped as usual, untagged. */
	d->pkey = pkr_nokeys ? -1 : pkey_alloc(0, 0);
	if (d->pkey < 0 && !pkr_nokeys) {
		pkr_log(PKR_LOG_ERROR, "domain %s: cannot allocate a protection key: %s",
			dp->name, errno == ENOSPC
			? (pkr_sigkey ? "all 14 are in use (at most 14 domains per process "
			   "on this kernel: one key guards the signal stacks)"
			   : "all 15 are in use (at most 15 domains per process)")
			: "this CPU or kernel has no memory protection keys");
		goto fail;
	}
	d->pkru = pkr_nokeys ? PKR_PROG_PKRU : pkr_pkru_for_domain(d->pkey, dp->trust);
	if (pkr_nokeys)
		d->shadow = 0;      /* nothing to keep the domain from: no shadow block */
	for (size_t i = 0; i < n && d->nlibs < PKR_MAX_LIBS; i++) {
		d->libs[d->nlibs].path = strdup(m[i].path);
		d->libs[d->nlibs].base_lo = m[i].lo;
		d->libs[d->nlibs].base_hi = m[i].hi;
		d->nlibs++;
	}

	/* The runtime first: it becomes the namespace's global scope, so its
	 * malloc serves every allocation made in the namespace. */
	d->rt_handle = pkr_real_dlmopen(LM_ID_NEWLM, rt, RTLD_NOW | RTLD_LOCAL);
	if (!d->rt_handle) {
		const char *e = dlerror();
		pkr_log(PKR_LOG_ERROR, "domain %s: cannot load the domain runtime %s: %s%s",
			dp->name, rt, e ? e : "?", hint_for(e));
		goto fail;
	}
	if (dlinfo(d->rt_handle, RTLD_DI_LMID, &lmid) != 0)
		goto fail;

	d->heap_size = dp->heap;
	d->heap_base = mmap(NULL, d->heap_size, PROT_READ | PROT_WRITE,
			    MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (d->heap_base == MAP_FAILED ||
	    pkey_mprotect(d->heap_base, d->heap_size, PROT_READ | PROT_WRITE, d->pkey) != 0) {
		pkr_log(PKR_LOG_ERROR, "domain %s: cannot map a %zu-byte heap: %s",
			dp->name, d->heap_size, strerror(errno));
		goto fail;
	}
	rt_init = (int (*)(const struct pkr_rt_config *))pkr_real_dlsym(d->rt_handle, "pkr_rt_init");
	cfg.heap = d->heap_base;
	cfg.heap_size = d->heap_size;
	cfg.pkey = d->pkey;
	cfg.allow_threads = dp->trust == PKR_TRUST_WRITE;
	if (!rt_init || rt_init(&cfg) != 0) {
		pkr_log(PKR_LOG_ERROR, "domain %s: %s is not a usable domain runtime",
			dp->name, rt);
		goto fail;
	}

	/* The libraries the program loaded, then the domain's other libraries
	 * (named by soname or path, not loaded by the program), so that a
	 * later dlopen() of them finds them isolated already.  A soname that
	 * names a library already loaded (it matches by DT_SONAME, while the
	 * recorded path is the resolved file) leads to the same object. */
	for (size_t i = 0; i < d->nlibs; i++) {
		d->libs[i].ns_handle = pkr_real_dlmopen(lmid, d->libs[i].path, RTLD_NOW | RTLD_LOCAL);
		if (!d->libs[i].ns_handle) {
			const char *e = dlerror();
			pkr_log(PKR_LOG_ERROR, "domain %s: cannot load %s in its namespace: %s%s",
				dp->name, d->libs[i].path, e ? e : "?", hint_for(e));
			goto fail;
		}
	}
	for (size_t i = 0; i < dp->nlibraries && d->nlibs < PKR_MAX_LIBS; i++) {
		const char *spec = dp->libraries[i];
		struct link_map *lm = NULL, *other = NULL;
		bool have = false;
		void *h;

		if (strpbrk(spec, "*?["))
			continue;
		h = pkr_real_dlmopen(lmid, spec, RTLD_NOW | RTLD_LOCAL);
		if (!h || dlinfo(h, RTLD_DI_LINKMAP, &lm) != 0 || !lm) {
			pkr_log(PKR_LOG_DEBUG, "domain %s: %s not loaded: %s", dp->name, spec,
				h ? "no link map" : dlerror());
			continue;
		}
		for (size_t j = 0; j < d->nlibs && !have; j++)
			have = dlinfo(d->libs[j].ns_handle, RTLD_DI_LINKMAP, &other) == 0 &&
			       other == lm;
		if (have) {
			dlclose(h);       /* one reference per object is enough */
			continue;
		}
		d->libs[d->nlibs].path = strdup(lm->l_name);
		d->libs[d->nlibs].ns_handle = h;
		d->nlibs++;
	}
	if (tag_namespace(d) != 0) {
		pkr_log(PKR_LOG_ERROR, "domain %s: cannot tag the namespace's memory", dp->name);
		goto fail;
	}

	errno_loc = (void *(*)(void))pkr_real_dlsym(d->rt_handle, "__errno_location");
	d->ns_uselocale = (void *(*)(void *))pkr_real_dlsym(d->rt_handle, "uselocale");
	d->ns_fflush = (int (*)(void *))pkr_real_dlsym(d->rt_handle, "fflush");
	if (!errno_loc) {
		pkr_log(PKR_LOG_ERROR, "domain %s: the namespace has no C library", dp->name);
		goto fail;
	}
	d->errno_off = (int64_t)((uintptr_t)errno_loc() - (uintptr_t)__builtin_thread_pointer());

	if (build_exports(d) != 0)
		goto fail;
	{
		size_t hs;
		void *(*state)(size_t *) = (void *(*)(size_t *))
			pkr_real_dlsym(d->rt_handle, "pkr_rt_heap_state");
		d->rt_heap = state ? state(&hs) : NULL;
		if (d->rt_heap && hs != sizeof(struct pkr_heap))
			d->rt_heap = NULL;
		struct pkr_rt_mask *(*masks)(size_t *) = (struct pkr_rt_mask *(*)(size_t *))
			pkr_real_dlsym(d->rt_handle, "pkr_rt_masks");
		d->rt_masks = masks ? masks(&d->rt_nmasks) : NULL;
	}
	if (d->rt_heap)
		pkr_log(PKR_LOG_DEBUG, "domain %s: the runtime's bootstrap heap holds %lu bytes",
			dp->name, (unsigned long)(d->rt_heap->arenas[0].dirty_hi -
						  d->rt_heap->arenas[0].base));
	if (dp->on_fault == PKR_ON_FAULT_RESET && pkr_snapshot_take(d) != 0) {
		pkr_log(PKR_LOG_ERROR, "domain %s: cannot snapshot the domain for "
			"on-fault reset: %s", dp->name, strerror(errno));
		goto fail;
	}
	pkr_log(PKR_LOG_INFO, "domain %s: key %d, namespace %ld, %zu functions, "
		"trusted-memory %s, heap %zu bytes", dp->name, d->pkey, (long)lmid,
		d->nfns, pkr_nokeys ? "(none: no keys)" : pkr_trust_name(dp->trust),
		d->heap_size);
	return d;
fail:
	/* A half-made domain is not used; its key and namespace stay
	 * allocated (glibc cannot unload a namespace that failed midway). */
	free(d);
	return NULL;
}

void pkr_loader_adopt(struct pkr_domain *d, const struct pkr_lib_match *m, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		bool found = false;
		for (size_t j = 0; j < d->nlibs && !found; j++) {
			char real[PATH_MAX];
			const char *p = realpath(d->libs[j].path, real) ? real : d->libs[j].path;
			if (strcmp(p, m[i].path))
				continue;
			found = true;
			if (d->libs[j].base_lo == 0) {
				d->libs[j].base_lo = m[i].lo;
				d->libs[j].base_hi = m[i].hi;
				pkr_log(PKR_LOG_DEBUG, "domain %s: the program loaded %s",
					d->pol->name, m[i].path);
			}
		}
		if (!found)
			pkr_log(PKR_LOG_ERROR, "domain %s: %s was loaded after the domain was "
				"created and is not isolated (name it by soname or path, not "
				"only by a glob, so that it joins the domain at start-up)",
				d->pol->name, m[i].path);
	}
}

/* ---- snapshots for on-fault reset ------------------------------------ */

struct pkr_snap_region {
	uintptr_t lo, hi;
	unsigned char *copy;
};

struct pkr_snapshot {
	struct pkr_snap_region *r;
	size_t n;
	uintptr_t heap_dirty;         /* the heap's high-water mark then */
	size_t bytes;
};

int pkr_snapshot_take(struct pkr_domain *d)
{
	struct pkr_snapshot *s = calloc(1, sizeof *s);
	struct pkr_map *maps;
	long n;
	size_t total = 0;
	unsigned char *buf;

	if (!s || !d->rt_heap)
		goto fail;
	n = pkr_read_maps(&maps);
	if (n < 0)
		goto fail;
	/* At most one region per mapping, plus the heap. */
	s->r = calloc((size_t)n + 1, sizeof *s->r);
	if (!s->r) {
		free(maps);
		goto fail;
	}
	for (size_t o = 0; o < d->nobjs; o++)
		for (long i = 0; i < n; i++) {
			uintptr_t a = maps[i].lo > d->objs[o].lo ? maps[i].lo : d->objs[o].lo;
			uintptr_t b = maps[i].hi < d->objs[o].hi ? maps[i].hi : d->objs[o].hi;
			if (a >= b || !(maps[i].prot & PROT_WRITE))
				continue;
			s->r[s->n].lo = a;
			s->r[s->n].hi = b;
			s->n++;
			total += b - a;
		}
	free(maps);
	s->heap_dirty = d->rt_heap->arenas[1].dirty_hi;
	if (s->heap_dirty > (uintptr_t)d->heap_base) {
		s->r[s->n].lo = (uintptr_t)d->heap_base;
		s->r[s->n].hi = (s->heap_dirty + PAGE - 1) & ~(PAGE - 1);
		total += s->r[s->n].hi - s->r[s->n].lo;
		s->n++;
	}
	/* Program memory (key 0): a domain in read or none mode cannot touch
	 * the copy it will be restored from. */
	buf = mmap(NULL, total ? total : PAGE, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (buf == MAP_FAILED)
		goto fail;
	for (size_t i = 0; i < s->n; i++) {
		s->r[i].copy = buf;
		memcpy(buf, (void *)s->r[i].lo, s->r[i].hi - s->r[i].lo);
		buf += s->r[i].hi - s->r[i].lo;
	}
	s->bytes = total;
	d->snapshot = s;
	pkr_log(PKR_LOG_INFO, "domain %s: snapshot of %zu bytes in %zu regions for on-fault reset",
		d->pol->name, total, s->n);
	return 0;
fail:
	if (s)
		free(s->r);
	free(s);
	return -1;
}

void pkr_snapshot_restore(struct pkr_domain *d)
{
	struct pkr_snapshot *s = d->snapshot;
	uintptr_t dirty;

	if (!s)
		return;
	/* The heap's current high-water mark, before its bookkeeping (in the
	 * runtime's .bss) is put back. */
	dirty = d->rt_heap->arenas[1].dirty_hi;
	for (size_t i = 0; i < s->n; i++)
		memcpy((void *)s->r[i].lo, s->r[i].copy, s->r[i].hi - s->r[i].lo);
	/* Drop what was allocated since. */
	uintptr_t from = (s->heap_dirty + PAGE - 1) & ~(PAGE - 1);
	if (dirty > from)
		madvise((void *)from, ((dirty + PAGE - 1) & ~(PAGE - 1)) - from, MADV_DONTNEED);
}

void pkr_snapshot_unlock_heap(struct pkr_domain *d, uintptr_t pc)
{
	if (d->rt_heap && pc >= d->rt_lo && pc < d->rt_hi)
		__atomic_store_n(&d->rt_heap->lock, 0, __ATOMIC_RELEASE);
}
