# tests/cli/check.sh - `pkrewind check`: diagnostics, exit status, and the
# warning for libraries that are not on this system.
. "$top_srcdir/tests/cli/lib.sh"

echo "three-mistakes.policy: exactly three FILE:LINE:COL errors, exit 1"
three="$top_srcdir/tests/data/policy/three-mistakes.policy"
if [ ! -f "$three" ]; then
	fail "$three is missing (it belongs to the policy tests)"
else
	run "$PKREWIND_BIN" check "$three"
	expect_rc 1 "pkrewind check three-mistakes.policy"
	nerr=$(count_errors "$tmp/err")
	if [ "$nerr" -eq 3 ]; then
		pass "three error diagnostics"
	else
		fail "$nerr error diagnostics, expected 3"
		show
	fi
	expect_grep "$tmp/err" "^pkrewind: $three:[0-9]+:[0-9]+: " "diagnostics name the file, line and column"
	expect_no_grep "$tmp/out" ': ok ' "no 'ok' line for a file with errors"
fi

echo "a library that is not on this system: a warning, exit 0"
mkdir -p "$tmp/lib"
cat >"$tmp/missing.policy" <<POL
# a library nobody has
domain nowhere
    trusted-memory read
    library libpkrewind-no-such-lib.so.9
POL
run env -u LD_LIBRARY_PATH "$PKREWIND_BIN" check "$tmp/missing.policy"
expect_rc 0 "check of a policy naming a missing library"
# The warning points at the library's SPEC: line 4, column 13.
expect_grep "$tmp/err" "^pkrewind: $tmp/missing.policy:4:13: warning: library 'libpkrewind-no-such-lib.so.9' not found on this system\$" \
	"warning names the file, the line and column of the SPEC, and the library"
expect_grep "$tmp/out" "^$tmp/missing.policy: ok \\(1 domain\\)\$" "the file is still ok, 'ok (1 domain)'"

echo "a library added by an include inside a domain: the warning names the included file"
mkdir -p "$tmp/inc"
cat >"$tmp/inc/more.inc" <<POL
# libraries of the including domain

	library   libpkrewind-no-such-lib.so.7
POL
cat >"$tmp/outer.policy" <<POL
domain outer
    library libpkrewind-no-such-lib.so.8
    include inc/more.inc
	library /nonexistent/pkrewind/libpkrewind-no-such-lib.so.6
POL
run env -u LD_LIBRARY_PATH "$PKREWIND_BIN" check "$tmp/outer.policy"
expect_rc 0 "check of a policy whose include adds a missing library"
expect_grep "$tmp/err" "^pkrewind: $tmp/outer.policy:2:13: warning: library 'libpkrewind-no-such-lib.so.8' not found on this system\$" \
	"the library of the top file: its line and column"
expect_grep "$tmp/err" "^pkrewind: $tmp/inc/more.inc:3:12: warning: library 'libpkrewind-no-such-lib.so.7' not found on this system\$" \
	"the library of the included file: that file, its line and column"
expect_grep "$tmp/err" "^pkrewind: $tmp/outer.policy:4:10: warning: library '/nonexistent/pkrewind/libpkrewind-no-such-lib.so.6' not found on this system\$" \
	"the library after the include: back in the top file"
nwarn=$(grep -c ': warning: ' "$tmp/err")
if [ "$nwarn" -eq 3 ]; then pass "three warnings"; else fail "$nwarn warnings, expected 3"; show; fi

echo "library specs that exist (soname via LD_LIBRARY_PATH, path, globs) do not warn"
: >"$tmp/lib/libpkrtest.so.1"
cat >"$tmp/found.policy" <<POL
domain found
    library libpkrtest.so.1
    library $tmp/lib/libpkrtest.so.1
    library libpkrtes?.so.*
    library $tmp/l*/libpkrtest.so.[0-9]
domain notfound
    library $tmp/lib/libpkrtest.so.2
    library libpkrtest-[xyz].so
    library $tmp/nodir*/libpkrtest.so.1
POL
run env LD_LIBRARY_PATH="$tmp/lib" "$PKREWIND_BIN" check "$tmp/found.policy"
expect_rc 0 "check with LD_LIBRARY_PATH=$tmp/lib"
expect_no_grep "$tmp/err" "warning: library '(libpkrtest.so.1|$tmp/lib/libpkrtest.so.1|libpkrtes\\?\\.so\\.\\*|$tmp/l\\*/libpkrtest.so.\\[0-9\\])'" \
	"no warning for libraries that exist"
expect_grep "$tmp/err" "warning: library '$tmp/lib/libpkrtest.so.2' not found" "warning for a missing absolute path"
expect_grep "$tmp/err" "warning: library 'libpkrtest-\\[xyz\\].so' not found" "warning for a glob matching nothing"
expect_grep "$tmp/err" "warning: library '$tmp/nodir\\*/libpkrtest.so.1' not found" "warning for an absolute glob matching nothing"
expect_grep "$tmp/out" "^$tmp/found.policy: ok \\(2 domains\\)\$" "'ok (2 domains)'"

run env -u LD_LIBRARY_PATH "$PKREWIND_BIN" check "$tmp/found.policy"
expect_rc 0 "check without LD_LIBRARY_PATH"
expect_grep "$tmp/err" "warning: library 'libpkrtest.so.1' not found" "the soname is searched in LD_LIBRARY_PATH only when it is set"

echo "symbolic links: a path through a link is found; a glob that matches only links warns"
mkdir -p "$tmp/links"
: >"$tmp/links/libpkrlink.so.1.0.0"
ln -s libpkrlink.so.1.0.0 "$tmp/links/libpkrlink.so.1"
ln -s libpkrlink.so.1 "$tmp/links/libpkrlink.so"
ln -s libpkrlink-none.so.1.0.0 "$tmp/links/libpkrdangling.so.1"
cat >"$tmp/links.policy" <<POL
domain links
    library $tmp/links/libpkrlink.so.1
    library $tmp/links/libpkrlink.so
    library $tmp/links/libpkrlink.so.[0-9]*
domain onlylinks
    library $tmp/links/libpkrlink.so.[0-9]
domain dangling
    library $tmp/links/libpkrdangling.so.[0-9]
POL
run env -u LD_LIBRARY_PATH "$PKREWIND_BIN" check "$tmp/links.policy"
expect_rc 0 "check of a policy naming libraries through links"
expect_grep "$tmp/out" "^$tmp/links.policy: ok \\(3 domains\\)\$" "the file is ok"
expect_no_grep "$tmp/err" "^pkrewind: $tmp/links.policy:[234]:" "no warning for a path through links or a glob matching the resolved file"
expect_grep "$tmp/err" "^pkrewind: $tmp/links.policy:6:13: warning: library '$tmp/links/libpkrlink.so.\\[0-9\\]' matches only symbolic links here, such as '$tmp/links/libpkrlink.so.1' \\(to '$(cd "$tmp/links" && pwd -P)/libpkrlink.so.1.0.0'\\); a glob that starts with '/' is matched against resolved paths\$" \
	"a glob that matches only a link warns, naming the link and its target"
expect_grep "$tmp/err" "^pkrewind: $tmp/links.policy:8:13: warning: library '$tmp/links/libpkrdangling.so.\\[0-9\\]' not found on this system\$" \
	"a glob that matches only a dangling link: not found"

echo "-q: no 'ok' lines, diagnostics still printed"
run env -u LD_LIBRARY_PATH "$PKREWIND_BIN" check -q "$tmp/missing.policy"
expect_rc 0 "check -q"
if [ -s "$tmp/out" ]; then fail "check -q printed on stdout"; show; else pass "check -q prints nothing on stdout"; fi
expect_grep "$tmp/err" "warning: library 'libpkrewind-no-such-lib.so.9'" "check -q still prints warnings"

echo "several files: every file is reported, exit 1 if any has errors"
cat >"$tmp/bad.policy" <<'POL'
domain bad
    library libpkrtest.so.1
    on-fault explode
POL
run env LD_LIBRARY_PATH="$tmp/lib" "$PKREWIND_BIN" check "$tmp/found.policy" "$tmp/bad.policy"
expect_rc 1 "check good.policy bad.policy"
expect_grep "$tmp/out" "^$tmp/found.policy: ok " "the good file is reported ok"
expect_grep "$tmp/err" "^pkrewind: $tmp/bad.policy:3:14: " "the error in the bad file is at 3:14 ('explode')"
expect_no_grep "$tmp/out" "bad.policy: ok" "the bad file is not reported ok"

echo "a file that does not exist is an error"
run "$PKREWIND_BIN" check "$tmp/no-such.policy"
expect_rc 1 "check of a missing file"
expect_grep "$tmp/err" "no-such.policy" "the message names the file"

echo "an empty policy is valid"
: >"$tmp/empty.policy"
run "$PKREWIND_BIN" check "$tmp/empty.policy"
expect_rc 0 "check of an empty file"
expect_grep "$tmp/out" "^$tmp/empty.policy: ok \\(0 domains\\)\$" "'ok (0 domains)'"

echo "check --system: the system policy with its policy.d files"
# The build's sysconfdir, from the help text.
sysdir=$("$PKREWIND_BIN" --help | sed -n 's|^ *\(/.*\)/pkrewind/policy, then$|\1|p')
if [ -z "$sysdir" ]; then
	fail "--help names no system policy file"
elif [ -e "$sysdir/pkrewind/policy" ] || ls "$sysdir"/pkrewind/policy.d/*.policy >/dev/null 2>&1; then
	echo "a system policy exists here: only the label is checked"
	run "$PKREWIND_BIN" check --system
	expect_grep "$tmp/out" "^$sysdir/pkrewind/policy \\+ [0-9]+ files? of $sysdir/pkrewind/policy\\.d: " \
		"the label names the file and the drop-in directory"
else
	run "$PKREWIND_BIN" check --system "$tmp/empty.policy"
	expect_rc 0 "check --system without a system policy, and a file"
	expect_grep "$tmp/out" "^$sysdir/pkrewind/policy, $sysdir/pkrewind/policy\\.d/\\*\\.policy: no system policy \\(nothing is isolated\\)\$" \
		"it says there is no system policy"
	expect_grep "$tmp/out" "^$tmp/empty.policy: ok \\(0 domains\\)\$" "the file given is checked too"
fi
run "$PKREWIND_BIN" check -q
expect_rc 2 "check with neither a file nor --system"

finish
