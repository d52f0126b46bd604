## tests/deb.mk: the Debian packaging (debian/).  version.sh runs in
## `make check'; installed.sh needs a built .deb and root: scripts/deb
## builds the package and runs it (scripts/check does, after make check).

TESTS += tests/deb/version.sh
EXTRA_DIST += tests/deb/version.sh tests/deb/installed.sh tests/deb/run-installed.sh \
	debian/changelog debian/control debian/copyright debian/rules \
	debian/source/format

# scripts/deb's outputs.
clean-local: clean-deb
clean-deb:
	-rm -rf '$(abs_top_builddir)/deb-out'

.PHONY: clean-deb
