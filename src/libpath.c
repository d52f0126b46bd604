/* libpath.c - the library search path of the command: where a soname is
 * found on this system (LD_LIBRARY_PATH, ld.so.conf, the defaults), and
 * whether a policy's `library` spec names any file here.  See libpath.h.
 * Command only.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fnmatch.h>
#include <glob.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cliutil.h"
#include "libpath.h"

#define LDCONF_DEPTH    8     /* include nesting in ld.so.conf */

static const char *const default_lib_dirs[] = {
	"/lib/x86_64-linux-gnu", "/usr/lib/x86_64-linux-gnu", "/lib64",
	"/usr/lib64", "/lib", "/usr/lib", "/usr/local/lib",
};

/* ---- the library search path ----------------------------------------- */

/* Where a soname is looked for: LD_LIBRARY_PATH, the directories of
 * /etc/ld.so.conf (and what it includes), then the usual defaults.  The
 * list is built once, in that order, without duplicates. */
struct dirlist {
	char **v;
	size_t n, cap;
};

static void dirlist_add(struct dirlist *dl, const char *dir, size_t len)
{
	size_t i;

	while (len > 1 && dir[len - 1] == '/')
		len--;
	if (len == 0)
		return;
	for (i = 0; i < dl->n; i++)
		if (strlen(dl->v[i]) == len && memcmp(dl->v[i], dir, len) == 0)
			return;
	if (dl->n == dl->cap) {
		dl->cap = dl->cap ? dl->cap * 2 : 16;
		dl->v = xrealloc(dl->v, dl->cap * sizeof *dl->v);
	}
	dl->v[dl->n] = xmalloc(len + 1);
	memcpy(dl->v[dl->n], dir, len);
	dl->v[dl->n][len] = '\0';
	dl->n++;
}

static void add_ld_so_conf(struct dirlist *dl, const char *file, int depth);

/* `include PATTERN` in ld.so.conf: a relative pattern is relative to the
 * directory of the file that includes it. */
static void add_ld_so_conf_include(struct dirlist *dl, const char *file,
				   const char *pattern, int depth)
{
	char *full = NULL;
	glob_t g;
	size_t i;

	if (pattern[0] != '/') {
		const char *slash = strrchr(file, '/');
		size_t dlen = slash ? (size_t)(slash - file) : 0;
		char *dir = xmalloc(dlen + 1);

		memcpy(dir, file, dlen);
		dir[dlen] = '\0';
		full = concat3(slash ? dir : ".", "/", pattern);
		free(dir);
		pattern = full;
	}
	if (glob(pattern, 0, NULL, &g) == 0) {
		for (i = 0; i < g.gl_pathc; i++)
			add_ld_so_conf(dl, g.gl_pathv[i], depth + 1);
		globfree(&g);
	}
	free(full);
}

static void add_ld_so_conf(struct dirlist *dl, const char *file, int depth)
{
	char *line = NULL;
	size_t cap = 0;
	FILE *f;

	if (depth > LDCONF_DEPTH || !(f = fopen(file, "re")))
		return;
	while (getline(&line, &cap, f) >= 0) {
		char *s = line, *e, *hash = strchr(line, '#');

		if (hash)
			*hash = '\0';
		s += strspn(s, " \t\r\n");
		e = s + strlen(s);
		while (e > s && strchr(" \t\r\n", e[-1]))
			*--e = '\0';
		if (*s == '\0')
			continue;
		if (strncmp(s, "include", 7) == 0 && (s[7] == ' ' || s[7] == '\t')) {
			/* One or more patterns after the keyword. */
			char *save = NULL, *tok;

			for (tok = strtok_r(s + 7, " \t", &save); tok;
			     tok = strtok_r(NULL, " \t", &save))
				add_ld_so_conf_include(dl, file, tok, depth);
			continue;
		}
		if (strncmp(s, "hwcap", 5) == 0 && (s[5] == ' ' || s[5] == '\t'))
			continue;
		/* A directory, possibly in the old "DIR=TYPE" form. */
		dirlist_add(dl, s, strcspn(s, " \t=,:"));
	}
	free(line);
	fclose(f);
}

static const struct dirlist *search_dirs(void)
{
	static struct dirlist dl;
	static bool done;
	const char *llp;
	size_t i;

	if (done)
		return &dl;
	done = true;
	llp = getenv("LD_LIBRARY_PATH");
	while (llp && *llp) {
		size_t len = strcspn(llp, ":;");

		dirlist_add(&dl, llp, len);
		llp += len;
		if (*llp)
			llp++;
	}
	add_ld_so_conf(&dl, "/etc/ld.so.conf", 0);
	for (i = 0; i < sizeof default_lib_dirs / sizeof default_lib_dirs[0]; i++)
		dirlist_add(&dl, default_lib_dirs[i], strlen(default_lib_dirs[i]));
	return &dl;
}

/* The first DIR/soname that exists, malloc'd, or NULL. */
char *find_soname(const char *soname)
{
	const struct dirlist *dl = search_dirs();
	size_t i;

	for (i = 0; i < dl->n; i++) {
		char *p = concat3(dl->v[i], "/", soname);

		if (is_regular_file(p))
			return p;
		free(p);
	}
	return NULL;
}

/* Does a relative glob match the name of some file in the search path? */
static bool glob_in_search_dirs(const char *pattern)
{
	const struct dirlist *dl = search_dirs();
	bool found = false;
	size_t i;

	for (i = 0; i < dl->n && !found; i++) {
		DIR *d = opendir(dl->v[i]);
		struct dirent *de;

		if (!d)
			continue;
		while (!found && (de = readdir(d)) != NULL)
			if (de->d_name[0] != '.' && fnmatch(pattern, de->d_name, 0) == 0)
				found = true;
		closedir(d);
	}
	return found;
}

/* An absolute glob.  For SPEC_LINKS_ONLY, *link and *real get (malloc'd)
 * one file it names and the resolved path of that file. */
static enum spec_status abs_glob_status(const char *spec, char **link, char **real)
{
	enum spec_status st = SPEC_MISSING;
	glob_t g;

	*link = *real = NULL;
	if (glob(spec, GLOB_NOSORT, NULL, &g) == 0) {
		for (size_t i = 0; i < g.gl_pathc && st != SPEC_FOUND; i++) {
			char *r = realpath(g.gl_pathv[i], NULL);

			if (!r)         /* a dangling link: nothing to load */
				continue;
			if (fnmatch(spec, r, FNM_PATHNAME) == 0) {
				st = SPEC_FOUND;
				free(r);
			} else if (st == SPEC_MISSING) {
				st = SPEC_LINKS_ONLY;
				*link = xstrdup(g.gl_pathv[i]);
				*real = r;
			} else {
				free(r);
			}
		}
	}
	globfree(&g);
	if (st != SPEC_LINKS_ONLY) {
		free(*link);
		free(*real);
		*link = *real = NULL;
	}
	return st;
}

/* Is there a file on this system that a `library` spec names, as the
 * shim would match it?  See abs_glob_status() for link and real. */
enum spec_status library_spec_status(const char *spec, char **link, char **real)
{
	char *p;

	*link = *real = NULL;
	if (has_glob_chars(spec) && spec[0] == '/')
		return abs_glob_status(spec, link, real);
	if (has_glob_chars(spec))
		return glob_in_search_dirs(spec) ? SPEC_FOUND : SPEC_MISSING;
	if (spec[0] == '/')
		return is_regular_file(spec) ? SPEC_FOUND : SPEC_MISSING;
	p = find_soname(spec);
	if (!p)
		return SPEC_MISSING;
	free(p);
	return SPEC_FOUND;
}

