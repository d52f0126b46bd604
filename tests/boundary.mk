## tests/boundary.mk: the boundary tests (issue 9): what buggy libraries
## actually do besides the clean bug classes of tests/fault.
##
## A fixture library with one function per misbehaviour
## (tests/fixtures/libpkrmis.so), a driver that calls them and checks its
## own memory, registers and rights afterwards (tests/progs/misprog), and
## one shell test per behaviour.  `make check-boundary` runs only these.
##
## All of them pass: the shim handles each behaviour.  They need keys
## (KEY_TESTS, tests/guest.mk).

check_LTLIBRARIES += tests/fixtures/libpkrmis.la
tests_fixtures_libpkrmis_la_SOURCES = tests/fixtures/libpkrmis.c tests/fixtures/pkrmis.h
tests_fixtures_libpkrmis_la_LDFLAGS = -avoid-version -shared \
	-rpath $(abs_builddir)/tests

check_PROGRAMS += tests/progs/misprog
tests_progs_misprog_SOURCES = tests/progs/misprog.c tests/fixtures/pkrmis.h
tests_progs_misprog_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/tests/fixtures
tests_progs_misprog_LDADD = tests/fixtures/libpkrmis.la -lpthread
tests_progs_misprog_LDFLAGS = -no-install

BOUNDARY_TESTS = \
	tests/boundary/clobber.sh \
	tests/boundary/forge.sh \
	tests/boundary/tcb.sh \
	tests/boundary/nested.sh \
	tests/boundary/handlerfirst.sh \
	tests/boundary/free.sh \
	tests/boundary/heaplock.sh \
	tests/boundary/reset-mprotect.sh \
	tests/boundary/longjmp.sh \
	tests/boundary/fork.sh \
	tests/boundary/exit.sh \
	tests/boundary/ownsegv.sh \
	tests/boundary/sigdisp.sh \
	tests/boundary/sigbus.sh \
	tests/boundary/failclosed.sh \
	tests/boundary/stress.sh \
	tests/boundary/sigwindow.sh \
	tests/boundary/jump.sh \
	tests/boundary/heap.sh

EXTRA_DIST += $(BOUNDARY_TESTS) \
	tests/boundary/common.sh \
	tests/data/boundary/functions.inc \
	tests/data/boundary/mis-read.policy \
	tests/data/boundary/mis-write.policy \
	tests/data/boundary/mis-none.policy \
	tests/data/boundary/mis-reset.policy \
	tests/data/boundary/mis-smallheap.policy \
	tests/data/boundary/mis-defaultheap.policy \
	tests/data/boundary/mis-callback.policy

# Not added to TESTS here: they need protection keys, so tests/guest.mk
# adds them (KEY_TESTS) to TESTS, or runs them in a QEMU guest on a
# machine without keys.

# Only the boundary tests: `make check-boundary`.
check-boundary:
	$(MAKE) $(AM_MAKEFLAGS) check TESTS='$(BOUNDARY_TESTS)'
.PHONY: check-boundary
