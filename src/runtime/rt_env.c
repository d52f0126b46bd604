/* rt_env.c - the environment, as the program has it.
 *
 * The namespace's C library got a copy of the environment's pointer
 * array when it was loaded: the program's later setenv() did not reach
 * the library's getenv(), nor the library's setenv() the program.  Here
 * getenv, secure_getenv, setenv, unsetenv, putenv and clearenv of the
 * namespace go to the program's C library (PKR_RT_ENV).  A value comes
 * back copied into the domain heap (every mode can read it there); each
 * distinct value of a name is kept, so a pointer getenv returned stays
 * valid as the C library's would.  The namespace's `environ` variable
 * itself is pointed at a copy of the program's by the shim (envsync.c).
 *
 * Not async-signal-safe.  Runs with the domain's rights.
 */
#include "config.h"

#define _GNU_SOURCE 1
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "rt.h"
#include "rt_int.h"

struct kept {
	struct kept *next;
	char *name, *value;
};
static struct kept *kept;
static char env_lock;

static void lock(void)
{
	while (__atomic_test_and_set(&env_lock, __ATOMIC_ACQUIRE))
		;
}

static void unlock(void)
{
	__atomic_clear(&env_lock, __ATOMIC_RELEASE);
}

static long ask(struct pkr_rt_env *r)
{
	if (!pkr_rt_service) {
		errno = ENOSYS;
		return -1;
	}
	return pkr_rt_service(PKR_RT_ENV, (long)r, 0);
}

/* A copy of (name, value) that lives as long as the process. */
static char *keep(const char *name, const char *value)
{
	struct kept *k;
	char *r = NULL;

	lock();
	for (k = kept; k && !r; k = k->next)
		if (!strcmp(k->name, name) && !strcmp(k->value, value))
			r = k->value;
	if (!r && (k = malloc(sizeof *k))) {
		k->name = strdup(name);
		k->value = strdup(value);
		if (k->name && k->value) {
			k->next = kept;
			kept = k;
			r = k->value;
		} else {
			free(k->name);
			free(k->value);
			free(k);
		}
	}
	unlock();
	return r;
}

static char *get(const char *name, int secure)
{
	char small[256], *buf = small;
	size_t cap = sizeof small;
	struct pkr_rt_env r;
	char *v = NULL;
	int saved = errno;       /* getenv sets no errno */
	long n;

	for (;;) {
		r = (struct pkr_rt_env){ .op = PKR_ENV_GET, .secure = secure, .name = name,
					 .name_len = strlen(name), .buf = buf, .len = cap };
		n = ask(&r);
		if (n < 0 || (size_t)n < cap)
			break;
		if (buf != small)
			free(buf);
		cap = (size_t)n + 1;
		if (!(buf = malloc(cap)))
			return NULL;
	}
	if (n >= 0)
		v = keep(name, buf);
	if (buf != small)
		free(buf);
	errno = saved;
	return v;
}

RT_EXPORT char *getenv(const char *name) { return get(name, 0); }
RT_EXPORT char *secure_getenv(const char *name) { return get(name, 1); }

static int change(int op, const char *name, size_t name_len, const char *value, int overwrite)
{
	struct pkr_rt_env r = { .op = op, .name = name, .name_len = name_len,
				.buf = (char *)value, .len = value ? strlen(value) : 0,
				.overwrite = overwrite };

	return ask(&r) < 0 ? -1 : 0;
}

RT_EXPORT int setenv(const char *name, const char *value, int overwrite)
{
	return change(PKR_ENV_SET, name, strlen(name), value, overwrite);
}

RT_EXPORT int unsetenv(const char *name)
{
	return change(PKR_ENV_UNSET, name, strlen(name), NULL, 0);
}

/* The program's environment gets a copy: a later change of the library's
 * string does not reach it. */
RT_EXPORT int putenv(char *string)
{
	const char *eq = strchr(string, '=');

	if (!eq)
		return unsetenv(string);
	return change(PKR_ENV_SET, string, (size_t)(eq - string), eq + 1, 1);
}

RT_EXPORT int clearenv(void)
{
	return change(PKR_ENV_CLEAR, "", 0, NULL, 0);
}
