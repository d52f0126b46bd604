/* log.c - messages from the shim and the command.
 *
 * The formatter writes into a "sink": a fixed buffer that either drops
 * what does not fit (pkr_fmt) or is written out to a descriptor when it
 * fills up (pkr_log, so that a long line is never cut, and a line that
 * fits PKR_LOG_LINE_MAX bytes leaves in one write(2)).  Nothing here
 * allocates, takes a lock or touches stdio: the fault handler logs.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"

/* Set by pkr_log_init() before any thread or handler exists; read-only
 * afterwards (pkr_log_set_level aside, a plain int store). */
static int log_fd = 2;
static int log_level = PKR_LOG_WARN;
static int log_with_pid;

/* ==== sink ============================================================= */

struct sink {
	char *buf;
	size_t size;            /* bytes available in buf */
	size_t len;             /* bytes in buf */
	int fd;                 /* flush here when full; -1: truncate */
	size_t flushed;         /* bytes already written to fd */
};

static void sink_flush(struct sink *s)
{
	if (s->fd >= 0 && s->len > 0) {
		pkr_write_all(s->fd, s->buf, s->len);
		s->flushed += s->len;
		s->len = 0;
	}
}

static void sink_putc(struct sink *s, char c)
{
	if (s->len == s->size) {
		if (s->fd < 0)
			return;
		sink_flush(s);
	}
	s->buf[s->len++] = c;
}

static void sink_putn(struct sink *s, const char *p, size_t n)
{
	while (n > 0) {
		size_t room;

		if (s->len == s->size) {
			if (s->fd < 0)
				return;
			sink_flush(s);
		}
		room = s->size - s->len;
		if (room > n)
			room = n;
		memcpy(s->buf + s->len, p, room);
		s->len += room;
		p += room;
		n -= room;
	}
}

static void sink_pad(struct sink *s, char c, size_t n)
{
	while (n-- > 0)
		sink_putc(s, c);
}

/* ==== formatter ======================================================== */

struct spec {
	bool left;              /* '-' */
	bool zero;              /* '0' */
	size_t width;
	bool has_prec;
	size_t prec;
};

/* Digits of v in base 10 or 16, most significant first, into tmp (which
 * has room for 64 bits in base 10 or 16); returns their count. */
static size_t utoa(unsigned long long v, unsigned base, bool upper, char *tmp)
{
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char rev[24];
	size_t n = 0;

	do {
		rev[n++] = digits[v % base];
		v /= base;
	} while (v);
	for (size_t i = 0; i < n; i++)
		tmp[i] = rev[n - 1 - i];
	return n;
}

/* A number: sign or "0x" prefix, digits, padded per spec. */
static void put_number(struct sink *s, const struct spec *sp, const char *prefix,
		       unsigned long long v, unsigned base, bool upper)
{
	char digits[24];
	size_t nd = utoa(v, base, upper, digits);
	size_t np = strlen(prefix);
	size_t zeros = 0, body;

	if (sp->has_prec) {
		if (sp->prec == 0 && v == 0)
			nd = 0;                 /* printf("%.0d", 0) prints nothing */
		if (sp->prec > nd)
			zeros = sp->prec - nd;
	}
	body = np + zeros + nd;
	if (!sp->left && sp->zero && !sp->has_prec && sp->width > body) {
		zeros += sp->width - body;
		body = sp->width;
	}
	if (!sp->left && sp->width > body)
		sink_pad(s, ' ', sp->width - body);
	sink_putn(s, prefix, np);
	sink_pad(s, '0', zeros);
	sink_putn(s, digits, nd);
	if (sp->left && sp->width > body)
		sink_pad(s, ' ', sp->width - body);
}

static void put_string(struct sink *s, const struct spec *sp, const char *str)
{
	size_t n;

	if (!str)
		str = "(null)";
	if (sp->has_prec) {
		const char *end = memchr(str, '\0', sp->prec);

		n = end ? (size_t)(end - str) : sp->prec;
	} else {
		n = strlen(str);
	}
	if (!sp->left && sp->width > n)
		sink_pad(s, ' ', sp->width - n);
	sink_putn(s, str, n);
	if (sp->left && sp->width > n)
		sink_pad(s, ' ', sp->width - n);
}

enum length { LEN_NONE, LEN_HH, LEN_H, LEN_L, LEN_LL, LEN_Z };

static long long signed_arg(va_list *ap, enum length len)
{
	switch (len) {
	case LEN_HH: return (signed char)va_arg(*ap, int);
	case LEN_H: return (short)va_arg(*ap, int);
	case LEN_L: return va_arg(*ap, long);
	case LEN_LL: return va_arg(*ap, long long);
	case LEN_Z: return va_arg(*ap, ssize_t);
	default: return va_arg(*ap, int);
	}
}

static unsigned long long unsigned_arg(va_list *ap, enum length len)
{
	switch (len) {
	case LEN_HH: return (unsigned char)va_arg(*ap, unsigned);
	case LEN_H: return (unsigned short)va_arg(*ap, unsigned);
	case LEN_L: return va_arg(*ap, unsigned long);
	case LEN_LL: return va_arg(*ap, unsigned long long);
	case LEN_Z: return va_arg(*ap, size_t);
	default: return va_arg(*ap, unsigned);
	}
}

/* Flags, width, precision and length of one conversion; *pp points after
 * the '%' and is left on the conversion character. */
static enum length parse_spec(const char **pp, struct spec *sp, va_list *ap)
{
	const char *p = *pp;
	enum length len = LEN_NONE;

	for (;; p++) {
		if (*p == '-')
			sp->left = true;
		else if (*p == '0')
			sp->zero = true;
		else
			break;
	}
	if (*p == '*') {
		int w = va_arg(*ap, int);

		if (w < 0) {
			sp->left = true;
			w = -w;
		}
		sp->width = (size_t)w;
		p++;
	} else {
		while (*p >= '0' && *p <= '9')
			sp->width = sp->width * 10 + (size_t)(*p++ - '0');
	}
	if (*p == '.') {
		p++;
		sp->has_prec = true;
		if (*p == '*') {
			int pr = va_arg(*ap, int);

			if (pr < 0)
				sp->has_prec = false;
			else
				sp->prec = (size_t)pr;
			p++;
		} else {
			while (*p >= '0' && *p <= '9')
				sp->prec = sp->prec * 10 + (size_t)(*p++ - '0');
		}
	}
	if (p[0] == 'h' && p[1] == 'h') {
		len = LEN_HH;
		p += 2;
	} else if (p[0] == 'h') {
		len = LEN_H;
		p++;
	} else if (p[0] == 'l' && p[1] == 'l') {
		len = LEN_LL;
		p += 2;
	} else if (p[0] == 'l') {
		len = LEN_L;
		p++;
	} else if (p[0] == 'z') {
		len = LEN_Z;
		p++;
	}
	*pp = p;
	return len;
}

static void format(struct sink *s, const char *fmt, va_list *ap)
{
	const char *p = fmt;

	while (*p) {
		const char *pct = strchr(p, '%');
		struct spec sp = { 0 };
		enum length len;
		const char *start;

		if (!pct) {
			sink_putn(s, p, strlen(p));
			return;
		}
		sink_putn(s, p, (size_t)(pct - p));
		start = pct;
		p = pct + 1;
		len = parse_spec(&p, &sp, ap);
		switch (*p) {
		case 'd':
		case 'i': {
			long long v = signed_arg(ap, len);
			unsigned long long mag = v < 0 ? 0ull - (unsigned long long)v
						       : (unsigned long long)v;

			put_number(s, &sp, v < 0 ? "-" : "", mag, 10, false);
			break;
		}
		case 'u':
			put_number(s, &sp, "", unsigned_arg(ap, len), 10, false);
			break;
		case 'x':
		case 'X':
			put_number(s, &sp, "", unsigned_arg(ap, len), 16, *p == 'X');
			break;
		case 'p': {
			void *v = va_arg(*ap, void *);

			if (v) {
				put_number(s, &sp, "0x", (uintptr_t)v, 16, false);
			} else {
				sp.has_prec = false;
				put_string(s, &sp, "(nil)");
			}
			break;
		}
		case 'c': {
			char c = (char)va_arg(*ap, int);

			if (!sp.left && sp.width > 1)
				sink_pad(s, ' ', sp.width - 1);
			sink_putc(s, c);
			if (sp.left && sp.width > 1)
				sink_pad(s, ' ', sp.width - 1);
			break;
		}
		case 's':
			put_string(s, &sp, va_arg(*ap, const char *));
			break;
		case '%':
			sink_putc(s, '%');
			break;
		case '\0':
			/* A lone '%' at the end: print it. */
			sink_putn(s, start, (size_t)(p - start));
			return;
		default:
			/* Unknown conversion: print it as it stands. */
			sink_putn(s, start, (size_t)(p - start) + 1);
			break;
		}
		p++;
	}
}

size_t pkr_vfmt(char *buf, size_t size, const char *fmt, va_list ap)
{
	int saved = errno;
	struct sink s = { .buf = buf, .size = size ? size - 1 : 0, .fd = -1 };
	va_list aq;

	va_copy(aq, ap);
	format(&s, fmt, &aq);
	va_end(aq);
	if (size > 0)
		buf[s.len] = '\0';
	errno = saved;
	return s.len;
}

size_t pkr_fmt(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	size_t n;

	va_start(ap, fmt);
	n = pkr_vfmt(buf, size, fmt, ap);
	va_end(ap);
	return n;
}

/* ==== output =========================================================== */

void pkr_write_all(int fd, const char *buf, size_t len)
{
	int saved = errno;

	while (len > 0) {
		ssize_t n = write(fd, buf, len);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (n == 0)
			break;
		buf += n;
		len -= (size_t)n;
	}
	errno = saved;
}

int pkr_log_fd(void)
{
	return log_fd;
}

int pkr_log_enabled(enum pkr_log_level level)
{
	return (int)level <= log_level;
}

void pkr_log_set_level(enum pkr_log_level level)
{
	log_level = (int)level;
}

/* "pkrewind[PID]: " or "pkrewind: " */
static void put_prefix(struct sink *s)
{
	if (log_with_pid) {
		char digits[24];
		size_t n = utoa((unsigned long long)getpid(), 10, false, digits);

		sink_putn(s, "pkrewind[", 9);
		sink_putn(s, digits, n);
		sink_putn(s, "]: ", 3);
	} else {
		sink_putn(s, "pkrewind: ", 10);
	}
}

size_t pkr_log_prefix(char *buf, size_t size)
{
	struct sink s = { .buf = buf, .size = size ? size - 1 : 0, .fd = -1 };

	put_prefix(&s);
	if (size)
		buf[s.len] = '\0';
	return s.len;
}

void pkr_vlog(enum pkr_log_level level, const char *fmt, va_list ap)
{
	char buf[PKR_LOG_LINE_MAX];
	struct sink s = { .buf = buf, .size = sizeof buf, .fd = log_fd };
	int saved = errno;
	va_list aq;

	if (!pkr_log_enabled(level))
		return;
	put_prefix(&s);
	if (level == PKR_LOG_ERROR)
		sink_putn(&s, "error: ", 7);
	else if (level == PKR_LOG_WARN)
		sink_putn(&s, "warning: ", 9);
	va_copy(aq, ap);
	format(&s, fmt, &aq);
	va_end(aq);
	sink_putc(&s, '\n');
	sink_flush(&s);
	errno = saved;
}

void pkr_log(enum pkr_log_level level, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	pkr_vlog(level, fmt, ap);
	va_end(ap);
}

/* fd 2 on a high close-on-exec descriptor, or fd 2 itself. */
static int dup_stderr(void)
{
	static const int floors[] = { 1000, 100, 10, 3 };

	for (size_t i = 0; i < sizeof floors / sizeof floors[0]; i++) {
		int fd = fcntl(2, F_DUPFD_CLOEXEC, floors[i]);

		if (fd >= 0)
			return fd;
		if (errno == EBADF)
			break;          /* fd 2 is closed: nothing to keep */
	}
	return 2;
}

void pkr_log_init(int with_pid)
{
	static const char *const names[] = {
		[PKR_LOG_ERROR] = "error",
		[PKR_LOG_WARN] = "warn",
		[PKR_LOG_INFO] = "info",
		[PKR_LOG_DEBUG] = "debug",
	};
	int saved = errno;
	const char *v = getenv("PKREWIND_LOG");
	int old = log_fd;
	int level = PKR_LOG_WARN;
	bool unknown = false;

	log_with_pid = with_pid != 0;
	log_fd = dup_stderr();
	if (old > 2 && old != log_fd)
		close(old);
	if (v && *v) {
		unknown = true;
		for (int i = 0; i < (int)(sizeof names / sizeof names[0]); i++)
			if (strcmp(v, names[i]) == 0) {
				level = i;
				unknown = false;
			}
	}
	log_level = level;
	if (unknown)
		pkr_log(PKR_LOG_WARN, "unknown PKREWIND_LOG value '%.64s' "
			"(expected error, warn, info or debug); using warn", v);
	errno = saved;
}
