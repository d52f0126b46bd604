/* policyfile.h - where the policy comes from, and reading it from disk.
 *
 * Invariants:
 *  - The only part of the policy module that touches the file system or
 *    the environment: the parser itself (policy.h) is pure.
 *  - Not async-signal-safe (allocates); the shim's constructor and the
 *    command only.
 */
#ifndef PKR_POLICYFILE_H
#define PKR_POLICYFILE_H

#include <stddef.h>

#include "diag.h"
#include "policy.h"

/* Read a whole file, at most PKR_MAX_FILE_SIZE bytes (EFBIG past it).
 * 0 and a malloc'd buffer (NUL-terminated, the NUL not counted in
 * *lenp), or an errno value. */
int pkr_read_file(const char *path, char **bufp, size_t *lenp);

/* Read `path` from disk and parse it; includes are read from disk too
 * (relative to the including file), and a file is identified by its real
 * path.  An empty path is an error. */
struct pkr_policy *pkr_policy_load(const char *path, struct pkr_diags *diags);

enum pkr_policy_source {
	PKR_POLICY_NONE = 0,   /* no policy anywhere: do nothing */
	PKR_POLICY_ENV,        /* PKREWIND_POLICY (must exist) */
	PKR_POLICY_USER,       /* $XDG_CONFIG_HOME/pkrewind/policy or ~/.config/... */
	PKR_POLICY_SYSTEM,     /* SYSCONFDIR/pkrewind/policy (/etc/pkrewind/policy) */
};
/* Find the policy file.  Writes its path to buf (size bytes).  A set
 * PKREWIND_POLICY (even empty) is PKR_POLICY_ENV whether or not the file
 * exists; a candidate whose path does not fit buf is skipped. */
enum pkr_policy_source pkr_policy_locate(char *buf, size_t size);

#endif
