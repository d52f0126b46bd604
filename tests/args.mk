## tests/args.mk: argument annotations (issue 11): a fixture library
## whose functions write into memory their caller owns, one per
## annotation kind (tests/fixtures/libpkrann.so), the program that calls
## it (tests/progs/annprog), and real programs under the shipped
## read-mode policies.  They need keys (KEY_TESTS, tests/guest.mk).
## `make check-args` runs only these.

check_LTLIBRARIES += tests/fixtures/libpkrann.la
tests_fixtures_libpkrann_la_SOURCES = tests/fixtures/libpkrann.c tests/fixtures/pkrann.h
# DWARF whatever CFLAGS say: tests/args/dwarf.sh reads it.
tests_fixtures_libpkrann_la_CFLAGS = $(AM_CFLAGS) -g
tests_fixtures_libpkrann_la_LDFLAGS = -avoid-version -shared \
	-rpath $(abs_builddir)/tests

check_PROGRAMS += tests/progs/annprog
tests_progs_annprog_SOURCES = tests/progs/annprog.c tests/fixtures/pkrann.h
tests_progs_annprog_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/tests/fixtures
tests_progs_annprog_LDADD = tests/fixtures/libpkrann.la
tests_progs_annprog_LDFLAGS = -no-install

ARGS_TESTS = \
	tests/args/annotate.sh \
	tests/args/shipped.sh \
	tests/args/learn.sh \
	tests/args/lend.sh \
	tests/args/sodium.sh \
	tests/args/bare.sh

# Needs no keys: in TESTS directly.
TESTS += tests/args/dwarf.sh

EXTRA_DIST += $(ARGS_TESTS) tests/args/dwarf.sh tests/args/gitwork \
	tests/data/args/ann-read.policy \
	tests/data/args/ann-none.policy \
	tests/data/args/ann-write.policy \
	tests/data/args/ann-bare.policy \
	tests/data/args/ann-nokeys.policy \
	tests/data/args/learn-base.policy \
	tests/data/args/learn-bz2.policy \
	tests/data/args/learn-lzma.policy \
	tests/data/args/learn-z.policy \
	tests/data/args/naclcalls.py

check-args:
	$(MAKE) $(AM_MAKEFLAGS) check TESTS='$(ARGS_TESTS) tests/args/dwarf.sh'
.PHONY: check-args
