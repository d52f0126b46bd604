/* shim.c - libpkrewind.so's start-up and exit.
 *
 * Invariants:
 *  - The constructor runs before main: it reads the policy and fails
 *    closed (exit status 127) when the policy does not parse, when
 *    PKREWIND_POLICY names a missing file, or when a domain the process
 *    needs cannot be created.  A process that links none of the policy's
 *    libraries is left untouched (no key, no namespace, no PKRU change).
 *  - Domains are created under pkr_shim_lock (a recursive mutex: the
 *    dlopen wrapper may run while a domain is being created).
 *  - Not async-signal-safe; nothing here runs in a signal handler.
 */
#include "config.h"

#include <dlfcn.h>
#include <elf.h>
#include <errno.h>
#include <fnmatch.h>
#include <limits.h>
#include <link.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "crossheap.h"
#include "domains.h"
#include "envsync.h"
#include "hooks.h"
#include "service.h"
#include "elf.h"
#include "fault.h"
#include "interpose.h"
#include "jump.h"
#include "learn.h"
#include "libmatch.h"
#include "loader.h"
#include "shared.h"
#include "log.h"
#include "pkey.h"
#include "policyfile.h"
#include "real.h"
#include "shim.h"
#include "stats.h"
#include "thread.h"
#include "tramp.h"

static const struct pkr_policy *pkr_policy;
static pthread_mutex_t shim_lock = PTHREAD_RECURSIVE_MUTEX_INITIALIZER_NP;
static bool core_ready;          /* keys, threads and PKRU set up */
static int refreshing;

void pkr_shim_lock(void) { pthread_mutex_lock(&shim_lock); }
void pkr_shim_unlock(void) { pthread_mutex_unlock(&shim_lock); }

static const char *progname(void)
{
	extern char *program_invocation_name;
	return program_invocation_name ? program_invocation_name : "the program";
}

static bool started;              /* the constructor is done: main may run */

/* Before main: status 127, the program never ran.  Later (a dlopen that
 * cannot be isolated): the program is stopped with SIGABRT, not left to
 * run without the isolation its policy asks for. */
static __attribute__((noreturn)) void fail_closed(const char *why)
{
	pkr_log(PKR_LOG_ERROR, "%s: not running %s without the isolation its "
		"policy asks for", why, progname());
	if (__atomic_load_n(&started, __ATOMIC_ACQUIRE))
		abort();
	_exit(127);
}

/* ---- objects of the main namespace ------------------------------------ */

struct obj {
	char path[PATH_MAX];
	const char *soname;
	uintptr_t lo, hi;
};

struct objs {
	struct obj *v;
	size_t n, cap;
};

static int collect(struct dl_phdr_info *info, size_t size, void *arg)
{
	struct objs *o = arg;
	const ElfW(Dyn) *dyn;
	struct pkr_dyn dy;
	uintptr_t lo, hi;

	(void)size;
	if (!info->dlpi_name || !info->dlpi_name[0])
		return 0;
	pkr_elf_phdr_range(info->dlpi_addr, info->dlpi_phdr, info->dlpi_phnum, &lo, &hi, &dyn);
	pkr_dyn_parse(info->dlpi_addr, dyn, &dy);
	if (o->n == o->cap) {
		struct obj *nv = realloc(o->v, (o->cap = o->cap ? o->cap * 2 : 32) * sizeof *nv);
		if (!nv)
			return 1;
		o->v = nv;
	}
	struct obj *b = &o->v[o->n++];
	/* ld.so reports the name it opened; resolve symlinks so that a
	 * namespace loads the very same file. */
	if (!realpath(info->dlpi_name, b->path))
		snprintf(b->path, sizeof b->path, "%s", info->dlpi_name);
	b->soname = dy.soname;
	b->lo = pkr_page_down(lo);
	b->hi = pkr_page_up(hi);
	return 0;
}

static bool obj_matches(const struct pkr_domain_policy *dp, const struct obj *o)
{
	for (size_t i = 0; i < dp->nlibraries; i++)
		if (pkr_policy_library_matches(dp->libraries[i], o->path, o->soname))
			return true;
	return false;
}

/* A library of another domain loaded into d's namespace as a dependency
 * (libxslt in one domain needs libxml2, which another isolates) would be
 * a second copy there, under d's key: the two domains could not use each
 * other's objects.  NULL, or a message. */
static const char *cross_domain_need(const struct pkr_domain *d, char *msg, size_t size)
{
	for (struct link_map *l = pkr_domain_first_object(d); l; l = l->l_next) {
		struct pkr_dyn di = { 0 };
		if (!l->l_name || !l->l_name[0] || !l->l_ld || !l->l_addr)
			continue;
		pkr_dyn_parse(l->l_addr, l->l_ld, &di);
		for (size_t j = 0; j < pkr_policy->ndomains; j++) {
			const struct pkr_domain_policy *other = &pkr_policy->domains[j];
			if (other == d->pol)
				continue;
			for (size_t k = 0; k < other->nlibraries; k++)
				if (pkr_policy_library_matches(other->libraries[k], l->l_name, di.soname)) {
					snprintf(msg, size, "domain %s needs %s, which domain %s "
						 "isolates: name both libraries in one domain (each "
						 "namespace would hold its own copy, and neither "
						 "domain could use the other's objects)",
						 d->pol->name, l->l_name, other->name);
					return msg;
				}
		}
	}
	return NULL;
}

/* A dlopen() inside a domain added objects to its namespace: tag them
 * (service_dl.c), under the lock domains are made under. */
static int retag_domain(struct pkr_domain *d)
{
	int rc;

	pkr_shim_lock();
	rc = pkr_loader_retag(d);
	pkr_shim_unlock();
	return rc;
}

/* ---- start-up of the core --------------------------------------------- */

/* Keys, per-thread state, handlers; `dp` is the first domain created.
 * Without protection keys, a domain whose policy says `if-no-keys
 * rewind-only` runs unprotected (said once on stderr); any other stops
 * the program. */
static void core_init(const struct pkr_domain_policy *dp)
{
	const char *why = NULL;

	if (core_ready) {
		if (pkr_nokeys && dp->if_no_keys != PKR_NO_KEYS_REWIND_ONLY) {
			char msg[400];
			snprintf(msg, sizeof msg, "domain %s: no memory protection keys "
				 "(and its policy has no 'if-no-keys rewind-only')", dp->name);
			fail_closed(msg);
		}
		return;
	}
	if (!pkr_pkey_available(&why)) {
		if (dp->if_no_keys != PKR_NO_KEYS_REWIND_ONLY)
			fail_closed(why);
		if (pkr_tramp_nokeys() != 0)
			fail_closed("cannot prepare the gate for running without keys");
		pkr_nokeys = 1;
		pkr_log(PKR_LOG_WARN, "%s: memory is not protected: domains run with "
			"rewind only (if-no-keys rewind-only)", why);
	} else if (pkr_sigkey_init() != 0)
		fail_closed("cannot allocate the protection key for signal stacks "
			    "(this kernel writes signal frames with the interrupted "
			    "code's rights; see libpkrewind(7))");
	if (pkr_sigkey)
		pkr_log(PKR_LOG_DEBUG, "kernel before 6.12 (or PKREWIND_SIGSTACK_KEY=1): "
			"signal stacks carry key %d, writable in every domain", pkr_sigkey);
	/* none mode: the loader's read-only data (page size, CPU features)
	 * stays readable, as every domain's PKRU will say: decided before
	 * the first domain's PKRU is computed. */
	for (size_t i = 0; !pkr_nokeys && i < pkr_policy->ndomains; i++)
		if (pkr_policy->domains[i].trust == PKR_TRUST_NONE) {
			if (pkr_pubkey_init() != 0 || pkr_loader_tag_loader_data(pkr_pubkey) != 0)
				fail_closed("cannot tag the loader's read-only data for none mode");
			break;
		}
	if (pkr_thread_init() != 0)
		fail_closed("cannot set up per-thread state");
	pkr_service_on_dlopen(retag_domain);
	pkr_prog_errno_off = (int64_t)((uintptr_t)&errno - (uintptr_t)__builtin_thread_pointer());
	if (pkr_fault_init() != 0)
		fail_closed("cannot install the fault handlers");
	/* The program must read and write what libraries hand back. */
	pkr_wrpkru(PKR_PROG_PKRU);
	core_ready = true;
}

/* Create domains for the objects `o` of the main namespace that match
 * the policy, and patch every GOT.  Frees o->v. */
static void refresh(struct objs *op)
{
	struct objs o = *op;
	bool created = false;

	pkr_shim_lock();
	if (refreshing) {       /* a constructor in a new namespace called dlopen */
		pkr_shim_unlock();
		free(o.v);
		return;
	}
	refreshing = 1;
	for (size_t i = 0; i < pkr_policy->ndomains; i++) {
		const struct pkr_domain_policy *dp = &pkr_policy->domains[i];
		struct pkr_lib_match m[PKR_MAX_LIBS];
		size_t n = 0;

		for (size_t j = 0; j < o.n; j++) {
			if (!obj_matches(dp, &o.v[j]))
				continue;
			if (n == PKR_MAX_LIBS) {
				char msg[300];
				snprintf(msg, sizeof msg, "domain %s: more than %d loaded objects "
					 "match its library lines", dp->name, PKR_MAX_LIBS);
				refreshing = 0;
				pkr_shim_unlock();
				fail_closed(msg);
			}
			m[n].path = o.v[j].path;
			m[n].lo = o.v[j].lo;
			m[n].hi = o.v[j].hi;
			n++;
		}
		if (n == 0)
			continue;
		if (pkr_domains[i]) {
			pkr_loader_adopt(pkr_domains[i], m, n);
			created = true;
			continue;
		}
		core_init(dp);
		pkr_log(PKR_LOG_DEBUG, "domain %s: %s is linked, creating the domain",
			dp->name, m[0].path);
		pkr_domains[i] = pkr_loader_create(dp, (unsigned)i, m, n);
		if (!pkr_domains[i]) {
			refreshing = 0;
			pkr_shim_unlock();
			char msg[300];
			snprintf(msg, sizeof msg, "cannot isolate %s (domain %s)", m[0].path, dp->name);
			fail_closed(msg);
		}
		pkr_ndomains++;
		created = true;
	}
	if (created) {
		long k = pkr_interpose_patch_all();
		if (k < 0) {
			refreshing = 0;
			pkr_shim_unlock();
			fail_closed("cannot make every call into an isolated library go "
				    "through its gate");
		}
		pkr_log(PKR_LOG_DEBUG, "%ld GOT entries now lead to trampolines", k);
		for (size_t i = 0; i < PKR_MAX_DOM; i++) {
			char msg[600];
			const char *why = pkr_domains[i] ? cross_domain_need(pkr_domains[i], msg,
									      sizeof msg) : NULL;
			if (why) {
				refreshing = 0;
				pkr_shim_unlock();
				fail_closed(why);
			}
		}
		for (size_t i = 0; i < PKR_MAX_DOM; i++)
			if (pkr_domains[i] && pkr_shared_data(pkr_domains[i]) != 0) {
				refreshing = 0;
				pkr_shim_unlock();
				fail_closed("cannot share the library's data objects with the "
					    "program");
			}
		/* Function pointers stored into them later (hooks.c). */
		for (size_t i = 0; i < PKR_MAX_DOM; i++)
			for (size_t j = 0; pkr_domains[i] && j < pkr_domains[i]->ndata; j++) {
				struct pkr_data *x = &pkr_domains[i]->data[j];
				if (x->shared && !x->watched) {
					pkr_hooks_add(pkr_domains[i], x->addr, x->size);
					x->watched = true;
				}
			}
		pkr_envsync_all();
	}
	free(o.v);
	refreshing = 0;
	pkr_shim_unlock();
}

/* After dlopen (interpose.c's hook): create domains for libraries now
 * present in the main namespace, and patch every object's GOT. */
static void shim_refresh(void)
{
	struct objs o = { 0 };

	if (!pkr_policy || pkr_policy->ndomains == 0)
		return;
	dl_iterate_phdr(collect, &o);
	refresh(&o);
}

/* glibc.rtld.nns as this process was started with (default 4). */
static unsigned long current_nns(void)
{
	const char *t = getenv("GLIBC_TUNABLES"), *p;
	unsigned long v = 4;

	for (p = t; p && (p = strstr(p, "glibc.rtld.nns=")); p++)
		if (p == t || p[-1] == ':')
			v = strtoul(p + 15, NULL, 10);
	return v;
}

/* Each domain takes a link namespace; glibc has glibc.rtld.nns of them
 * (the program's included), fixed when the process starts.  When the
 * policy needs more, start the program again with the tunable set: once
 * (PKREWIND_REEXEC marks the second start), and only when exec works. */
static void ensure_namespaces(char **argv, const struct objs *o)
{
	unsigned long need = 1, have = current_nns();
	char *t, buf[32];
	const char *old;

	if (!argv || getenv("PKREWIND_REEXEC"))
		return;
	for (size_t i = 0; i < pkr_policy->ndomains; i++)
		for (size_t j = 0; j < o->n; j++)
			if (obj_matches(&pkr_policy->domains[i], &o->v[j])) {
				need++;
				break;
			}
	if (need <= have)
		return;
	if (need > 16)
		need = 16;
	old = getenv("GLIBC_TUNABLES");
	snprintf(buf, sizeof buf, "glibc.rtld.nns=%lu", need);
	if (asprintf(&t, "%s%s%s", old && *old ? old : "", old && *old ? ":" : "", buf) < 0)
		return;
	pkr_log(PKR_LOG_INFO, "the policy needs %lu link namespaces, glibc has %lu: "
		"starting %s again with GLIBC_TUNABLES=%s", need, have, progname(), t);
	setenv("GLIBC_TUNABLES", t, 1);
	setenv("PKREWIND_REEXEC", "1", 1);
	execv("/proc/self/exe", argv);
	pkr_log(PKR_LOG_WARN, "cannot start %s again (%s): at most %lu domains can be "
		"created", progname(), strerror(errno), have - 1);
	free(t);
}

__attribute__((constructor(101))) static void pkr_shim_init(int argc, char **argv, char **envp)
{
	char path[PATH_MAX];
	struct pkr_diags dg;
	struct pkr_policy *p;
	struct objs o = { 0 };
	enum pkr_policy_source src;

	pkr_log_init(1);
	pkr_real_init();       /* every real function, or exit 127 now */
	pkr_crossheap_init();
	pkr_service_init();
	pkr_jump_init();
	pkr_learn_init();
	src = pkr_policy_locate(path, sizeof path);
	if (src == PKR_POLICY_NONE) {
		pkr_log(PKR_LOG_DEBUG, "no policy (PKREWIND_POLICY, ~/.config/pkrewind/policy, "
			SYSCONFDIR "/pkrewind/policy, %s/*.policy): nothing to isolate",
			pkr_policy_dropin_dir());
		return;
	}
	pkr_diags_init(&dg);
	p = pkr_policy_load_source(src, path, &dg);
	pkr_diags_print(&dg, pkr_log_fd());
	pkr_diags_free(&dg);
	if (!p) {
		char msg[2 * PATH_MAX + 64];
		if (src == PKR_POLICY_SYSTEM)
			snprintf(msg, sizeof msg, "the system policy (%s, %s/*.policy) cannot be used",
				 path, pkr_policy_dropin_dir());
		else
			snprintf(msg, sizeof msg, "the policy %s cannot be used", path);
		fail_closed(msg);
	}
	pkr_log(PKR_LOG_DEBUG, "policy %s: %zu domains", path, p->ndomains);
	for (size_t i = 0; i < p->ndomains; i++)
		if (p->domains[i].shipped)
			pkr_log(PKR_LOG_INFO, "domain %s: no function or struct lines of its own: "
				"those of the shipped policy %s (trusted-memory %s)",
				p->domains[i].name, p->domains[i].shipped,
				pkr_trust_name(p->domains[i].trust));
	if (pkr_learn_on) {
		/* Learn mode watches read-mode writes: every domain in read
		 * mode (learn.h); the model is copied, not changed. */
		struct pkr_domain_policy *dc = malloc((p->ndomains + 1) * sizeof *dc);

		if (!dc)
			fail_closed("learn mode: out of memory");
		memcpy(dc, p->domains, p->ndomains * sizeof *dc);
		for (size_t i = 0; i < p->ndomains; i++)
			dc[i].trust = PKR_TRUST_READ;
		p->domains = dc;
	}
	pkr_policy = p;
	for (size_t i = 0; i < p->ndomains; i++)
		if (p->domains[i].max_faults)
			pkr_count_calls = 1;     /* "in a row" needs the counts */
	(void)argc;
	(void)envp;
	if (p->ndomains == 0)
		return;
	pkr_interpose_on_load(shim_refresh);
	/* One walk of the loaded objects serves both steps. */
	dl_iterate_phdr(collect, &o);
	ensure_namespaces(argv, &o);
	unsetenv("PKREWIND_REEXEC");    /* not for the program's children */
	pkr_stats_init();
	refresh(&o);
	__atomic_store_n(&started, true, __ATOMIC_RELEASE);
}

__attribute__((destructor(101))) static void pkr_shim_fini(void)
{
	if (!pkr_ndomains)
		return;
	/* The namespaces' own exit() never runs: flush their stdio. */
	for (size_t i = 0; i < PKR_MAX_DOM; i++)
		if (pkr_domains[i] && pkr_domains[i]->ns_fflush)
			pkr_domains[i]->ns_fflush(NULL);
	pkr_stats_print();
}
