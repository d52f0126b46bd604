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
 * path.  An empty path is an error.  Domains without annotations then
 * take the shipped policies' (pkr_policy_shipped_dir). */
struct pkr_policy *pkr_policy_load(const char *path, struct pkr_diags *diags);

/* The drop-ins of `dir`: the paths "dir/NAME.policy" of its entries
 * named *.policy (not starting with a dot), in the byte order of their
 * names (strcmp, whatever the locale).  0 with a malloc'd array of n
 * malloc'd paths (NULL and 0 when dir does not exist), or an errno value.
 * pkr_policy_dropins_free() frees the array. */
int pkr_policy_dropins(const char *dir, char ***pathsp, size_t *np);
void pkr_policy_dropins_free(char **paths, size_t n);

/* pkr_policy_load of `path`, then the drop-ins of `dir` after it, as if
 * `path` ended with an `include` line for each (pkr_policy_parse_after).
 * With at least one drop-in, a `path` that does not exist reads as
 * empty.  A directory that cannot be read is an error (fail closed). */
struct pkr_policy *pkr_policy_load_dropins(const char *path, const char *dir,
					   struct pkr_diags *diags);

/* Where the shipped policies are, whose annotations a domain without
 * `function` and `struct` lines takes (pkr_policy_load and
 * pkr_policy_load_dropins do this; pkr_policy_take_shipped): the
 * environment's PKREWIND_POLICIES (empty: none), else
 * PKGDATADIR/policies. */
const char *pkr_policy_shipped_dir(void);

/* The system policy's drop-in directory: SYSCONFDIR/pkrewind/policy.d. */
const char *pkr_policy_dropin_dir(void);

enum pkr_policy_source {
	PKR_POLICY_NONE = 0,   /* no policy anywhere: do nothing */
	PKR_POLICY_ENV,        /* PKREWIND_POLICY (must exist) */
	PKR_POLICY_USER,       /* $XDG_CONFIG_HOME/pkrewind/policy or ~/.config/... */
	PKR_POLICY_SYSTEM,     /* SYSCONFDIR/pkrewind/policy (/etc/pkrewind/policy)
				* and its drop-ins, policy.d/NAME.policy */
};
/* Find the policy file.  Writes its path to buf (size bytes).  A set
 * PKREWIND_POLICY (even empty) is PKR_POLICY_ENV whether or not the file
 * exists; a candidate whose path does not fit buf is skipped.  The system
 * policy is there when SYSCONFDIR/pkrewind/policy exists or its drop-in
 * directory has a drop-in (or cannot be read); buf then names the file
 * either way. */
enum pkr_policy_source pkr_policy_locate(char *buf, size_t size);

/* Load what pkr_policy_locate found: the system policy with its drop-ins
 * (pkr_policy_load_dropins), any other source alone (pkr_policy_load). */
struct pkr_policy *pkr_policy_load_source(enum pkr_policy_source src, const char *path,
					  struct pkr_diags *diags);

#endif
