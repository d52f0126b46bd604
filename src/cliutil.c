/* cliutil.c - small helpers of the command: allocation that exits on
 * failure, strings, file tests.  See cliutil.h.  Command only.
 */
#include "config.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cliutil.h"
#include "log.h"

void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (!p) {
		pkr_log(PKR_LOG_ERROR, "out of memory");
		exit(EXIT_CLI_FAILURE);
	}
	return p;
}

void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (!p) {
		pkr_log(PKR_LOG_ERROR, "out of memory");
		exit(EXIT_CLI_FAILURE);
	}
	return p;
}

char *xstrdup(const char *s)
{
	size_t n = strlen(s) + 1;

	return memcpy(xmalloc(n), s, n);
}

/* "a" + "b" + "c" in a fresh allocation. */
char *concat3(const char *a, const char *b, const char *c)
{
	size_t la = strlen(a), lb = strlen(b), lc = strlen(c);
	char *s = xmalloc(la + lb + lc + 1);

	memcpy(s, a, la);
	memcpy(s + la, b, lb);
	memcpy(s + la + lb, c, lc + 1);
	return s;
}

bool is_regular_file(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

bool has_glob_chars(const char *s)
{
	return strpbrk(s, "*?[") != NULL;
}

