/* libmatch.h - matching a policy's library specs against loaded objects.
 *
 * Invariants: not async-signal-safe (realpath); start-up, the dlopen
 * wrapper and the command.  Takes no locks; leaves errno alone.
 */
#ifndef PKR_LIBMATCH_H
#define PKR_LIBMATCH_H

#include <stdbool.h>

/* true when library spec `spec` names the object whose path is `path`
 * and whose DT_SONAME is `soname` (may be NULL).  A soname matches the
 * soname or the basename of path; an absolute path matches path when the
 * strings are equal or when both name the same file once realpath(3) has
 * resolved them (a side that does not resolve is compared as written: a
 * symbolic link to path matches it); a glob (* ? [) matches, with
 * fnmatch(FNM_PATHNAME), the full path as given when it starts with '/',
 * else the soname or the basename.  Reads the file system for absolute
 * paths (lstat/readlink through realpath); leaves errno alone. */
bool pkr_policy_library_matches(const char *spec, const char *path, const char *soname);

#endif
