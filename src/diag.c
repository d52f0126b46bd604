/* diag.c - the policy's diagnostics: collecting "FILE:LINE:COL: message"
 * lines, formatting them, writing them to a descriptor.  See diag.h.
 * Not async-signal-safe (malloc, vasprintf).
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "log.h"

void pkr_diags_init(struct pkr_diags *d)
{
	memset(d, 0, sizeof *d);
}

void pkr_diags_free(struct pkr_diags *d)
{
	if (!d)
		return;
	for (size_t i = 0; i < d->n; i++) {
		free(d->v[i].file);
		free(d->v[i].msg);
	}
	free(d->v);
	pkr_diags_init(d);
}

void pkr_diags_vadd(struct pkr_diags *d, enum pkr_severity sev, const char *file,
		       unsigned line, unsigned col, const char *fmt, va_list ap)
{
	struct pkr_diag g = { .sev = sev, .line = line, .col = col };

	/* Count first: even when memory runs out the caller sees the error. */
	if (sev == PKR_DIAG_ERROR)
		d->nerrors++;
	else
		d->nwarnings++;
	if (d->n == d->cap) {
		size_t ncap = d->cap ? d->cap * 2 : 16;
		struct pkr_diag *nv = realloc(d->v, ncap * sizeof *nv);

		if (!nv)
			return;
		d->v = nv;
		d->cap = ncap;
	}
	if (vasprintf(&g.msg, fmt, ap) < 0)
		return;
	g.file = file ? strdup(file) : NULL;
	if (file && !g.file) {
		free(g.msg);
		return;
	}
	d->v[d->n++] = g;
}

void pkr_diags_add(struct pkr_diags *d, enum pkr_severity sev, const char *file,
		   unsigned line, unsigned col, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	pkr_diags_vadd(d, sev, file, line, col, fmt, ap);
	va_end(ap);
}

int pkr_diag_format(const struct pkr_diag *g, char *buf, size_t size)
{
	const char *warn = g->sev == PKR_DIAG_WARNING ? "warning: " : "";
	const char *file = g->file ? g->file : "";
	const char *msg = g->msg ? g->msg : "";

	if (!g->file)
		return snprintf(buf, size, "%s%s", warn, msg);
	if (g->line == 0)
		return snprintf(buf, size, "%s: %s%s", file, warn, msg);
	if (g->col == 0)
		return snprintf(buf, size, "%s:%u: %s%s", file, g->line, warn, msg);
	return snprintf(buf, size, "%s:%u:%u: %s%s", file, g->line, g->col, warn, msg);
}

void pkr_diags_print(const struct pkr_diags *d, int fd)
{
	char prefix[64];
	size_t np = pkr_log_prefix(prefix, sizeof prefix);
	char small[1024];

	for (size_t i = 0; i < d->n; i++) {
		int n = pkr_diag_format(&d->v[i], NULL, 0);
		size_t total;
		char *buf;

		if (n < 0)
			continue;
		total = np + (size_t)n + 1;
		buf = total + 1 <= sizeof small ? small : malloc(total + 1);
		if (!buf)
			continue;
		memcpy(buf, prefix, np);
		pkr_diag_format(&d->v[i], buf + np, (size_t)n + 1);
		buf[total - 1] = '\n';
		pkr_write_all(fd, buf, total);
		if (buf != small)
			free(buf);
	}
}

