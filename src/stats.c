/* stats.c - print call and fault counts at exit (PKREWIND_STATS=1). */
#include "config.h"

#include <stdarg.h>
#include <stdlib.h>
#include <unistd.h>
#include <string.h>

#include "log.h"
#include "pkey.h"
#include "domains.h"
#include "stats.h"

static bool enabled;

/* Stats lines are not warnings or errors: no level word, always shown. */
static void line(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void line(const char *fmt, ...)
{
	char buf[PKR_LOG_LINE_MAX];
	size_t n = pkr_fmt(buf, sizeof buf, "pkrewind[%d]: stats: ", (int)getpid());
	va_list ap;

	va_start(ap, fmt);
	n += pkr_vfmt(buf + n, sizeof buf - n - 1, fmt, ap);
	va_end(ap);
	buf[n++] = '\n';
	pkr_write_all(pkr_log_fd(), buf, n);
}

void pkr_stats_init(void)
{
	const char *e = getenv("PKREWIND_STATS");
	enabled = e && *e && strcmp(e, "0") != 0;
	if (enabled)
		pkr_count_calls = 1;
}

void pkr_stats_print(void)
{
	if (!enabled)
		return;
	for (size_t i = 0; i < PKR_MAX_DOM; i++) {
		const struct pkr_domain *d = pkr_domains[i];
		uint64_t calls = 0;
		if (!d)
			continue;
		for (size_t j = 0; j < d->nfns; j++)
			calls += d->fns[j].calls;
		line("domain %s: calls %llu, faults %llu, resets %llu%s",
			d->pol->name, (unsigned long long)calls,
			(unsigned long long)d->faults, (unsigned long long)d->resets,
			pkr_nokeys ? " (no protection keys: memory is not protected)" : "");
		for (size_t j = 0; j < d->nfns; j++) {
			const struct pkr_fn *f = &d->fns[j];
			if (!f->calls && !f->faults)
				continue;
			line("  %s%s%s: calls %llu, faults %llu", f->name,
			     f->hidden ? "@" : "", f->hidden ? f->version : "",
				(unsigned long long)f->calls, (unsigned long long)f->faults);
		}
	}
}
