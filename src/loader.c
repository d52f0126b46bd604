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

#include "domains.h"
#include "tlsdesc.h"
#include "elf.h"
#include "loader.h"
#include "marshal.h"
#include "learn.h"

/* A function without an annotation list, in learn mode. */
static const struct pkr_func_policy learn_plain;
#include "log.h"
#include "maps.h"
#include "pkey.h"
#include "real.h"
#include "reset.h"
#include "service.h"
#include "runtime/rt.h"
#include "tramp.h"

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
	snprintf(path, sizeof path, "%s/libpkrewind-rt.so", PKGLIBDIR);
	return path;
}

/* ---- tagging a namespace --------------------------------------------- */

/* Tag every mapping in [lo, hi) with `key`, keeping its protections. */
static int tag_range(const struct pkr_map *m, long n, uintptr_t lo, uintptr_t hi, int key)
{
	for (long i = 0; i < n; i++) {
		uintptr_t a, b;
		if (!pkr_map_clip(&m[i], lo, hi, &a, &b))
			continue;
		if (pkey_mprotect((void *)a, b - a, m[i].prot, key) != 0) {
			pkr_log(PKR_LOG_ERROR, "pkey_mprotect(0x%lx-0x%lx, key %d): %s",
				(unsigned long)a, (unsigned long)b, key, strerror(errno));
			return -1;
		}
	}
	return 0;
}

int pkr_loader_tag_loader_data(int key)
{
	uintptr_t base = getauxval(AT_BASE), lo, hi;
	const ElfW(Ehdr) *eh = (const ElfW(Ehdr) *)base;
	struct pkr_map *maps;
	long n;
	int rc = 0;

	if (!base || pkr_elf_phdr_range(base, (const ElfW(Phdr) *)(base + eh->e_phoff),
					eh->e_phnum, &lo, &hi, NULL) != 0)
		return -1;
	n = pkr_read_maps(&maps);
	if (n < 0)
		return -1;
	for (long i = 0; i < n && rc == 0; i++) {
		uintptr_t a, b;
		if (maps[i].prot != PROT_READ ||
		    !pkr_map_clip(&maps[i], pkr_page_down(lo), pkr_page_up(hi), &a, &b))
			continue;
		rc = pkey_mprotect((void *)a, b - a, PROT_READ, key);
		pkr_log(PKR_LOG_DEBUG, "loader data [0x%lx-0x%lx) tagged with key %d%s",
			(unsigned long)a, (unsigned long)b, key, rc ? ": failed" : "");
	}
	/* The vDSO's data pages ([vvar], [vvar_vclock]: read-only, right
	 * below it), which clock_gettime(), time() and gettimeofday() read:
	 * readable to a none-mode domain too.  A kernel that refuses to tag
	 * them leaves those calls faulting in none mode (said at debug
	 * level). */
	{
		uintptr_t vdso = getauxval(AT_SYSINFO_EHDR), at = vdso;
		int steps = 0;

		for (long i = n - 1; i >= 0 && vdso && steps < 2; i--) {
			if (maps[i].hi != at || maps[i].prot != PROT_READ)
				continue;
			int r = pkey_mprotect((void *)maps[i].lo, maps[i].hi - maps[i].lo,
					      PROT_READ, key);
			pkr_log(PKR_LOG_DEBUG, "vDSO data [0x%lx-0x%lx) tagged with key %d%s",
				(unsigned long)maps[i].lo, (unsigned long)maps[i].hi, key,
				r ? ": failed" : "");
			at = maps[i].lo;
			steps++;
		}
	}
	free(maps);
	return rc;
}

/* Tag every object of d's namespace not tagged yet (all of them at
 * creation; what a dlopen() inside the domain added later) and record it
 * in d->objs.  The array is replaced, never changed in place, and the old
 * one is kept: the fault handler may be reading it. */
static int tag_namespace(struct pkr_domain *d)
{
	struct link_map *l = pkr_domain_first_object(d);
	struct pkr_map *maps;
	size_t had = d->nobjs, nobjs = d->nobjs, total = 0;
	struct pkr_obj *objs;
	long n;
	int rc = 0;

	if (!l)
		return -1;
	for (struct link_map *c = l; c; c = c->l_next)
		total++;
	objs = calloc(nobjs + total, sizeof *objs);
	n = objs ? pkr_read_maps(&maps) : -1;
	if (n < 0) {
		free(objs);
		return -1;
	}
	if (had)
		memcpy(objs, d->objs, had * sizeof *objs);
	for (; l && rc == 0; l = l->l_next) {
		uintptr_t lo, hi;
		bool known = false;
		if (pkr_domain_shared_object(l))
			continue;      /* the ld.so proxy: shared with the program */
		if (pkr_elf_object_range(l, &lo, &hi) != 0)
			continue;
		for (size_t i = 0; i < had && !known; i++)
			known = objs[i].lo == lo;
		if (known)
			continue;
		rc = tag_range(maps, n, lo, hi, d->pkey);
		if (rc == 0)
			rc = pkr_tlsdesc_route(d, l, maps, n);
		for (size_t i = 0; i < d->nlibs; i++)
			if (d->libs[i].ns_lo == 0 && !strcmp(l->l_name, d->libs[i].path)) {
				d->libs[i].ns_lo = lo;
				d->libs[i].ns_hi = hi;
			}
		{
			struct pkr_obj *o = &objs[nobjs++];
			const char *base = strrchr(l->l_name, '/');
			snprintf(o->name, sizeof o->name, "%s", base ? base + 1 : l->l_name);
			o->lo = lo;
			o->hi = hi;
		}
		if (had == 0 && nobjs == 1) {   /* the runtime comes first */
			d->rt_lo = lo;
			d->rt_hi = hi;
		}
		pkr_log(PKR_LOG_DEBUG, "domain %s: tagged %s [0x%lx-0x%lx) with key %d",
			d->pol->name, l->l_name[0] ? l->l_name : "(runtime)",
			(unsigned long)lo, (unsigned long)hi, d->pkey);
	}
	free(maps);
	__atomic_store_n(&d->objs, objs, __ATOMIC_RELEASE);
	__atomic_store_n(&d->nobjs, nobjs, __ATOMIC_RELEASE);
	if (!d->ns_setip) {
		/* The namespace's unwinder, if it has one now (gate_exc.c). */
		void *gcc = pkr_real.dlmopen(d->lmid, "libgcc_s.so.1", RTLD_LAZY | RTLD_NOLOAD);
		if (gcc) {
			d->ns_setgr = (void (*)(void *, int, uintptr_t))
				pkr_real.dlsym(gcc, "_Unwind_SetGR");
			d->ns_setip = (void (*)(void *, uintptr_t))pkr_real.dlsym(gcc, "_Unwind_SetIP");
			d->ns_delete = (void (*)(void *))pkr_real.dlsym(gcc, "_Unwind_DeleteException");
			d->ns_raise = (int (*)(void *))pkr_real.dlsym(gcc, "_Unwind_RaiseException");
			pkr_real.dlclose(gcc);
		}
	}
	pkr_log(PKR_LOG_DEBUG, "domain %s: %zu objects tagged", d->pol->name, nobjs - had);
	return rc;
}

int pkr_loader_retag(struct pkr_domain *d)
{
	return tag_namespace(d);
}

/* ---- exported functions ---------------------------------------------- */


/* Descriptors for the runtime's free, realloc and malloc_usable_size, at
 * f[0..PKR_RT_FNS): the program's calls on domain memory go to them
 * through the gate (crossheap.c); and for pkr_rt_thread_main, which runs
 * a thread the library starts (service_thread.c): a fault in it ends the
 * thread with the domain's fault-return value; and for the runtime's
 * malloc and calloc, which a shared function-pointer variable (xmlMalloc)
 * may hold (shared.c).  Not in the name table,
 * not counted in nfns.  Returns how many were set up. */
#define PKR_RT_FNS 6
static size_t add_runtime_fns(struct pkr_domain *d, struct pkr_fn *f)
{
	static const char *const names[PKR_RT_FNS] = {
		"free", "realloc", "malloc_usable_size", "pkr_rt_thread_main",
		"malloc", "calloc"
	};
	struct pkr_fn **slots[PKR_RT_FNS] = {
		&d->rt_free, &d->rt_realloc, &d->rt_usable, &d->rt_thread,
		&d->rt_malloc, &d->rt_calloc
	};

	for (size_t i = 0; i < PKR_RT_FNS; i++) {
		f[i].target = pkr_real.dlsym(d->rt_handle, names[i]);
		if (!f[i].target)
			return i;
		f[i].dom = d;
		f[i].name = names[i];
		f[i].fault_void = i == 0;
		f[i].fault_value = 0;           /* realloc: NULL, usable size 0 */
		f[i].fault_errno = i == 1 || i >= 4 ? ENOMEM : PKR_ERRNO_KEEP;
		*slots[i] = &f[i];
	}
	d->rt_thread->fault_value = d->pol->fault_return.value;
	d->rt_thread->name = "a thread it started";     /* in diagnostics */
	return PKR_RT_FNS;
}

static int build_exports(struct pkr_domain *d)
{
	struct pkr_symtab tabs[PKR_MAX_LIBS];
	size_t total = 0, k = 0, nfini, fini0, fini_n, nvt;
	struct pkr_vtabs *vt;
	char err[256];
	int rc;

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
	/* + the runtime's functions (crossheap.c, service_thread.c, shared.c)
	 * and the namespace's destructors (loader_fini.c) */
	nfini = pkr_loader_fini_count(d);
	vt = pkr_loader_vtab_scan(d);
	nvt = pkr_loader_vtab_count(vt);
	d->fns = calloc(total + PKR_RT_FNS + nfini + nvt, sizeof *d->fns);
	d->hash_size = total * 2 + 1;
	d->hash = calloc(d->hash_size, sizeof *d->hash);
	if (!d->fns || !d->hash) {
		for (size_t i = 0; i < d->nlibs; i++)
			pkr_dynsym_free(&tabs[i]);
		pkr_loader_vtab_free(vt);
		return -1;
	}
	for (size_t i = 0; i < d->nlibs; i++) {
		for (size_t j = 0; j < tabs[i].nsyms; j++) {
			const struct pkr_sym *s = &tabs[i].syms[j];
			struct pkr_fn *f = &d->fns[k];
			void *addr;

			if (s->kind == PKR_SYM_OBJECT) {
				struct pkr_data *nd = realloc(d->data, (d->ndata + 1) * sizeof *nd);
				if (nd) {
					d->data = nd;
					memset(&nd[d->ndata], 0, sizeof nd[0]);
					if ((nd[d->ndata].name = strdup(s->name)))
						d->ndata++;
				}
				continue;     /* shared with the program if it uses it (shared.c) */
			}
			struct pkr_fn *dup = pkr_domain_lookup(d, s->name, s->version);
			if (dup && (dup->version == s->version ||
				    (dup->version && s->version && !strcmp(dup->version, s->version))))
				continue;     /* exported by two of the domain's libraries */
			addr = s->version
			     ? pkr_real.dlvsym(d->libs[i].ns_handle, s->name, s->version)
			     : pkr_real.dlsym(d->libs[i].ns_handle, s->name);
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
			/* Annotated arguments: the line for this version, else
			 * the one without a version. */
			const struct pkr_func_policy *fp =
				pkr_policy_function(d->pol, s->version ? key : s->name);
			if (!fp && s->version)
				fp = pkr_policy_function(d->pol, s->name);
			if (pkr_marshal_needed(fp, d->pol->trust))
				f->marshal = fp;
			else if (pkr_learn_on)    /* learn.h: every call's arguments */
				f->marshal = fp ? fp : &learn_plain;
			pkr_domain_add_fn(d, f);
			k++;
		}
		pkr_dynsym_free(&tabs[i]);
	}
	d->nfns = k;
	k += add_runtime_fns(d, &d->fns[k]);
	fini0 = k;
	fini_n = pkr_loader_fini_fns(d, &d->fns[k], nfini);
	k += fini_n;
	k += pkr_loader_vtab_fns(vt, d, &d->fns[k], nvt);
	d->fns_bytes = k * sizeof *d->fns;
	if (pkr_tramp_build(d->fns, k) != 0) {
		pkr_log(PKR_LOG_ERROR, "domain %s: cannot map trampolines: %s",
			d->pol->name, strerror(errno));
		pkr_loader_vtab_free(vt);
		return -1;
	}
	rc = pkr_loader_fini_patch(d, &d->fns[fini0], fini_n);
	if (rc == 0)
		rc = pkr_loader_vtab_patch(vt, d);
	pkr_loader_vtab_free(vt);
	if (rc != 0)
		return -1;
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
	int (*rt_init)(const struct pkr_rt_config *, struct pkr_rt_shared *);
	struct pkr_rt_config cfg;
	struct pkr_rt_shared *shared = calloc(1, sizeof *shared);
	void *(*errno_loc)(void);
	Lmid_t lmid;

	if (!d || !shared) {
		free(d);
		free(shared);
		return NULL;
	}
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
	d->rt_handle = pkr_real.dlmopen(LM_ID_NEWLM, rt, RTLD_NOW | RTLD_LOCAL);
	if (!d->rt_handle) {
		const char *e = dlerror();
		pkr_log(PKR_LOG_ERROR, "domain %s: cannot load the domain runtime %s: %s%s",
			dp->name, rt, e ? e : "?", hint_for(e));
		goto fail;
	}
	if (dlinfo(d->rt_handle, RTLD_DI_LMID, &lmid) != 0)
		goto fail;
	d->lmid = lmid;

	/* Address space only (MAP_NORESERVE): a page costs when the library
	 * touches it.  The default reservation is large; where the system
	 * will not reserve that much (vm.overcommit_memory=2, ulimit -v), a
	 * smaller one, said once, rather than no domain. */
	d->heap_size = dp->heap;
	d->heap_base = mmap(NULL, d->heap_size, PROT_READ | PROT_WRITE,
			    MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	while (d->heap_base == MAP_FAILED && dp->heap == PKR_HEAP_DEFAULT &&
	       d->heap_size > (64u << 20)) {
		d->heap_size /= 2;
		d->heap_base = mmap(NULL, d->heap_size, PROT_READ | PROT_WRITE,
				    MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
		if (d->heap_base != MAP_FAILED)
			pkr_log(PKR_LOG_WARN, "domain %s: this system reserves no %llu MiB "
				"heap: using %zu MiB (set 'heap' in the policy)", dp->name,
				(unsigned long long)(dp->heap >> 20), d->heap_size >> 20);
	}
	if (d->heap_base == MAP_FAILED ||
	    pkey_mprotect(d->heap_base, d->heap_size, PROT_READ | PROT_WRITE, d->pkey) != 0) {
		pkr_log(PKR_LOG_ERROR, "domain %s: cannot map a %zu-byte heap: %s",
			dp->name, d->heap_size, strerror(errno));
		goto fail;
	}
	rt_init = (int (*)(const struct pkr_rt_config *, struct pkr_rt_shared *))
		pkr_real.dlsym(d->rt_handle, "pkr_rt_init");
	cfg.heap = d->heap_base;
	cfg.heap_size = d->heap_size;
	cfg.pkey = d->pkey;
	cfg.service = pkr_service;
	pkr_service_iconv_setup();   /* before any library code: service_iconv.c */
	cfg.name = dp->name;
	cfg.log_fd = pkr_log_fd();
	{
		/* The namespace's own dlsym (the runtime interposes it). */
		void *libc = pkr_real.dlmopen(lmid, "libc.so.6", RTLD_LAZY | RTLD_NOLOAD);
		if (libc) {
			cfg.ns_dlsym = (void *(*)(void *, const char *))pkr_real.dlsym(libc, "dlsym");
			cfg.ns_dlvsym = (void *(*)(void *, const char *, const char *))
				pkr_real.dlsym(libc, "dlvsym");
			pkr_real.dlclose(libc);
		}
	}
	if (!rt_init || rt_init(&cfg, shared) != 0 || shared->size != sizeof *shared) {
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
		d->libs[i].ns_handle = pkr_real.dlmopen(lmid, d->libs[i].path, RTLD_NOW | RTLD_LOCAL);
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
		h = pkr_real.dlmopen(lmid, spec, RTLD_NOW | RTLD_LOCAL);
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
	/* The namespace's C library loads libgcc_s the first time it unwinds
	 * (a cancelled thread, backtrace): with ld.so's lock, program
	 * memory, which read and none modes may not write.  Loaded now, with
	 * the program's rights, and tagged with the rest. */
	{
		int (*bt)(void **, int) = (int (*)(void **, int))pkr_real.dlsym(d->rt_handle,
										 "backtrace");
		void *frame[1];
		if (bt)
			bt(frame, 1);
	}
	if (tag_namespace(d) != 0) {
		pkr_log(PKR_LOG_ERROR, "domain %s: cannot tag the namespace's memory", dp->name);
		goto fail;
	}

	errno_loc = (void *(*)(void))pkr_real.dlsym(d->rt_handle, "__errno_location");
	d->ns_uselocale = (void *(*)(void *))pkr_real.dlsym(d->rt_handle, "uselocale");
	d->ns_fflush = (int (*)(void *))pkr_real.dlsym(d->rt_handle, "fflush");
	if (!errno_loc) {
		pkr_log(PKR_LOG_ERROR, "domain %s: the namespace has no C library", dp->name);
		goto fail;
	}
	d->errno_off = (int64_t)((uintptr_t)errno_loc() - (uintptr_t)__builtin_thread_pointer());

	if (build_exports(d) != 0)
		goto fail;
	for (size_t i = 0; i < d->nlibs; i++)
		if (d->libs[i].base_lo)
			pkr_loader_fini_disable(d, d->libs[i].path);
	{
		struct link_map *main_map = pkr_real.dlopen(NULL, RTLD_NOW);
		int rc = pkr_loader_vtab_program(d, main_map);
		if (main_map)
			pkr_real.dlclose(main_map);     /* it stays: the program */
		if (rc != 0)
			goto fail;
	}
	d->rt = shared;
	pkr_log(PKR_LOG_DEBUG, "domain %s: the runtime's bootstrap heap holds %lu bytes",
		dp->name, (unsigned long)(*shared->boot_dirty_hi - shared->boot_base));
	if (dp->on_fault == PKR_ON_FAULT_RESET && pkr_reset_take(d) != 0) {
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
	free(shared);
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
				pkr_loader_fini_disable(d, m[i].path);
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
