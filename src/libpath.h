/* libpath.h - finding libraries the way the command reports them
 * (pkrewind check, pkrewind symbols).  Command only; uses stdio, glob,
 * realpath.
 */
#ifndef PKR_LIBPATH_H
#define PKR_LIBPATH_H

/* What this system has for a `library` spec. */
enum spec_status {
	SPEC_FOUND,
	SPEC_MISSING,
	SPEC_LINKS_ONLY,    /* an absolute glob that names files only by
			     * symbolic links: the shim matches it against
			     * resolved paths, so it matches none of them */
};

/* The path of a library by soname in the search path (malloc'd), or
 * NULL. */
char *find_soname(const char *soname);

/* Is there a file on this system that a `library` spec names, as the
 * shim would match it?  For SPEC_LINKS_ONLY, *link and *real get
 * (malloc'd) one file it names and the resolved path of that file. */
enum spec_status library_spec_status(const char *spec, char **link, char **real);

#endif
