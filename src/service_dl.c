/* service_dl.c - the reverse gate's dynamic-loading requests (PKR_RT_DL):
 * dlopen, dlsym and dlclose from inside a domain, done by ld.so with the
 * program's rights in the domain's namespace (runtime/rt_dl.c says why).
 *
 * Runs with the program's rights and thread pointer, on the domain's
 * stack, inside pkr_service_handler.  Not async-signal-safe.
 *
 *  - What a dlopen mapped is tagged with the domain's key before the
 *    library gets the handle (the top floor's hook, under its lock).
 *  - Handles are checked: the library may use only those it was given,
 *    the namespace's own libraries', RTLD_DEFAULT and RTLD_NEXT.
 *  - dlclose unloads nothing (tagged memory never becomes anyone else's).
 *  - The plugin's constructors run during dlopen with the program's
 *    rights, as the library's own did at start-up.
 */
#include "config.h"

#define _GNU_SOURCE 1
#include <dlfcn.h>
#include <errno.h>
#include <link.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domains.h"
#include "log.h"
#include "real.h"
#include "runtime/rt.h"
#include "service.h"

static int (*retag)(struct pkr_domain *);

void pkr_service_on_dlopen(int (*fn)(struct pkr_domain *))
{
	retag = fn;
}

#define MAX_HANDLES 256
static pthread_mutex_t handles_lock = PTHREAD_MUTEX_INITIALIZER;
static struct {
	const struct pkr_domain *d;
	void *h;
} handles[MAX_HANDLES];

static bool handle_known(const struct pkr_domain *d, void *h)
{
	bool ok = h == d->rt_handle;

	for (size_t i = 0; i < d->nlibs && !ok; i++)
		ok = h == d->libs[i].ns_handle;
	pthread_mutex_lock(&handles_lock);
	for (size_t i = 0; i < MAX_HANDLES && !ok; i++)
		ok = handles[i].d == d && handles[i].h == h;
	pthread_mutex_unlock(&handles_lock);
	return ok;
}

static void handle_add(const struct pkr_domain *d, void *h)
{
	pthread_mutex_lock(&handles_lock);
	for (size_t i = 0; i < MAX_HANDLES; i++)
		if (!handles[i].h || (handles[i].d == d && handles[i].h == h)) {
			handles[i].d = d;
			handles[i].h = h;
			break;
		}
	pthread_mutex_unlock(&handles_lock);
}

static void say(const struct pkr_rt_dl *r, const struct pkr_domain *d,
		const struct pkr_thread *t, const char *msg)
{
	size_t n = strlen(msg) + 1;

	if (r->err_len && pkr_service_writable(d, t, r->err, r->err_len)) {
		if (n > r->err_len)
			n = r->err_len;
		memcpy(r->err, msg, n);
		r->err[n - 1] = 0;
	}
}

/* `name` in the namespace's objects in load order, after the object that
 * holds `after` if given (RTLD_NEXT). */
static void *search(const struct pkr_domain *d, const char *name, const char *version,
		    const void *after)
{
	struct link_map *l = pkr_domain_first_object(d), *from = NULL;
	Dl_info info;

	if (after && !dladdr1(after, &info, (void **)&from, RTLD_DL_LINKMAP))
		return NULL;
	if (from) {
		struct link_map *c = l;
		while (c && c != from)
			c = c->l_next;
		if (!c)
			return NULL;
		l = c->l_next;
	}
	for (; l; l = l->l_next) {
		void *h, *v;
		if (!l->l_name || !l->l_name[0] ||
		    !(h = pkr_real.dlmopen(d->lmid, l->l_name, RTLD_LAZY | RTLD_NOLOAD)))
			continue;
		v = version ? pkr_real.dlvsym(h, name, version) : pkr_real.dlsym(h, name);
		pkr_real.dlclose(h);
		if (v && dladdr1(v, &info, (void **)&from, RTLD_DL_LINKMAP) && from == l)
			return v;
	}
	return NULL;
}

long pkr_service_dl(const struct pkr_domain *d, const struct pkr_thread *t,
		    struct pkr_rt_dl *req)
{
	struct pkr_rt_dl r;
	char *name = NULL, *version = NULL, msg[300];
	void *v = NULL;

	/* Outside a domain call (the namespace's constructors, with the
	 * program's rights) the library names its domain by its own code. */
	if (!d && !(d = pkr_service_domain_at(req->caller)))
		return 0;
	if (!pkr_service_writable(d, t, req, sizeof *req))
		return 0;
	r = *req;                   /* read once: the library may change it */
	if (r.name && !(name = pkr_service_copy_string(d, t, r.name, r.name_len))) {
		say(&r, d, t, "pkrewind: the name is not memory the library may read");
		return 0;
	}
	if (r.version && !(version = pkr_service_copy_string(d, t, r.version, r.version_len))) {
		free(name);
		say(&r, d, t, "pkrewind: the version is not memory the library may read");
		return 0;
	}
	switch (r.op) {
	case PKR_DL_OPEN:
		if (!name) {
			v = d->rt_handle;       /* the namespace: dlsym searches it all */
			break;
		}
		v = pkr_real.dlmopen(d->lmid, name, r.flags);
		if (!v) {
			const char *e = dlerror();
			say(&r, d, t, e ? e : "dlopen failed");
		} else if (!retag || retag((struct pkr_domain *)d) != 0) {
			/* Untagged memory in the namespace: the library must not
			 * get it (its code would run with key-0 data). */
			snprintf(msg, sizeof msg, "pkrewind: %s could not be given domain %s's "
				 "key", name, d->pol->name);
			pkr_log(PKR_LOG_ERROR, "%s", msg);
			say(&r, d, t, msg);
			v = NULL;
		} else {
			handle_add(d, v);
			pkr_log(PKR_LOG_DEBUG, "domain %s: loaded %s into its namespace",
				d->pol->name, name);
		}
		break;
	case PKR_DL_SYM:
		if (!name)
			break;
		if (r.handle == RTLD_DEFAULT || r.handle == d->rt_handle)
			v = search(d, name, version, NULL);
		else if (r.handle == RTLD_NEXT)
			v = search(d, name, version, r.caller);
		else if (handle_known(d, r.handle))
			v = version ? pkr_real.dlvsym(r.handle, name, version)
				    : pkr_real.dlsym(r.handle, name);
		else {
			say(&r, d, t, "pkrewind: not a handle the library was given");
			break;
		}
		if (!v) {
			snprintf(msg, sizeof msg, "undefined symbol: %s", name);
			say(&r, d, t, msg);
		}
		break;
	case PKR_DL_CLOSE:
		v = handle_known(d, r.handle) ? (void *)1 : NULL;
		if (!v)
			say(&r, d, t, "pkrewind: not a handle the library was given");
		break;
	default:
		break;
	}
	free(name);
	free(version);
	if (r.op == PKR_DL_CLOSE)
		return v ? 0 : -2;
	return (long)v;
}
