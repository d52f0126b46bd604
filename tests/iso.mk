## tests/iso.mk: isolation tests on real, unmodified binaries.
##
## A fixture library (tests/fixtures/libpkrsig.so), programs that use it
## the ordinary way (linked, or dlopen()ed), a data generator, and shell
## tests that run those programs and the Debian xz, bzip2 and brotli
## under the freshly built shim.  `make check-iso` runs only these.

# The signature fixture: a real shared object (not a libtool convenience
# library), soname libpkrsig.so.  -rpath makes libtool build the .so.
check_LTLIBRARIES += tests/fixtures/libpkrsig.la
tests_fixtures_libpkrsig_la_SOURCES = tests/fixtures/libpkrsig.c tests/fixtures/pkrsig.h
tests_fixtures_libpkrsig_la_LDFLAGS = -avoid-version -shared \
	-rpath $(abs_builddir)/tests

# The programs are plain executables (-no-install: no libtool wrapper
# script), so the binary that runs under the shim is the one that was built.
check_PROGRAMS += tests/progs/sigprog tests/progs/dlprog tests/progs/mkdata \
	tests/progs/brotlipipe
tests_progs_sigprog_SOURCES = tests/progs/sigprog.c tests/fixtures/pkrsig.h
tests_progs_sigprog_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/tests/fixtures
tests_progs_sigprog_LDADD = tests/fixtures/libpkrsig.la
tests_progs_sigprog_LDFLAGS = -no-install
tests_progs_dlprog_SOURCES = tests/progs/dlprog.c tests/fixtures/pkrsig.h
tests_progs_dlprog_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/tests/fixtures
tests_progs_dlprog_LDFLAGS = -no-install
tests_progs_mkdata_SOURCES = tests/progs/mkdata.c
tests_progs_mkdata_LDFLAGS = -no-install
tests_progs_brotlipipe_SOURCES = tests/progs/brotlipipe.c
tests_progs_brotlipipe_LDADD = -lbrotlienc -lbrotlidec
tests_progs_brotlipipe_LDFLAGS = -no-install

ISO_TESTS = \
	tests/iso/sig-write.sh \
	tests/iso/sig-read.sh \
	tests/iso/sig-none.sh \
	tests/iso/smaps.sh \
	tests/iso/poke.sh \
	tests/iso/loop.sh \
	tests/iso/dlopen.sh \
	tests/iso/xz.sh \
	tests/iso/bzip2.sh \
	tests/iso/brotli.sh \
	tests/iso/xz-read.sh \
	tests/iso/bzip2-read.sh
TESTS += $(ISO_TESTS)

EXTRA_DIST += $(ISO_TESTS) \
	tests/iso/common.sh \
	tests/data/iso/sig-write.policy \
	tests/data/iso/sig-read.policy \
	tests/data/iso/sig-none.policy \
	tests/data/iso/liblzma.policy \
	tests/data/iso/libbz2.policy \
	tests/data/iso/brotli.policy \
	tests/data/iso/liblzma-read.policy \
	tests/data/iso/libbz2-read.policy

# Only the isolation tests: `make check-iso`.
check-iso:
	$(MAKE) $(AM_MAKEFLAGS) check TESTS='$(ISO_TESTS)'
.PHONY: check-iso
