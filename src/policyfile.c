/* policyfile.c - where the policy comes from: finding the policy file
 * (environment, XDG and system locations) and reading it, and its
 * includes, from disk for the pure parser.  See policyfile.h.
 * Not async-signal-safe; start-up and the command only.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "diag.h"
#include "libmatch.h"
#include "policy.h"
#include "policyfile.h"

#ifndef SYSCONFDIR
#define SYSCONFDIR "/etc"
#endif
#ifndef PKGDATADIR
#define PKGDATADIR "/usr/share/pkrewind"
#endif

/* Read a whole file, at most PKR_MAX_FILE_SIZE bytes (EFBIG past it);
 * NUL-terminated. */
int pkr_read_file(const char *path, char **bufp, size_t *lenp)
{
	size_t cap = 4096, len = 0;
	char *buf = NULL;
	struct stat st;
	int fd, err = 0;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return errno;
	if (fstat(fd, &st) == 0) {
		if (S_ISDIR(st.st_mode)) {
			close(fd);
			return EISDIR;
		}
		if (S_ISREG(st.st_mode) && st.st_size >= 0 &&
		    (uint64_t)st.st_size < PKR_MAX_FILE_SIZE)
			cap = (size_t)st.st_size + 1;
	}
	for (;;) {
		ssize_t n;

		if (len == cap || !buf) {
			char *nb;

			if (buf)
				cap *= 2;
			if (cap > PKR_MAX_FILE_SIZE + 1)
				cap = PKR_MAX_FILE_SIZE + 1;
			nb = realloc(buf, cap);
			if (!nb) {
				err = ENOMEM;
				break;
			}
			buf = nb;
		}
		n = read(fd, buf + len, cap - len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			err = errno;
			break;
		}
		if (n == 0)
			break;
		len += (size_t)n;
		if (len > PKR_MAX_FILE_SIZE) {
			err = EFBIG;
			break;
		}
	}
	close(fd);
	if (!err && len == cap) {       /* room for the NUL */
		char *nb = realloc(buf, cap + 1);

		if (nb)
			buf = nb;
		else
			err = ENOMEM;
	}
	if (err) {
		free(buf);
		return err;
	}
	buf[len] = '\0';
	*bufp = buf;
	*lenp = len;
	return 0;
}

static int disk_read(void *ctx, const char *path, char **buf, size_t *len)
{
	(void)ctx;
	return pkr_read_file(path, buf, len);
}

/* A file's identity for include cycles: its real path. */
static char *disk_key(void *ctx, const char *path)
{
	(void)ctx;
	return realpath(path, NULL);
}

/* Read `path` and parse it with the files after[0..nafter) after it
 * (pkr_policy_parse_after).  absent_ok: a `path` that does not exist
 * reads as empty. */
static struct pkr_policy *load(const char *path, const char *const *after, size_t nafter,
			       bool absent_ok, struct pkr_diags *diags)
{
	char *buf = NULL;
	size_t len = 0;
	int err;
	struct pkr_policy *p;
	const struct pkr_parse_env disk = { disk_read, NULL, disk_key };

	if (!*path) {           /* e.g. PKREWIND_POLICY set to "" */
		if (diags)
			pkr_diags_add(diags, PKR_DIAG_ERROR, NULL, 0, 0,
				      "cannot read the policy: the file name is empty");
		return NULL;
	}
	err = pkr_read_file(path, &buf, &len);
	if (err == ENOENT && absent_ok)
		err = 0;
	if (err) {
		if (diags) {
			if (err == EFBIG)
				pkr_diags_add(diags, PKR_DIAG_ERROR, path, 0, 0,
					      "policy file is larger than 16 MiB");
			else
				pkr_diags_add(diags, PKR_DIAG_ERROR, path, 0, 0,
					      "cannot read the policy: %s", strerror(err));
		}
		return NULL;
	}
	p = pkr_policy_parse_after(path, buf ? buf : "", len, after, nafter, &disk, diags);
	free(buf);
	return p;
}

/* ---- annotations from the shipped policies ----------------------------- */

const char *pkr_policy_shipped_dir(void)
{
	const char *e = getenv("PKREWIND_POLICIES");

	return e ? e : PKGDATADIR "/policies";
}

/* The domain of shipped policy `s` that has a library spec for `spec`
 * (compared by its last path component: a soname, a file name or a
 * glob), or NULL. */
static const struct pkr_domain_policy *shipped_for(const struct pkr_policy *s, const char *spec)
{
	const char *base = strrchr(spec, '/') ? strrchr(spec, '/') + 1 : spec;

	for (size_t i = 0; i < s->ndomains; i++)
		for (size_t j = 0; j < s->domains[i].nlibraries; j++)
			if (pkr_policy_library_matches(s->domains[i].libraries[j], base, base))
				return &s->domains[i];
	return NULL;
}

/* Each domain of p with no `function` and no `struct` line of its own,
 * whose libraries are all in one domain of a shipped policy, takes that
 * domain's annotations (pkr_policy_take_shipped).  The shipped policies
 * are read only when some domain could use them; one that does not parse
 * is an error like any policy's (fail closed).  Returns p, or NULL after
 * freeing it. */
static struct pkr_policy *with_shipped(struct pkr_policy *p, struct pkr_diags *diags)
{
	const char *dir = pkr_policy_shipped_dir();
	char **paths = NULL;
	size_t n = 0;
	bool need = false;
	int err;

	for (size_t i = 0; p && i < p->ndomains; i++)
		need |= p->domains[i].nfunctions == 0 && p->domains[i].nstructs == 0;
	if (!need || !*dir)
		return p;
	err = pkr_policy_dropins(dir, &paths, &n);
	if (err) {
		if (diags)
			pkr_diags_add(diags, PKR_DIAG_ERROR, dir, 0, 0,
				      "cannot read the shipped policies: %s", strerror(err));
		pkr_policy_free(p);
		return NULL;
	}
	p->shipped = n ? calloc(n, sizeof *p->shipped) : NULL;
	if (n && !p->shipped) {
		pkr_policy_dropins_free(paths, n);
		pkr_policy_free(p);
		return NULL;
	}
	for (size_t i = 0; i < n; i++) {
		p->shipped[p->nshipped] = load(paths[i], NULL, 0, false, diags);
		if (!p->shipped[p->nshipped]) {
			pkr_policy_dropins_free(paths, n);
			pkr_policy_free(p);
			return NULL;
		}
		p->nshipped++;
	}
	pkr_policy_dropins_free(paths, n);
	for (size_t i = 0; i < p->ndomains; i++) {
		/* The policy's own domains, filled in here: the parser's
		 * result is const to everyone else. */
		struct pkr_domain_policy *d = (struct pkr_domain_policy *)&p->domains[i];
		const struct pkr_domain_policy *from = NULL;

		if (d->nfunctions || d->nstructs || !d->nlibraries)
			continue;
		for (size_t j = 0; j < d->nlibraries; j++) {
			const struct pkr_domain_policy *f = NULL;
			for (size_t k = 0; k < p->nshipped && !f; k++)
				f = shipped_for(p->shipped[k], d->libraries[j]);
			if (!f || (from && f != from)) {
				from = NULL;
				break;
			}
			from = f;
		}
		if (from)
			pkr_policy_take_shipped(d, from);
	}
	return p;
}

struct pkr_policy *pkr_policy_load(const char *path, struct pkr_diags *diags)
{
	return with_shipped(load(path, NULL, 0, false, diags), diags);
}

/* A drop-in's name: NAME.policy, NAME not empty and not starting with a
 * dot (what the shell's *.policy matches). */
static int dropin_name(const struct dirent *d)
{
	size_t n = strlen(d->d_name);

	return d->d_name[0] != '.' && n > 7 && strcmp(d->d_name + n - 7, ".policy") == 0;
}

/* Byte order, whatever the locale. */
static int name_order(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

void pkr_policy_dropins_free(char **paths, size_t n)
{
	if (!paths)
		return;
	for (size_t i = 0; i < n; i++)
		free(paths[i]);
	free(paths);
}

int pkr_policy_dropins(const char *dir, char ***pathsp, size_t *np)
{
	struct dirent **ents;
	char **paths;
	int n, err = 0;

	*pathsp = NULL;
	*np = 0;
	n = scandir(dir, &ents, dropin_name, name_order);
	if (n < 0)
		return errno == ENOENT ? 0 : errno;
	paths = calloc((size_t)n + 1, sizeof *paths);
	if (!paths)
		err = ENOMEM;
	for (int i = 0; i < n; i++) {
		size_t size = strlen(dir) + strlen(ents[i]->d_name) + 2;

		if (!err && (paths[i] = malloc(size)) != NULL)
			snprintf(paths[i], size, "%s/%s", dir, ents[i]->d_name);
		else
			err = ENOMEM;
		free(ents[i]);
	}
	free(ents);
	if (err) {
		pkr_policy_dropins_free(paths, (size_t)n);
		return err;
	}
	*pathsp = paths;
	*np = (size_t)n;
	return 0;
}

struct pkr_policy *pkr_policy_load_dropins(const char *path, const char *dir,
					   struct pkr_diags *diags)
{
	char **paths;
	size_t n;
	struct pkr_policy *p;
	int err = pkr_policy_dropins(dir, &paths, &n);

	if (err) {
		if (diags)
			pkr_diags_add(diags, PKR_DIAG_ERROR, dir, 0, 0,
				      "cannot read the policy directory: %s", strerror(err));
		return NULL;
	}
	/* Without drop-ins the file must exist, as with pkr_policy_load. */
	p = load(path, (const char *const *)paths, n, n > 0, diags);
	pkr_policy_dropins_free(paths, n);
	return with_shipped(p, diags);
}

const char *pkr_policy_dropin_dir(void)
{
	return SYSCONFDIR "/pkrewind/policy.d";
}

struct pkr_policy *pkr_policy_load_source(enum pkr_policy_source src, const char *path,
					  struct pkr_diags *diags)
{
	if (src == PKR_POLICY_SYSTEM)
		return pkr_policy_load_dropins(path, pkr_policy_dropin_dir(), diags);
	return pkr_policy_load(path, diags);
}

/* Has the system policy drop-ins?  An unreadable directory counts (loading
 * the policy then reports it: fail closed). */
static bool have_dropins(void)
{
	char **paths;
	size_t n;
	int err = pkr_policy_dropins(pkr_policy_dropin_dir(), &paths, &n);

	pkr_policy_dropins_free(paths, n);
	return err || n > 0;
}

/* Write a/b to buf; true when it fits and names an existing file. */
static bool candidate(char *buf, size_t size, const char *dir, const char *rest)
{
	int n = snprintf(buf, size, "%s%s", dir, rest);

	return n > 0 && (size_t)n < size && access(buf, F_OK) == 0;
}

enum pkr_policy_source pkr_policy_locate(char *buf, size_t size)
{
	const char *env = getenv("PKREWIND_POLICY");
	const char *xdg = getenv("XDG_CONFIG_HOME");
	const char *home = getenv("HOME");

	if (env) {
		if (size > 0)
			snprintf(buf, size, "%s", env);
		return PKR_POLICY_ENV;
	}
	if (xdg && *xdg) {
		if (candidate(buf, size, xdg, "/pkrewind/policy"))
			return PKR_POLICY_USER;
	} else if (home && *home) {
		if (candidate(buf, size, home, "/.config/pkrewind/policy"))
			return PKR_POLICY_USER;
	}
	if (candidate(buf, size, SYSCONFDIR, "/pkrewind/policy"))
		return PKR_POLICY_SYSTEM;
	/* Drop-ins without the file: the file's name all the same. */
	if (have_dropins() &&
	    snprintf(buf, size, "%s/pkrewind/policy", SYSCONFDIR) < (int)size)
		return PKR_POLICY_SYSTEM;
	if (size > 0)
		buf[0] = '\0';
	return PKR_POLICY_NONE;
}

