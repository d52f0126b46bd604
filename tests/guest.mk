## tests/guest.mk: the tests that need protection keys, natively or in a
## QEMU guest on one of Debian's kernels (scripts/guest; HACKING, "Tests in
## a guest").
##
##   make check-guest [KERNEL=6.1|6.12]   KEY_TESTS in a guest
##   make check-kernels                   KEY_TESTS natively (with keys),
##                                        then in 6.1 and 6.12 guests
##
## A guest run builds, on this machine (the guest emulates the CPU and is
## 10-50 times slower), a copy of the distributed sources in
## guest-src-KERNEL/ as a VPATH build in guest-KERNEL/, and runs
## `make check TESTS='$(KEY_TESTS)'` there in the guest: its .log and .trs
## files are ordinary automake test logs in guest-KERNEL/, apart from those
## of the native run.  A copy, not this source tree, because automake
## refuses a VPATH build from a source tree that is configured in place.

# Every test that needs protection keys (need_pku).  A new one goes into
# ISO_TESTS, FAULT_TESTS, BOUNDARY_TESTS, LIBC_TESTS or CORPUS_TESTS (or a new
# list added here).
KEY_TESTS = $(ISO_TESTS) $(FAULT_TESTS) $(BOUNDARY_TESTS) $(LIBC_TESTS) $(CORPUS_TESTS) $(ARGS_TESTS)

# With keys, `make check` runs them natively; without (configure found
# none, or PKREWIND_FORCE_GUEST=1), check-local runs them in a guest on
# the kernel GUEST_CHECK names.  `make check GUEST_CHECK=skip` leaves them
# out, saying so (scripts/check does that for distcheck, which would only
# repeat the guest run).
if HAVE_PKEYS
TESTS += $(KEY_TESTS)
PKR_HAVE_PKEYS = yes
GUEST_CHECK = no
else
PKR_HAVE_PKEYS = no
GUEST_CHECK = 6.1
endif

KERNEL = 6.1
# make -j in the guest (it has 2 CPUs), and the limit for one program run
# in the tests (PKREWIND_TEST_TIMEOUT, 120 s natively): TCG is slow.
GUEST_JOBS = 2
GUEST_TEST_TIMEOUT = 1500
# tests/fault/leak.sh: 10,000 rounds (110,000 faults) of each kind instead
# of 100,000.  TCG rewinds about 1,300 faults a second (natively about
# 140,000), and the 2 MiB growth bound still catches a leak of one
# 32-byte heap chunk per fault.
GUEST_LEAK_ROUNDS = 10000
# Options for scripts/guest, e.g. --timeout 3600.
GUEST_FLAGS =

pkr_guest_src = $(abs_top_builddir)/guest-src-$(KERNEL)
pkr_guest_dir = $(abs_top_builddir)/guest-$(KERNEL)

check-local:
	@case '$(GUEST_CHECK)' in \
	no) ;; \
	skip) echo "pkrewind: no protection keys here, and GUEST_CHECK=skip: the $(words $(KEY_TESTS)) tests that need them did not run" ;; \
	*) if test -n "$$PKREWIND_IN_GUEST"; then \
	     echo "pkrewind: no protection keys in this guest (Linux $$PKREWIND_IN_GUEST)" >&2; exit 1; fi; \
	   echo "pkrewind: no protection keys here: running the $(words $(KEY_TESTS)) tests that need them in a Linux $(GUEST_CHECK) guest"; \
	   $(MAKE) $(AM_MAKEFLAGS) check-guest KERNEL='$(GUEST_CHECK)' ;; \
	esac

# The copy of the sources (only the distributed files: a test missing
# from EXTRA_DIST fails here as in distcheck; timestamps are kept, so the
# guest build is incremental), the build on this machine, then the tests
# in the guest.  The build directory is configured like this one, minus
# its source directory, and with keys assumed (the guest has them): as an
# argument too, so that a re-run of configure on this machine (automake's
# rebuild rules, after Makefile.am or configure.ac changed) keeps it.
check-guest:
	@set -e; \
	rm -rf '$(pkr_guest_src).new'; \
	$(MAKE) $(AM_MAKEFLAGS) distdir distdir='$(pkr_guest_src).new' >/dev/null; \
	if test -d '$(pkr_guest_src)'; then chmod -R u+w '$(pkr_guest_src)'; rm -rf '$(pkr_guest_src)'; fi; \
	mv '$(pkr_guest_src).new' '$(pkr_guest_src)'; \
	eval "set -- $$(cd '$(abs_top_builddir)' && ./config.status --config)"; \
	for a do shift; case $$a in --srcdir=*|--cache-file=*|-C|--config-cache) ;; *) set -- "$$@" "$$a" ;; esac; done; \
	conf="$$*"; \
	if test ! -f '$(pkr_guest_dir)/config.status' || \
	   test "x$$conf" != "x$$(cat '$(pkr_guest_dir)/.pkr-configure' 2>/dev/null)"; then \
	  rm -rf '$(pkr_guest_dir)'; mkdir -p '$(pkr_guest_dir)'; \
	  echo "pkrewind: configuring $(pkr_guest_dir) for the Linux $(KERNEL) guest"; \
	  (cd '$(pkr_guest_dir)' && pkr_cv_have_pkeys=yes PKREWIND_FORCE_GUEST= \
	    '$(pkr_guest_src)/configure' "$$@" pkr_cv_have_pkeys=yes >configure.out 2>&1) || \
	    { tail -n 30 '$(pkr_guest_dir)/configure.out'; exit 1; }; \
	  printf '%s\n' "$$conf" >'$(pkr_guest_dir)/.pkr-configure'; \
	fi; \
	$(MAKE) -C '$(pkr_guest_dir)' all >/dev/null; \
	$(MAKE) -C '$(pkr_guest_dir)' $(check_LTLIBRARIES) $(check_PROGRAMS) >/dev/null; \
	find '$(pkr_guest_dir)' \( -name '*.log' -o -name '*.trs' \) ! -name config.log -exec rm -f {} +; \
	$(SHELL) '$(abs_top_srcdir)/scripts/guest' --kernel '$(KERNEL)' $(GUEST_FLAGS) -- \
	  env PKREWIND_TEST_TIMEOUT='$(GUEST_TEST_TIMEOUT)' \
	  PKREWIND_LEAK_ROUNDS='$(GUEST_LEAK_ROUNDS)' PKREWIND_LEAK_RESET_ROUNDS='$(GUEST_LEAK_ROUNDS)' \
	  $(MAKE) -C '$(pkr_guest_dir)' -j$(GUEST_JOBS) check TESTS='$(KEY_TESTS)'

# Both sides of Linux 6.12 (the kernel writes signal frames with the
# interrupted PKRU before 6.12), and natively first when there are keys.
# Every run happens; the status says whether all passed.
check-kernels:
	@st=0; \
	if test '$(PKR_HAVE_PKEYS)' = yes; then \
	  $(MAKE) $(AM_MAKEFLAGS) check TESTS='$(KEY_TESTS)' || st=1; \
	else \
	  echo "pkrewind: no protection keys here: the key tests run in guests only"; \
	fi; \
	$(MAKE) $(AM_MAKEFLAGS) check-guest KERNEL=6.1 || st=1; \
	$(MAKE) $(AM_MAKEFLAGS) check-guest KERNEL=6.12 || st=1; \
	exit $$st

# The guest trees (their test logs go with them).
clean-local: clean-guest
clean-guest:
	-for d in '$(abs_top_builddir)'/guest-src-* '$(abs_top_builddir)'/guest-*; do \
	  test -d "$$d" || continue; chmod -R u+w "$$d"; rm -rf "$$d"; done

.PHONY: check-guest check-kernels clean-guest
