## tests/libc.mk: C library objects that cross the boundary (issue 10):
## the program's FILE * streams used by an isolated library, and the
## library's standard streams, which stand for the program's; the
## library's thread-local storage; threads the library starts; data
## objects the library exports and the program uses (one copy); iconv
## and the user, group and host lookups, which glibc serves with modules
## it loads itself (fixture libpkrconv, program convprog).
##
## A fixture library (tests/fixtures/libpkrio.so), a program that hands
## it its streams and writes to them itself in between (tests/progs/ioprog),
## and one shell test per object, each in write, read and none mode.
## They need keys (KEY_TESTS, tests/guest.mk).  `make check-libc` runs
## only these.

check_LTLIBRARIES += tests/fixtures/libpkrio.la
tests_fixtures_libpkrio_la_SOURCES = tests/fixtures/libpkrio.c tests/fixtures/pkrio.h
tests_fixtures_libpkrio_la_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/tests/fixtures
tests_fixtures_libpkrio_la_LDFLAGS = -avoid-version -shared \
	-rpath $(abs_builddir)/tests

check_PROGRAMS += tests/progs/ioprog
tests_progs_ioprog_SOURCES = tests/progs/ioprog.c tests/fixtures/pkrio.h
tests_progs_ioprog_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/tests/fixtures
tests_progs_ioprog_LDADD = tests/fixtures/libpkrio.la
tests_progs_ioprog_LDFLAGS = -no-install

check_LTLIBRARIES += tests/fixtures/libpkrtls.la tests/fixtures/libpkrtlsie.la
tests_fixtures_libpkrtls_la_SOURCES = tests/fixtures/libpkrtls.c tests/fixtures/pkrtls.h
tests_fixtures_libpkrtls_la_LDFLAGS = -avoid-version -shared \
	-rpath $(abs_builddir)/tests
tests_fixtures_libpkrtlsie_la_SOURCES = tests/fixtures/libpkrtls.c tests/fixtures/pkrtls.h
tests_fixtures_libpkrtlsie_la_CPPFLAGS = $(AM_CPPFLAGS) -DPKRTLS_IE
tests_fixtures_libpkrtlsie_la_LDFLAGS = -avoid-version -shared \
	-rpath $(abs_builddir)/tests

check_LTLIBRARIES += tests/fixtures/libpkrtlsdesc.la
tests_fixtures_libpkrtlsdesc_la_SOURCES = tests/fixtures/libpkrtls.c tests/fixtures/pkrtls.h
tests_fixtures_libpkrtlsdesc_la_CPPFLAGS = $(AM_CPPFLAGS) -DPKRTLS_DESC
tests_fixtures_libpkrtlsdesc_la_CFLAGS = $(AM_CFLAGS) -mtls-dialect=gnu2
tests_fixtures_libpkrtlsdesc_la_LDFLAGS = -avoid-version -shared \
	-rpath $(abs_builddir)/tests

check_PROGRAMS += tests/progs/tlsprog
tests_progs_tlsprog_SOURCES = tests/progs/tlsprog.c tests/fixtures/pkrtls.h
tests_progs_tlsprog_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/tests/fixtures
tests_progs_tlsprog_LDADD = tests/fixtures/libpkrtls.la tests/fixtures/libpkrtlsie.la \
	tests/fixtures/libpkrtlsdesc.la -lpthread
tests_progs_tlsprog_LDFLAGS = -no-install

check_LTLIBRARIES += tests/fixtures/libpkrthr.la
tests_fixtures_libpkrthr_la_SOURCES = tests/fixtures/libpkrthr.c tests/fixtures/pkrthr.h
tests_fixtures_libpkrthr_la_LIBADD = -lpthread
tests_fixtures_libpkrthr_la_LDFLAGS = -avoid-version -shared \
	-rpath $(abs_builddir)/tests

check_PROGRAMS += tests/progs/thrprog
tests_progs_thrprog_SOURCES = tests/progs/thrprog.c tests/fixtures/pkrthr.h
tests_progs_thrprog_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/tests/fixtures
tests_progs_thrprog_LDADD = tests/fixtures/libpkrthr.la -lpthread
tests_progs_thrprog_LDFLAGS = -no-install

check_LTLIBRARIES += tests/fixtures/libpkrenv.la
tests_fixtures_libpkrenv_la_SOURCES = tests/fixtures/libpkrenv.c tests/fixtures/pkrenv.h
tests_fixtures_libpkrenv_la_LDFLAGS = -avoid-version -shared \
	-rpath $(abs_builddir)/tests

check_PROGRAMS += tests/progs/envprog
tests_progs_envprog_SOURCES = tests/progs/envprog.c tests/fixtures/pkrenv.h
tests_progs_envprog_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/tests/fixtures
tests_progs_envprog_LDADD = tests/fixtures/libpkrenv.la
tests_progs_envprog_LDFLAGS = -no-install

check_LTLIBRARIES += tests/fixtures/libpkrfini.la
tests_fixtures_libpkrfini_la_SOURCES = tests/fixtures/libpkrfini.c tests/fixtures/pkrfini.h
tests_fixtures_libpkrfini_la_LDFLAGS = -avoid-version -shared \
	-rpath $(abs_builddir)/tests

check_PROGRAMS += tests/progs/finiprog
tests_progs_finiprog_SOURCES = tests/progs/finiprog.c tests/fixtures/pkrfini.h
tests_progs_finiprog_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/tests/fixtures
tests_progs_finiprog_LDADD = tests/fixtures/libpkrfini.la
tests_progs_finiprog_LDFLAGS = -no-install

check_LTLIBRARIES += tests/fixtures/libpkrplug.la tests/fixtures/libpkrplugin.la
tests_fixtures_libpkrplug_la_SOURCES = tests/fixtures/libpkrplug.c tests/fixtures/pkrplug.h
tests_fixtures_libpkrplug_la_LIBADD = -ldl
tests_fixtures_libpkrplug_la_LDFLAGS = -avoid-version -shared \
	-rpath $(abs_builddir)/tests
tests_fixtures_libpkrplugin_la_SOURCES = tests/fixtures/libpkrplugin.c
tests_fixtures_libpkrplugin_la_LDFLAGS = -module -avoid-version -shared \
	-rpath $(abs_builddir)/tests

check_PROGRAMS += tests/progs/plugprog
tests_progs_plugprog_SOURCES = tests/progs/plugprog.c tests/fixtures/pkrplug.h
tests_progs_plugprog_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/tests/fixtures
tests_progs_plugprog_LDADD = tests/fixtures/libpkrplug.la
tests_progs_plugprog_LDFLAGS = -no-install

check_LTLIBRARIES += tests/fixtures/libpkrcxx.la
tests_fixtures_libpkrcxx_la_SOURCES = tests/fixtures/libpkrcxx.cc tests/fixtures/pkrcxx.h \
	tests/fixtures/pkrutest.h
tests_fixtures_libpkrcxx_la_LDFLAGS = -avoid-version -shared \
	-rpath $(abs_builddir)/tests

check_PROGRAMS += tests/progs/cxxprog
tests_progs_cxxprog_SOURCES = tests/progs/cxxprog.cc tests/fixtures/pkrcxx.h \
	tests/fixtures/pkrutest.h
tests_progs_cxxprog_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/tests/fixtures
tests_progs_cxxprog_LDADD = tests/fixtures/libpkrcxx.la
tests_progs_cxxprog_LDFLAGS = -no-install

check_LTLIBRARIES += tests/fixtures/libpkrdir.la
tests_fixtures_libpkrdir_la_SOURCES = tests/fixtures/libpkrdir.c tests/fixtures/pkrdir.h
tests_fixtures_libpkrdir_la_LDFLAGS = -avoid-version -shared \
	-rpath $(abs_builddir)/tests

check_PROGRAMS += tests/progs/dirprog
tests_progs_dirprog_SOURCES = tests/progs/dirprog.c tests/fixtures/pkrdir.h
tests_progs_dirprog_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/tests/fixtures
tests_progs_dirprog_LDADD = tests/fixtures/libpkrdir.la
tests_progs_dirprog_LDFLAGS = -no-install

check_LTLIBRARIES += tests/fixtures/libpkrconv.la
tests_fixtures_libpkrconv_la_SOURCES = tests/fixtures/libpkrconv.c tests/fixtures/pkrconv.h
tests_fixtures_libpkrconv_la_LDFLAGS = -avoid-version -shared \
	-rpath $(abs_builddir)/tests

check_PROGRAMS += tests/progs/convprog
tests_progs_convprog_SOURCES = tests/progs/convprog.c tests/fixtures/pkrconv.h
tests_progs_convprog_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/tests/fixtures
tests_progs_convprog_LDADD = tests/fixtures/libpkrconv.la
tests_progs_convprog_LDFLAGS = -no-install

LIBC_TESTS = \
	tests/libc/stream.sh \
	tests/libc/tls.sh \
	tests/libc/threads.sh \
	tests/libc/data.sh \
	tests/libc/env.sh \
	tests/libc/fini.sh \
	tests/libc/plugin.sh \
	tests/libc/cxx.sh \
	tests/libc/dirlocale.sh \
	tests/libc/iconv.sh \
	tests/libc/nss.sh

EXTRA_DIST += $(LIBC_TESTS) \
	tests/data/libc/io-write.policy \
	tests/data/libc/io-read.policy \
	tests/data/libc/io-none.policy \
	tests/data/libc/tls-write.policy \
	tests/data/libc/tls-read.policy \
	tests/data/libc/tls-none.policy \
	tests/data/libc/tls-reset.policy \
	tests/data/libc/thr-write.policy \
	tests/data/libc/thr-read.policy \
	tests/data/libc/thr-none.policy \
	tests/data/libc/data-write.policy \
	tests/data/libc/data-read.policy \
	tests/data/libc/data-none.policy \
	tests/data/libc/env-write.policy \
	tests/data/libc/env-read.policy \
	tests/data/libc/env-none.policy \
	tests/data/libc/fini-write.policy \
	tests/data/libc/fini-read.policy \
	tests/data/libc/plug-write.policy \
	tests/data/libc/plug-read.policy \
	tests/data/libc/plug-none.policy \
	tests/data/libc/cxx-write.policy \
	tests/data/libc/cxx-read.policy \
	tests/data/libc/cxx-fault.policy \
	tests/data/libc/dir-write.policy \
	tests/data/libc/dir-read.policy \
	tests/data/libc/dir-none.policy \
	tests/data/libc/conv-write.policy \
	tests/data/libc/conv-read.policy \
	tests/data/libc/conv-none.policy

check-libc:
	$(MAKE) $(AM_MAKEFLAGS) check TESTS='$(LIBC_TESTS)'
.PHONY: check-libc
