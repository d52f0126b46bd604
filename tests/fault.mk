## tests/fault.mk: rewind and reset tests (issue 4).
##
## Fixture libraries with one function per class of bug
## (tests/fixtures/libpkrbug.so, and libpkrbug2.so for a second domain),
## programs that call them and check their own memory afterwards, and
## shell tests that run them, and the Debian xz and bzip2 on corrupted
## input, under the freshly built shim.  `make check-fault` runs only
## these.

# Real shared objects (not libtool convenience libraries): -rpath makes
# libtool build the .so.  Not -module: the programs link against them the
# ordinary way, which libtool warns about for modules.
check_LTLIBRARIES += tests/fixtures/libpkrbug.la tests/fixtures/libpkrbug2.la
tests_fixtures_libpkrbug_la_SOURCES = tests/fixtures/libpkrbug.c tests/fixtures/pkrbug.h
tests_fixtures_libpkrbug_la_LDFLAGS = -avoid-version -shared \
	-rpath $(abs_builddir)/tests
tests_fixtures_libpkrbug2_la_SOURCES = tests/fixtures/libpkrbug2.c tests/fixtures/pkrbug.h
tests_fixtures_libpkrbug2_la_LDFLAGS = -avoid-version -shared \
	-rpath $(abs_builddir)/tests

# Plain executables (-no-install: no libtool wrapper script).
check_PROGRAMS += tests/progs/bugprog tests/progs/sigterm tests/progs/ownsegv
tests_progs_bugprog_SOURCES = tests/progs/bugprog.c tests/fixtures/pkrbug.h
tests_progs_bugprog_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/tests/fixtures
tests_progs_bugprog_LDADD = tests/fixtures/libpkrbug.la tests/fixtures/libpkrbug2.la
tests_progs_bugprog_LDFLAGS = -no-install
tests_progs_sigterm_SOURCES = tests/progs/sigterm.c tests/fixtures/pkrbug.h
tests_progs_sigterm_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/tests/fixtures
tests_progs_sigterm_LDADD = tests/fixtures/libpkrbug.la
tests_progs_sigterm_LDFLAGS = -no-install
tests_progs_ownsegv_SOURCES = tests/progs/ownsegv.c tests/fixtures/pkrbug.h
tests_progs_ownsegv_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/tests/fixtures
tests_progs_ownsegv_LDADD = tests/fixtures/libpkrbug.la
tests_progs_ownsegv_LDFLAGS = -no-install

FAULT_TESTS = \
	tests/fault/classes-read.sh \
	tests/fault/classes-write.sh \
	tests/fault/classes-none.sh \
	tests/fault/reset.sh \
	tests/fault/abort.sh \
	tests/fault/leak.sh \
	tests/fault/sigterm.sh \
	tests/fault/sigmask.sh \
	tests/fault/ownsegv.sh \
	tests/fault/xz-corrupt.sh \
	tests/fault/bzip2-corrupt.sh
# Not added to TESTS here: they need protection keys, so tests/guest.mk adds
# them (KEY_TESTS) to TESTS, or runs them in a QEMU guest on a machine
# without keys.

# Fault tests that need no protection keys (they run natively on every
# machine; on one without keys they test the real keyless path).
NOKEY_FAULT_TESTS = tests/fault/nokeys.sh
TESTS += $(NOKEY_FAULT_TESTS)

EXTRA_DIST += $(FAULT_TESTS) $(NOKEY_FAULT_TESTS) \
	tests/fault/common.sh \
	tests/data/fault/rewind-nokeys.policy \
	tests/data/fault/functions.inc \
	tests/data/fault/bug2.inc \
	tests/data/fault/rewind-read.policy \
	tests/data/fault/rewind-write.policy \
	tests/data/fault/rewind-none.policy \
	tests/data/fault/reset-read.policy \
	tests/data/fault/abort.policy \
	tests/data/fault/maxfaults.policy

# Only the fault tests: `make check-fault`.
check-fault:
	$(MAKE) $(AM_MAKEFLAGS) check TESTS='$(FAULT_TESTS) $(NOKEY_FAULT_TESTS)'
.PHONY: check-fault
