/* rt_dl.c - dynamic loading from inside the namespace.
 *
 * The namespace's dlopen, dlsym and dlclose take ld.so's locks and write
 * its lists, which are program memory: in read and none modes a plugin
 * could not be loaded, and a plugin loaded in write mode carried key 0.
 * Here they go to the shim (PKR_RT_DL): ld.so loads the object into the
 * domain's namespace with the program's rights, and the shim tags what
 * it mapped with the domain's key.  dlsym resolves in the namespace
 * (RTLD_DEFAULT: its objects in load order; RTLD_NEXT: those after the
 * caller's).  dlclose leaves the objects loaded (their memory stays the
 * domain's, tagged, and never becomes something else's).  dlerror gives
 * the last message of the thread.
 *
 * glibc's own internal loading (iconv's gconv modules, NSS) does not call
 * these: iconv and the lookups that load modules go to the program's C
 * library as a whole instead (rt_iconv.c, rt_nss.c).
 *
 * Not async-signal-safe.  Runs with the domain's rights.
 */
#include "config.h"

#define _GNU_SOURCE 1
#include <dlfcn.h>
#include <errno.h>
#include <string.h>

#include "rt.h"
#include "rt_int.h"

static __thread char dl_msg[256] __attribute__((tls_model("initial-exec")));
static __thread int dl_have __attribute__((tls_model("initial-exec")));

static void *ask(struct pkr_rt_dl *r)
{
	long v;

	r->err = dl_msg;
	r->err_len = sizeof dl_msg;
	dl_msg[0] = 0;
	if (!pkr_rt_service) {
		strcpy(dl_msg, "pkrewind: no dynamic loading before the domain is set up");
		dl_have = 1;
		return NULL;
	}
	v = pkr_rt_service(PKR_RT_DL, (long)r, 0);
	if (v == 0 || v == -1) {
		dl_msg[sizeof dl_msg - 1] = 0;
		dl_have = 1;
		return NULL;
	}
	return (void *)v;
}

RT_EXPORT void *dlopen(const char *name, int flags)
{
	struct pkr_rt_dl r = { .op = PKR_DL_OPEN, .flags = flags, .name = name,
			       .name_len = name ? strlen(name) : 0,
			       .caller = __builtin_return_address(0) };
	return ask(&r);
}

static void *sym(void *h, const char *name, const char *version, const void *caller)
{
	struct pkr_rt_dl r = { .op = PKR_DL_SYM, .handle = h, .name = name,
			       .name_len = strlen(name), .version = version,
			       .version_len = version ? strlen(version) : 0, .caller = caller };
	return ask(&r);
}

RT_EXPORT void *dlsym(void *h, const char *name)
{
	return sym(h, name, NULL, __builtin_return_address(0));
}

RT_EXPORT void *dlvsym(void *h, const char *name, const char *version)
{
	return sym(h, name, version, __builtin_return_address(0));
}

RT_EXPORT int dlclose(void *h)
{
	struct pkr_rt_dl r = { .op = PKR_DL_CLOSE, .handle = h,
			       .caller = __builtin_return_address(0) };
	long v;

	if (!pkr_rt_service)
		return -1;
	r.err = dl_msg;
	r.err_len = sizeof dl_msg;
	v = pkr_rt_service(PKR_RT_DL, (long)&r, 0);
	if (v != 0)
		dl_have = 1;
	return v == 0 ? 0 : -1;
}

RT_EXPORT char *dlerror(void)
{
	if (!dl_have)
		return NULL;
	dl_have = 0;
	return dl_msg;
}
