/* log.h - messages from the shim and the command.
 *
 * Invariants:
 *  - pkr_log(), pkr_vlog(), pkr_fmt(), pkr_vfmt() and pkr_write_all() are
 *    async-signal-safe: no malloc, no stdio, no locks, errno preserved.
 *    They are called from the fault handler.
 *  - Every line the shim prints starts with "pkrewind[PID]: " and is
 *    written with one write(2) call when it fits PKR_LOG_LINE_MAX bytes.
 *  - pkr_log_init() is not async-signal-safe; call it once at start-up
 *    (the shim's constructor, the command's main).  Before it, messages go
 *    to fd 2 at level warn, with the prefix "pkrewind: ".
 */
#ifndef PKR_LOG_H
#define PKR_LOG_H

#include <stdarg.h>
#include <stddef.h>

enum pkr_log_level {
	PKR_LOG_ERROR = 0,
	PKR_LOG_WARN,
	PKR_LOG_INFO,
	PKR_LOG_DEBUG,
};

#define PKR_LOG_LINE_MAX 1024

/* Read PKREWIND_LOG (error|warn|info|debug; default warn; an unknown value
 * is reported and warn is used) and duplicate fd 2 to a high close-on-exec
 * descriptor (programs such as xz close stderr before they exit).
 * `prefix` is "pkrewind[PID]: " for the shim (with_pid != 0) or
 * "pkrewind: " for the command. */
void pkr_log_init(int with_pid);

/* The prefix every line starts with ("pkrewind[PID]: " or "pkrewind: "),
 * NUL-terminated in buf; returns its length.  Async-signal-safe. */
size_t pkr_log_prefix(char *buf, size_t size);

/* The descriptor messages go to. */
int pkr_log_fd(void);

int pkr_log_enabled(enum pkr_log_level level);
void pkr_log_set_level(enum pkr_log_level level);

/* Format and write one line (a newline is appended).  Level names are
 * prepended for error and warning ("error: ", "warning: "). */
void pkr_log(enum pkr_log_level level, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void pkr_vlog(enum pkr_log_level level, const char *fmt, va_list ap);

/* A small printf: %s %c %d %i %u %x %X %p %% with the length modifiers
 * l, ll, z (also h, hh), and flags/width: '0', '-', a decimal width, and
 * "%.*s" (also '*' widths, and precisions for strings and integers).
 * An unknown conversion is copied as it stands.
 * Always NUL-terminates when size > 0; returns the number of bytes written
 * (not counting the NUL), truncating at size - 1. */
size_t pkr_fmt(char *buf, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
size_t pkr_vfmt(char *buf, size_t size, const char *fmt, va_list ap);

/* write(2) in a loop over EINTR and short writes; preserves errno. */
void pkr_write_all(int fd, const char *buf, size_t len);

#endif
