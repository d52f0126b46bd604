/* check_log.c - unit tests of src/log.c: the small printf (pkr_fmt) and
 * pkr_log's lines (prefix, level filtering, one write, errno kept).
 *
 * pkr_fmt is compared with the C library's snprintf for the conversions
 * both share; pkr_log is pointed at a pipe by putting the pipe's write end
 * on fd 2 before pkr_log_init() duplicates it.
 */
#include "config.h"

#include <check.h>
#include <stdarg.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "log.h"

/* ==== pkr_fmt ========================================================== */

/* pkr_fmt without the compiler's format checks, for formats it would
 * rightly warn about. */
static size_t fmt_raw(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	size_t n;

	va_start(ap, fmt);
	n = pkr_vfmt(buf, size, fmt, ap);
	va_end(ap);
	return n;
}

/* pkr_fmt and snprintf agree on the text and on the length written. */
#define SAME(fmt, ...) do {                                                     \
		char a_[256], b_[256];                                          \
		size_t n_ = pkr_fmt(a_, sizeof a_, fmt, ##__VA_ARGS__);        \
		int m_ = snprintf(b_, sizeof b_, fmt, ##__VA_ARGS__);           \
		ck_assert_str_eq(a_, b_);                                       \
		ck_assert_uint_eq(n_, (size_t)m_);                              \
	} while (0)

START_TEST(test_fmt_integers)
{
	SAME("%d", 0);
	SAME("%d", 42);
	SAME("%d", -42);
	SAME("%i", INT_MIN);
	SAME("%d", INT_MAX);
	SAME("%u", UINT_MAX);
	SAME("%x", 0xdeadbeefu);
	SAME("%X", 0xdeadbeefu);
	SAME("%ld", LONG_MIN);
	SAME("%lu", ULONG_MAX);
	SAME("%lx", 0x123456789abcdefUL);
	SAME("%lld", LLONG_MIN);
	SAME("%lld", LLONG_MAX);
	SAME("%llu", ULLONG_MAX);
	SAME("%llX", 0xfedcba9876543210ULL);
	SAME("%zu", (size_t)SIZE_MAX);
	SAME("%zd", (ssize_t)-5);
	SAME("%zx", (size_t)4096);
	SAME("%hhd", (signed char)-3);
	SAME("%hu", (unsigned short)65535);
	SAME("%hd", (short)-5);
	SAME("%hhu", (unsigned char)200);
	SAME("[%d|%u|%x]", -1, 2u, 255u);
}
END_TEST

START_TEST(test_fmt_widths)
{
	SAME("%5d", 42);
	SAME("%-5d|", 42);
	SAME("%05d", 42);
	SAME("%05d", -42);
	SAME("%1d", 12345);
	SAME("%08x", 0xbeefu);
	SAME("%016lx", 0x1234UL);
	SAME("%.3d", 7);
	SAME("%6.3d", -7);
	SAME("%.0d|", 0);
	SAME("%*d", 6, 42);
	SAME("%-*d|", 6, 42);
	SAME("%*d|", -6, 42);
	SAME("%10s|", "abc");
	SAME("%-10s|", "abc");
	SAME("%2s", "abcdef");
	SAME("%.*s", 3, "abcdef");
	SAME("%.*s|", 10, "abc");
	SAME("%.2s", "abcdef");
	SAME("%8.2s|", "abcdef");
	SAME("%.*s", 0, "abc");
	SAME("%.*s|", -1, "abc");               /* negative: no precision */
	SAME("%c%c%c", 'a', 'b', 'c');
	SAME("%3c|%-3c|", 'x', 'y');
	{
		char buf[32];

		/* '-' wins over '0' */
		ck_assert_uint_eq(fmt_raw(buf, sizeof buf, "%-05d|", -42), 6);
		ck_assert_str_eq(buf, "-42  |");
	}
}
END_TEST

START_TEST(test_fmt_strings_pointers)
{
	char buf[64];
	int x;

	SAME("%s", "hello");
	SAME("%s=%s", "key", "value");
	SAME("%p", (void *)&x);
	SAME("%p", (void *)0x1000);
	SAME("%p", (void *)NULL);
	SAME("%%");
	SAME("100%% sure");
	SAME("%s", "");
	/* NULL string */
	ck_assert_uint_eq(fmt_raw(buf, sizeof buf, "[%s]", (char *)NULL), 8);
	ck_assert_str_eq(buf, "[(null)]");
	/* an unknown conversion is printed as it stands */
	ck_assert_uint_eq(fmt_raw(buf, sizeof buf, "a%qb"), 4);
	ck_assert_str_eq(buf, "a%qb");
	/* as is a '%' at the very end */
	ck_assert_uint_eq(fmt_raw(buf, sizeof buf, "50%"), 3);
	ck_assert_str_eq(buf, "50%");
	/* plain text */
	ck_assert_uint_eq(pkr_fmt(buf, sizeof buf, "no conversions"), 14);
	ck_assert_str_eq(buf, "no conversions");
}
END_TEST

START_TEST(test_fmt_truncation)
{
	char buf[16];

	memset(buf, 'X', sizeof buf);
	ck_assert_uint_eq(pkr_fmt(buf, 8, "%s", "0123456789"), 7);
	ck_assert_str_eq(buf, "0123456");
	ck_assert_int_eq(buf[8], 'X');                  /* nothing past size */

	memset(buf, 'X', sizeof buf);
	ck_assert_uint_eq(pkr_fmt(buf, 6, "%d-%d", 12345, 678), 5);
	ck_assert_str_eq(buf, "12345");

	memset(buf, 'X', sizeof buf);
	ck_assert_uint_eq(pkr_fmt(buf, 5, "%08x", 0xabcu), 4);
	ck_assert_str_eq(buf, "0000");

	memset(buf, 'X', sizeof buf);
	ck_assert_uint_eq(pkr_fmt(buf, 4, "%-10s|", "ab"), 3);
	ck_assert_str_eq(buf, "ab ");

	/* size 1: only the NUL */
	memset(buf, 'X', sizeof buf);
	ck_assert_uint_eq(pkr_fmt(buf, 1, "%s", "abc"), 0);
	ck_assert_int_eq(buf[0], '\0');
	ck_assert_int_eq(buf[1], 'X');

	/* size 0: nothing is written, not even a NUL */
	memset(buf, 'X', sizeof buf);
	ck_assert_uint_eq(pkr_fmt(buf, 0, "%s", "abc"), 0);
	ck_assert_int_eq(buf[0], 'X');
	ck_assert_uint_eq(pkr_fmt(NULL, 0, "%d", 5), 0);

	/* exactly fitting */
	ck_assert_uint_eq(pkr_fmt(buf, 4, "%s", "abc"), 3);
	ck_assert_str_eq(buf, "abc");
}
END_TEST

START_TEST(test_fmt_keeps_errno)
{
	char buf[32];

	errno = ENOSPC;
	pkr_fmt(buf, sizeof buf, "%d %s", 1, "x");
	ck_assert_int_eq(errno, ENOSPC);
	errno = 0;
	pkr_fmt(buf, 2, "%s", "long text");
	ck_assert_int_eq(errno, 0);
}
END_TEST

/* ==== pkr_log ========================================================== */

static int pipe_rd = -1;
static int saved_stderr = -1;

/* fd 2 becomes a pipe's write end, then the logger is initialised. */
static void log_setup_env(const char *level, int with_pid)
{
	int fds[2];

	ck_assert_int_eq(pipe2(fds, O_CLOEXEC), 0);
	saved_stderr = dup(2);
	ck_assert_int_ge(saved_stderr, 0);
	ck_assert_int_eq(dup2(fds[1], 2), 2);
	close(fds[1]);
	pipe_rd = fds[0];
	fcntl(pipe_rd, F_SETFL, O_NONBLOCK);
	if (level)
		setenv("PKREWIND_LOG", level, 1);
	else
		unsetenv("PKREWIND_LOG");
	pkr_log_init(with_pid);
	/* The logger now writes to its own copy; fd 2 goes back. */
	dup2(saved_stderr, 2);
	close(saved_stderr);
}

/* Everything written so far (the pipe is non-blocking). */
static const char *drain(void)
{
	static char buf[65536];
	size_t n = 0;
	ssize_t r;

	while (n < sizeof buf - 1 && (r = read(pipe_rd, buf + n, sizeof buf - 1 - n)) > 0)
		n += (size_t)r;
	buf[n] = '\0';
	return buf;
}

static void log_teardown(void)
{
	if (pipe_rd >= 0)
		close(pipe_rd);
	pipe_rd = -1;
}

START_TEST(test_log_prefix_command)
{
	log_setup_env(NULL, 0);
	pkr_log(PKR_LOG_ERROR, "bad %s", "thing");
	pkr_log(PKR_LOG_WARN, "careful %d", 3);
	ck_assert_str_eq(drain(), "pkrewind: error: bad thing\npkrewind: warning: careful 3\n");
}
END_TEST

START_TEST(test_log_prefix_shim)
{
	char want[128];

	log_setup_env("info", 1);
	pkr_log(PKR_LOG_INFO, "loaded %u domains", 2u);
	snprintf(want, sizeof want, "pkrewind[%d]: loaded 2 domains\n", (int)getpid());
	ck_assert_str_eq(drain(), want);
}
END_TEST

START_TEST(test_log_levels)
{
	static const struct {
		const char *env;
		int enabled;    /* levels 0..enabled are printed */
	} cases[] = {
		{ NULL, PKR_LOG_WARN },
		{ "", PKR_LOG_WARN },
		{ "error", PKR_LOG_ERROR },
		{ "warn", PKR_LOG_WARN },
		{ "info", PKR_LOG_INFO },
		{ "debug", PKR_LOG_DEBUG },
	};

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char want[256] = "";

		log_setup_env(cases[i].env, 0);
		pkr_log(PKR_LOG_ERROR, "e");
		pkr_log(PKR_LOG_WARN, "w");
		pkr_log(PKR_LOG_INFO, "i");
		pkr_log(PKR_LOG_DEBUG, "d");
		if (cases[i].enabled >= PKR_LOG_ERROR)
			strcat(want, "pkrewind: error: e\n");
		if (cases[i].enabled >= PKR_LOG_WARN)
			strcat(want, "pkrewind: warning: w\n");
		if (cases[i].enabled >= PKR_LOG_INFO)
			strcat(want, "pkrewind: i\n");
		if (cases[i].enabled >= PKR_LOG_DEBUG)
			strcat(want, "pkrewind: d\n");
		ck_assert_msg(strcmp(drain(), want) == 0, "PKREWIND_LOG=%s",
			      cases[i].env ? cases[i].env : "(unset)");
		for (int l = PKR_LOG_ERROR; l <= PKR_LOG_DEBUG; l++)
			ck_assert_int_eq(pkr_log_enabled(l) != 0, l <= cases[i].enabled);
		log_teardown();
	}
}
END_TEST

START_TEST(test_log_unknown_level)
{
	log_setup_env("verbose", 0);
	ck_assert_str_eq(drain(), "pkrewind: warning: unknown PKREWIND_LOG value 'verbose' "
			 "(expected error, warn, info or debug); using warn\n");
	ck_assert(pkr_log_enabled(PKR_LOG_WARN));
	ck_assert(!pkr_log_enabled(PKR_LOG_INFO));
}
END_TEST

START_TEST(test_log_set_level)
{
	log_setup_env("error", 0);
	pkr_log(PKR_LOG_INFO, "hidden");
	pkr_log_set_level(PKR_LOG_DEBUG);
	pkr_log(PKR_LOG_DEBUG, "shown");
	ck_assert_str_eq(drain(), "pkrewind: shown\n");
}
END_TEST

START_TEST(test_log_fd)
{
	int fd, flags;

	log_setup_env(NULL, 0);
	fd = pkr_log_fd();
	/* a high descriptor, closed on exec, and not fd 2 */
	ck_assert_int_ge(fd, 3);
	flags = fcntl(fd, F_GETFD);
	ck_assert_int_ge(flags, 0);
	ck_assert(flags & FD_CLOEXEC);
	/* it keeps working when fd 2 is closed */
	saved_stderr = dup(2);
	close(2);
	pkr_log(PKR_LOG_ERROR, "after close");
	dup2(saved_stderr, 2);
	close(saved_stderr);
	ck_assert_str_eq(drain(), "pkrewind: error: after close\n");
	/* a second init does not leak the first copy */
	log_teardown();
	log_setup_env(NULL, 0);
	ck_assert_int_ne(pkr_log_fd(), fd);
	ck_assert_int_eq(fcntl(fd, F_GETFD), -1);
	ck_assert_int_eq(errno, EBADF);
}
END_TEST

START_TEST(test_log_keeps_errno)
{
	log_setup_env(NULL, 0);
	errno = EPIPE;
	pkr_log(PKR_LOG_ERROR, "x %d", 1);
	ck_assert_int_eq(errno, EPIPE);
	errno = EINTR;
	pkr_log(PKR_LOG_DEBUG, "filtered");
	ck_assert_int_eq(errno, EINTR);
	ck_assert_str_eq(drain(), "pkrewind: error: x 1\n");
}
END_TEST

/* A line that fits goes out in one write(2): a reader of a pipe sees it
 * whole; a longer line is written in pieces but never cut. */
START_TEST(test_log_long_lines)
{
	static char msg[5000];
	const char *got;
	size_t prefix = strlen("pkrewind: error: ");

	log_setup_env(NULL, 0);
	/* exactly PKR_LOG_LINE_MAX bytes with the prefix and newline */
	memset(msg, 'm', PKR_LOG_LINE_MAX - prefix - 1);
	msg[PKR_LOG_LINE_MAX - prefix - 1] = '\0';
	pkr_log(PKR_LOG_ERROR, "%s", msg);
	{
		char buf[PKR_LOG_LINE_MAX * 2];
		ssize_t n = read(pipe_rd, buf, sizeof buf);

		ck_assert_int_eq(n, PKR_LOG_LINE_MAX);
		ck_assert_int_eq(buf[n - 1], '\n');
		ck_assert_int_eq(memcmp(buf, "pkrewind: error: mmm", 20), 0);
	}
	/* one byte more: the newline needs a second write, nothing is lost */
	memset(msg, 'n', PKR_LOG_LINE_MAX - prefix);
	msg[PKR_LOG_LINE_MAX - prefix] = '\0';
	pkr_log(PKR_LOG_ERROR, "%s", msg);
	got = drain();
	ck_assert_uint_eq(strlen(got), PKR_LOG_LINE_MAX + 1);
	ck_assert_int_eq(got[PKR_LOG_LINE_MAX - 1], 'n');
	ck_assert_int_eq(got[PKR_LOG_LINE_MAX], '\n');
	/* a 4000-byte message comes out complete */
	memset(msg, 'z', 4000);
	msg[4000] = '\0';
	pkr_log(PKR_LOG_ERROR, "<%s>", msg);
	got = drain();
	ck_assert_uint_eq(strlen(got), prefix + 4002 + 1);
	ck_assert_int_eq(got[prefix], '<');
	ck_assert_int_eq(got[prefix + 4001], '>');
	ck_assert_int_eq(got[prefix + 4002], '\n');
}
END_TEST

START_TEST(test_write_all)
{
	int fds[2];
	char buf[64];

	ck_assert_int_eq(pipe(fds), 0);
	errno = E2BIG;
	pkr_write_all(fds[1], "hello, world", 12);
	ck_assert_int_eq(errno, E2BIG);
	/* a write error is swallowed and errno kept */
	pkr_write_all(-1, "x", 1);
	ck_assert_int_eq(errno, E2BIG);
	close(fds[1]);
	ck_assert_int_eq(read(fds[0], buf, sizeof buf), 12);
	ck_assert_int_eq(memcmp(buf, "hello, world", 12), 0);
	close(fds[0]);
}
END_TEST

static Suite *log_suite(void)
{
	Suite *s = suite_create("log");
	TCase *tc;

	tc = tcase_create("fmt");
	tcase_add_test(tc, test_fmt_integers);
	tcase_add_test(tc, test_fmt_widths);
	tcase_add_test(tc, test_fmt_strings_pointers);
	tcase_add_test(tc, test_fmt_truncation);
	tcase_add_test(tc, test_fmt_keeps_errno);
	suite_add_tcase(s, tc);

	tc = tcase_create("log");
	tcase_add_checked_fixture(tc, NULL, log_teardown);
	tcase_add_test(tc, test_log_prefix_command);
	tcase_add_test(tc, test_log_prefix_shim);
	tcase_add_test(tc, test_log_levels);
	tcase_add_test(tc, test_log_unknown_level);
	tcase_add_test(tc, test_log_set_level);
	tcase_add_test(tc, test_log_fd);
	tcase_add_test(tc, test_log_keeps_errno);
	tcase_add_test(tc, test_log_long_lines);
	tcase_add_test(tc, test_write_all);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(log_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed != 0;
}
