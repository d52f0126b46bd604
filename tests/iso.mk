## tests/iso.mk: isolation tests on real, unmodified binaries.
##
## Fixture libraries (tests/fixtures/libpkrsig.so, and the smaller
## libpkrver.so with a versioned function and libpkrdata.so with an
## exported data object), programs that use them the ordinary way (linked,
## or dlopen()ed), a data generator, and shell tests that run those
## programs and the Debian xz, bzip2 and brotli under the freshly built
## shim.  `make check-iso` runs only these.

# The signature fixture: a real shared object (not a libtool convenience
# library), soname libpkrsig.so.  -rpath makes libtool build the .so.
check_LTLIBRARIES += tests/fixtures/libpkrsig.la
tests_fixtures_libpkrsig_la_SOURCES = tests/fixtures/libpkrsig.c tests/fixtures/pkrsig.h
tests_fixtures_libpkrsig_la_LDFLAGS = -avoid-version -shared \
	-rpath $(abs_builddir)/tests

# The versioned fixture: pkrver_vfn@PKRVER_1 and pkrver_vfn@@PKRVER_2
# (tests/fixtures/pkrver.map).
check_LTLIBRARIES += tests/fixtures/libpkrver.la
tests_fixtures_libpkrver_la_SOURCES = tests/fixtures/libpkrver.c tests/fixtures/pkrver.h \
	tests/fixtures/pkrsig.h
tests_fixtures_libpkrver_la_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/tests/fixtures
tests_fixtures_libpkrver_la_LDFLAGS = -avoid-version -shared \
	-rpath $(abs_builddir)/tests \
	-Wl,--version-script=$(top_srcdir)/tests/fixtures/pkrver.map
EXTRA_tests_fixtures_libpkrver_la_DEPENDENCIES = tests/fixtures/pkrver.map

# The data fixture: exports `int pkrdata_counter`.
check_LTLIBRARIES += tests/fixtures/libpkrdata.la
tests_fixtures_libpkrdata_la_SOURCES = tests/fixtures/libpkrdata.c tests/fixtures/pkrdata.h \
	tests/fixtures/pkrsig.h
tests_fixtures_libpkrdata_la_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/tests/fixtures
tests_fixtures_libpkrdata_la_LDFLAGS = -avoid-version -shared \
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

# sigprog again, with full RELRO (every GOT slot read-only once ld.so is
# done) and explicitly lazy.
check_PROGRAMS += tests/progs/sigprog-now tests/progs/sigprog-lazy
tests_progs_sigprog_now_SOURCES = $(tests_progs_sigprog_SOURCES)
tests_progs_sigprog_now_CPPFLAGS = $(tests_progs_sigprog_CPPFLAGS)
tests_progs_sigprog_now_LDADD = $(tests_progs_sigprog_LDADD)
tests_progs_sigprog_now_LDFLAGS = -no-install -Wl,-z,now -Wl,-z,relro
tests_progs_sigprog_lazy_SOURCES = $(tests_progs_sigprog_SOURCES)
tests_progs_sigprog_lazy_CPPFLAGS = $(tests_progs_sigprog_CPPFLAGS)
tests_progs_sigprog_lazy_LDADD = $(tests_progs_sigprog_LDADD)
tests_progs_sigprog_lazy_LDFLAGS = -no-install -Wl,-z,lazy
# and as a position-dependent executable: other objects then bind to the
# executable's own PLT entries (canonical function addresses).
check_PROGRAMS += tests/progs/sigprog-nopie
tests_progs_sigprog_nopie_SOURCES = $(tests_progs_sigprog_SOURCES)
tests_progs_sigprog_nopie_CPPFLAGS = $(tests_progs_sigprog_CPPFLAGS)
tests_progs_sigprog_nopie_CFLAGS = $(AM_CFLAGS) -fno-pie
tests_progs_sigprog_nopie_LDADD = $(tests_progs_sigprog_LDADD)
tests_progs_sigprog_nopie_LDFLAGS = -no-install -XCClinker -no-pie

check_PROGRAMS += tests/progs/threadprog
tests_progs_threadprog_SOURCES = tests/progs/threadprog.c tests/fixtures/pkrsig.h
tests_progs_threadprog_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/tests/fixtures
tests_progs_threadprog_CFLAGS = $(AM_CFLAGS) -pthread
tests_progs_threadprog_LDADD = tests/fixtures/libpkrsig.la
tests_progs_threadprog_LDFLAGS = -no-install -pthread

# verfault: each symbol version of a faulting function gets its own
# fault return (tests/iso/verfault.sh).
check_PROGRAMS += tests/progs/verfault
tests_progs_verfault_SOURCES = tests/progs/verfault.c tests/fixtures/pkrver.h
tests_progs_verfault_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/tests/fixtures
tests_progs_verfault_LDADD = tests/fixtures/libpkrver.la
tests_progs_verfault_LDFLAGS = -no-install

# dlsymprog links both fixtures; dlrunprog links neither and finds
# libpkrsig.so by its DT_RUNPATH alone.
check_PROGRAMS += tests/progs/dlsymprog tests/progs/dlrunprog
tests_progs_dlsymprog_SOURCES = tests/progs/dlsymprog.c tests/fixtures/pkrsig.h \
	tests/fixtures/pkrver.h
tests_progs_dlsymprog_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/tests/fixtures
tests_progs_dlsymprog_LDADD = tests/fixtures/libpkrsig.la tests/fixtures/libpkrver.la
tests_progs_dlsymprog_LDFLAGS = -no-install
tests_progs_dlrunprog_SOURCES = $(tests_progs_dlsymprog_SOURCES)
tests_progs_dlrunprog_CPPFLAGS = $(tests_progs_dlsymprog_CPPFLAGS) -DDLSYMPROG_RUNPATH
tests_progs_dlrunprog_LDFLAGS = -no-install \
	-Wl,-rpath,$(abs_builddir)/tests/fixtures/.libs -Wl,--enable-new-dtags

# dataprog reads pkrdata_counter through a copy relocation, dataprog-got
# (-fPIC) through a GOT slot.
check_PROGRAMS += tests/progs/dataprog tests/progs/dataprog-got
tests_progs_dataprog_SOURCES = tests/progs/dataprog.c tests/fixtures/pkrdata.h \
	tests/fixtures/pkrsig.h
tests_progs_dataprog_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/tests/fixtures
tests_progs_dataprog_LDADD = tests/fixtures/libpkrdata.la
tests_progs_dataprog_LDFLAGS = -no-install
tests_progs_dataprog_got_SOURCES = $(tests_progs_dataprog_SOURCES)
tests_progs_dataprog_got_CPPFLAGS = $(tests_progs_dataprog_CPPFLAGS)
tests_progs_dataprog_got_CFLAGS = $(AM_CFLAGS) -fPIC
tests_progs_dataprog_got_LDADD = $(tests_progs_dataprog_LDADD)
tests_progs_dataprog_got_LDFLAGS = -no-install

check_PROGRAMS += tests/progs/nestprog
tests_progs_nestprog_SOURCES = tests/progs/nestprog.c tests/fixtures/pkrsig.h \
	tests/fixtures/pkrver.h
tests_progs_nestprog_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/tests/fixtures
tests_progs_nestprog_LDADD = tests/fixtures/libpkrsig.la tests/fixtures/libpkrver.la
tests_progs_nestprog_LDFLAGS = -no-install

ISO_TESTS = \
	tests/iso/sig-write.sh \
	tests/iso/sig-read.sh \
	tests/iso/sig-none.sh \
	tests/iso/nofsgsbase.sh \
	tests/iso/stdio.sh \
	tests/iso/verfault.sh \
	tests/iso/untouched.sh \
	tests/iso/smaps.sh \
	tests/iso/poke.sh \
	tests/iso/loop.sh \
	tests/iso/dlopen.sh \
	tests/iso/xz.sh \
	tests/iso/bzip2.sh \
	tests/iso/brotli.sh \
	tests/iso/xz-read.sh \
	tests/iso/bzip2-read.sh \
	tests/iso/bindnow.sh \
	tests/iso/threads.sh \
	tests/iso/xz-threads.sh \
	tests/iso/dlsym.sh \
	tests/iso/nested.sh
# Not added to TESTS here: they need protection keys, so tests/guest.mk adds
# them (KEY_TESTS) to TESTS, or runs them in a QEMU guest on a machine
# without keys.

EXTRA_DIST += $(ISO_TESTS) \
	tests/iso/common.sh \
	tests/data/iso/sig-write.policy \
	tests/data/iso/sig-read.policy \
	tests/data/iso/sig-none.policy \
	tests/data/iso/liblzma.policy \
	tests/data/iso/libbz2.policy \
	tests/data/iso/brotli.policy \
	tests/data/iso/liblzma-read.policy \
	tests/data/iso/libbz2-read.policy \
	tests/data/iso/dlsym.policy \
	tests/data/iso/verfault.policy \
	tests/data/iso/sig-read-extra.policy \
	tests/data/iso/zlib.policy \
	tests/data/iso/nested.policy \
	tests/fixtures/pkrver.map

# Only the isolation tests: `make check-iso`.
check-iso:
	$(MAKE) $(AM_MAKEFLAGS) check TESTS='$(ISO_TESTS)'
.PHONY: check-iso
