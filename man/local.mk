## man/local.mk: the man pages, their lint test, and the shipped policies.

dist_man_MANS += man/pkrewind.1 man/pkrewind.policy.5 man/libpkrewind.7

# groff -ww (and mandoc -W warning, when installed) must print nothing.
TESTS += man/lint.sh
EXTRA_DIST += man/lint.sh

# Policies shipped for users, installed in $(pkgdatadir)/policies (the
# package's /usr/share/pkrewind/policies); one small commented example per
# directive in $(pkgdatadir)/policies/examples.  Keep these lists in step
# with policy/ and policy/examples/: `make check` runs `pkrewind check` on
# every file there, and tests/cli/installed.sh on what `make install` puts
# here.
policiesdir = $(pkgdatadir)/policies
dist_policies_DATA = \
	policy/liblzma.policy \
	policy/libbz2.policy \
	policy/libz.policy \
	policy/brotli.policy \
	policy/libsodium.policy

policyexamplesdir = $(pkgdatadir)/policies/examples
dist_policyexamples_DATA = \
	policy/examples/include.policy \
	policy/examples/include-zlib.policy \
	policy/examples/domain.policy \
	policy/examples/library.policy \
	policy/examples/trusted-memory.policy \
	policy/examples/on-fault.policy \
	policy/examples/if-no-keys.policy \
	policy/examples/exceptions.policy \
	policy/examples/max-faults.policy \
	policy/examples/heap.policy \
	policy/examples/stack.policy \
	policy/examples/stack-args.policy \
	policy/examples/fault-return.policy \
	policy/examples/function.policy

# The system policy's drop-in directory (pkrewind.policy(5), FILES), made
# empty by `make install' as the package ships it; `make uninstall'
# removes it and $(sysconfdir)/pkrewind only when nothing is left in them.
install-data-local:
	$(MKDIR_P) '$(DESTDIR)$(sysconfdir)/pkrewind/policy.d'
uninstall-local:
	-rmdir '$(DESTDIR)$(sysconfdir)/pkrewind/policy.d' '$(DESTDIR)$(sysconfdir)/pkrewind'
