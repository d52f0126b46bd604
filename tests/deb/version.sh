# tests/deb/version.sh - one version: configure.ac's AC_INIT is what
# `pkrewind --version' prints, what debian/changelog's first entry says
# (so the package's version), and what the man pages' headers say.
. "$top_srcdir/tests/cli/lib.sh"

want=$(sed -n 's/^AC_INIT(\[pkrewind\], \[\([^]]*\)\].*/\1/p' "$top_srcdir/configure.ac")
if [ -n "$want" ]; then
	pass "configure.ac: AC_INIT version $want"
else
	fail "no AC_INIT([pkrewind], [VERSION], ...) line in configure.ac"
fi

run "$PKREWIND_BIN" --version
expect_rc 0 "pkrewind --version"
expect_grep "$tmp/out" "^pkrewind $want\$" "pkrewind --version prints 'pkrewind $want'"

# The first line of debian/changelog: "pkrewind (VERSION) DIST; ...".
# dpkg-parsechangelog reads it the way dpkg-buildpackage does, when there.
cl="$top_srcdir/debian/changelog"
got=$(sed -n '1s/^pkrewind (\([^)]*\)) .*/\1/p' "$cl")
if command -v dpkg-parsechangelog >/dev/null 2>&1; then
	parsed=$(dpkg-parsechangelog -l "$cl" -S Version 2>/dev/null)
	if [ "$parsed" = "$got" ]; then
		pass "dpkg-parsechangelog reads the same version ($parsed)"
	else
		fail "dpkg-parsechangelog reads '$parsed', the first line says '$got'"
	fi
fi
if [ "$got" = "$want" ]; then
	pass "debian/changelog: pkrewind ($got), a native version equal to configure.ac's"
else
	fail "debian/changelog says '$got', configure.ac '$want': add a changelog entry for $want (dch -v $want)"
fi

for m in "$top_srcdir"/man/*.[1-8]; do
	th=$(sed -n 's/^\.TH [^ ]* [0-9] [^ ]* "pkrewind \([^"]*\)".*/\1/p' "$m")
	if [ "$th" = "$want" ]; then
		pass "$(basename "$m"): .TH says pkrewind $th"
	else
		fail "$(basename "$m"): .TH says pkrewind '$th', expected $want"
	fi
done

finish
