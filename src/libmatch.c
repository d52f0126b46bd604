/* libmatch.c - does a `library` line name a loaded object?  See
 * libmatch.h.  Reads the file system (realpath) for absolute paths.
 */
#include "config.h"

#include <errno.h>
#include <fnmatch.h>
#include <limits.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "libmatch.h"

static bool is_glob(const char *s)
{
	return strpbrk(s, "*?[") != NULL;
}

/* Do two absolute paths name the same file?  Equal strings do; else each
 * side is resolved with realpath(3) (symbolic links, "." and "..") and a
 * side that cannot be resolved (no such file) is taken as written.
 * errno is left as it was. */
static bool same_file(const char *spec, const char *path)
{
	char rspec[PATH_MAX], rpath[PATH_MAX];
	const char *a, *b;
	int saved = errno;

	if (strcmp(spec, path) == 0)
		return true;
	a = realpath(spec, rspec) ? rspec : spec;
	b = realpath(path, rpath) ? rpath : path;
	errno = saved;
	return strcmp(a, b) == 0;
}

bool pkr_policy_library_matches(const char *spec, const char *path, const char *soname)
{
	const char *base;

	if (!spec || !*spec)
		return false;
	if (!path)
		path = "";
	base = strrchr(path, '/');
	base = base ? base + 1 : path;
	if (spec[0] == '/') {
		if (is_glob(spec))
			return fnmatch(spec, path, FNM_PATHNAME) == 0;
		return *path && same_file(spec, path);
	}
	if (is_glob(spec))
		return (soname && fnmatch(spec, soname, FNM_PATHNAME) == 0) ||
		       (*base && fnmatch(spec, base, FNM_PATHNAME) == 0);
	return (soname && strcmp(spec, soname) == 0) || strcmp(spec, base) == 0;
}

