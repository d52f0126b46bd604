/* cliutil.h - small helpers of the pkrewind command (never the shim):
 * x* allocate or exit with a message.
 */
#ifndef PKR_CLIUTIL_H
#define PKR_CLIUTIL_H

#include <stdbool.h>
#include <stddef.h>

#define EXIT_CLI_FAILURE 127   /* the command's exit status when memory runs out */

void *xmalloc(size_t n);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *concat3(const char *a, const char *b, const char *c);
bool is_regular_file(const char *path);
bool has_glob_chars(const char *s);

#endif
