/* diag.h - diagnostics: messages with a file position, collected by the
 * policy parser and printed by its callers.
 *
 * Invariants: not async-signal-safe (allocates).  pkr_diags_print() writes
 * to a descriptor with the logger's prefix ("pkrewind: " in the command,
 * "pkrewind[PID]: " in the shim).
 */
#ifndef PKR_DIAG_H
#define PKR_DIAG_H

#include <stdarg.h>
#include <stddef.h>

enum pkr_severity { PKR_DIAG_ERROR, PKR_DIAG_WARNING };

struct pkr_diag {
	enum pkr_severity sev;
	char *file;
	unsigned line, col;         /* 1-based; col counts bytes */
	char *msg;
};

struct pkr_diags {
	struct pkr_diag *v;
	size_t n, cap;
	size_t nerrors, nwarnings;
};

void pkr_diags_init(struct pkr_diags *d);
void pkr_diags_free(struct pkr_diags *d);
/* Add a message (printf-style).  line/col 0 means "whole file". */
void pkr_diags_add(struct pkr_diags *d, enum pkr_severity sev, const char *file,
		   unsigned line, unsigned col, const char *fmt, ...)
	__attribute__((format(printf, 6, 7)));
/* "FILE:LINE:COL: message" (errors) or "FILE:LINE:COL: warning: message".
 * Returns the length that would have been written (snprintf semantics). */
int pkr_diag_format(const struct pkr_diag *g, char *buf, size_t size);
/* Write every diagnostic to fd as the log prefix + pkr_diag_format + "\n". */
void pkr_diags_print(const struct pkr_diags *d, int fd);

void pkr_diags_vadd(struct pkr_diags *d, enum pkr_severity sev, const char *file,
		    unsigned line, unsigned col, const char *fmt, va_list ap);

#endif
