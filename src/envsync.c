/* envsync.c - each namespace's `environ` follows the program's.
 *
 * The namespace's C library took the environment's pointer array when it
 * was loaded.  Its getenv family is the program's already (runtime
 * rt_env.c), but code that reads `environ` itself does not call anything:
 * a library's own walk of `environ`, and the namespace's execvp,
 * posix_spawnp and system, which pass it to the child.  So the shim keeps
 * a copy of the program's environment for each domain, in pages of the
 * shim's own tagged with the domain's key (every mode can read them, the
 * program's memory stays out of reach), and points the namespace's
 * `__environ` at it:
 *  - at start-up, once the domains are made;
 *  - after every change through setenv, unsetenv, putenv and clearenv,
 *    the program's own (exported here, before libc's) and the library's
 *    (service_env.c calls these same functions);
 *  - after an on-fault reset put the namespace's data back
 *    (pkr_envsync_after_reset, async-signal-safe: one store).
 * Two halves are used in turn, so a library thread reading the previous
 * copy during one change still sees a whole one.  A region outgrown is
 * left mapped (a reader may still be in it); each new one is twice the
 * size needed.  What the program does to `environ` by assignment, or to a
 * string it gave putenv, reaches the copy at the next change.
 *
 * Not async-signal-safe, except pkr_envsync_after_reset.  Runs with the
 * program's rights.
 */
#include "config.h"

#define _GNU_SOURCE 1
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "domains.h"
#include "envsync.h"
#include "log.h"
#include "real.h"

extern char **environ;

struct envcopy {
	char ***var;                   /* the namespace's __environ */
	char *map;                     /* two halves of half bytes */
	size_t half;
	int which;                     /* the half published last */
	char **copy;                   /* what *var was set to */
};
static struct envcopy envs[PKR_MAX_DOM];
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

static int sync_one(struct pkr_domain *d, char **env)
{
	struct envcopy *e = &envs[d->index];
	size_t n = 0, bytes = 0, need;
	char **v, *s;

	if (!e->var) {
		e->var = pkr_real.dlsym(d->rt_handle, "__environ");
		if (!e->var)
			return -1;
	}
	for (; env && env[n]; n++)
		bytes += strlen(env[n]) + 1;
	need = (n + 1) * sizeof(char *) + bytes;
	if (need > e->half) {
		size_t half = (need * 2 + 4095) & ~(size_t)4095;
		char *map = mmap(NULL, 2 * half, PROT_READ | PROT_WRITE,
				 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (map == MAP_FAILED)
			return -1;
		if (pkey_mprotect(map, 2 * half, PROT_READ | PROT_WRITE, d->pkey) != 0) {
			munmap(map, 2 * half);
			return -1;
		}
		e->map = map;
		e->half = half;
		e->which = 1;
	}
	e->which ^= 1;
	v = (char **)(e->map + (size_t)e->which * e->half);
	s = (char *)(v + n + 1);
	for (size_t i = 0; i < n; i++) {
		size_t len = strlen(env[i]) + 1;
		memcpy(s, env[i], len);
		v[i] = s;
		s += len;
	}
	v[n] = NULL;
	e->copy = v;
	__atomic_store_n(e->var, v, __ATOMIC_RELEASE);
	return 0;
}

void pkr_envsync_all(void)
{
	pthread_mutex_lock(&lock);
	for (size_t i = 0; i < PKR_MAX_DOM; i++) {
		struct pkr_domain *d = __atomic_load_n(&pkr_domains[i], __ATOMIC_ACQUIRE);
		if (d && sync_one(d, environ) != 0)
			pkr_log(PKR_LOG_WARN, "domain %s: cannot give the namespace the program's "
				"environment: its `environ` stays as it was", d->pol->name);
	}
	pthread_mutex_unlock(&lock);
}

void pkr_envsync_after_reset(struct pkr_domain *d)
{
	struct envcopy *e = &envs[d->index];

	if (e->var && e->copy)
		__atomic_store_n(e->var, e->copy, __ATOMIC_RELEASE);
}

/* ---- the program's changes ---------------------------------------------- */

static int (*real_setenv)(const char *, const char *, int);
static int (*real_unsetenv)(const char *);
static int (*real_putenv)(char *);
static int (*real_clearenv)(void);

static void resolve(void)
{
	if (real_clearenv)
		return;
	real_setenv = (int (*)(const char *, const char *, int))
		pkr_real_libc_symbol("setenv", "GLIBC_2.2.5");
	real_unsetenv = (int (*)(const char *))pkr_real_libc_symbol("unsetenv", "GLIBC_2.2.5");
	real_putenv = (int (*)(char *))pkr_real_libc_symbol("putenv", "GLIBC_2.2.5");
	__atomic_store_n(&real_clearenv, (int (*)(void))pkr_real_libc_symbol("clearenv", "GLIBC_2.2.5"),
			 __ATOMIC_RELEASE);
}
#define REAL(name) (resolve(), real_##name)

PKR_EXPORT int setenv(const char *name, const char *value, int overwrite)
{
	int r = REAL(setenv)(name, value, overwrite);
	pkr_envsync_all();
	return r;
}

PKR_EXPORT int unsetenv(const char *name)
{
	int r = REAL(unsetenv)(name);
	pkr_envsync_all();
	return r;
}

PKR_EXPORT int putenv(char *string)
{
	int r = REAL(putenv)(string);
	pkr_envsync_all();
	return r;
}

PKR_EXPORT int clearenv(void)
{
	int r = REAL(clearenv)();
	pkr_envsync_all();
	return r;
}
