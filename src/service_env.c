/* service_env.c - the reverse gate's environment requests (PKR_RT_ENV):
 * the library's getenv, setenv, unsetenv, putenv and clearenv done on
 * the program's environment (runtime/rt_env.c says why).
 *
 * Runs with the program's rights and thread pointer, on the domain's
 * stack, inside pkr_service_handler.  Not async-signal-safe (setenv).
 * The request is copied before it is checked; strings are read, and the
 * value written, only where the domain itself could (service_io.c).
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "domains.h"
#include "runtime/rt.h"
#include "service.h"

long pkr_service_env(const struct pkr_domain *d, const struct pkr_thread *t,
		     const struct pkr_rt_env *req, int *err)
{
	const struct pkr_rt_env r = *req;
	char *name = pkr_service_copy_string(d, t, r.name, r.name_len), *value = NULL;
	const char *v;
	long ret = 0;

	if (!name) {
		*err = EFAULT;
		return -1;
	}
	switch (r.op) {
	case PKR_ENV_GET:
		v = r.secure ? secure_getenv(name) : getenv(name);
		if (!v) {
			*err = ENOENT;
			ret = -1;
			break;
		}
		ret = (long)strlen(v);
		if (r.len) {
			size_t n = (size_t)ret + 1 <= r.len ? (size_t)ret + 1 : r.len;
			if (!pkr_service_writable(d, t, r.buf, n)) {
				*err = EFAULT;
				ret = -1;
				break;
			}
			memcpy(r.buf, v, n);
		}
		break;
	case PKR_ENV_SET:
		value = pkr_service_copy_string(d, t, r.buf, r.len);
		if (!value) {
			*err = EFAULT;
			ret = -1;
		} else if (setenv(name, value, r.overwrite) != 0) {
			*err = errno;
			ret = -1;
		}
		break;
	case PKR_ENV_UNSET:
		if (unsetenv(name) != 0) {
			*err = errno;
			ret = -1;
		}
		break;
	case PKR_ENV_CLEAR:
		clearenv();
		break;
	default:
		*err = ENOSYS;
		ret = -1;
	}
	free(name);
	free(value);
	return ret;
}
