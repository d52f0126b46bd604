# tests/cli/usage.sh - --help, --version and usage errors (exit 2).
. "$top_srcdir/tests/cli/lib.sh"

version=$(sed -n 's/^#define PACKAGE_VERSION "\(.*\)"$/\1/p' "$top_builddir/config.h")
[ -n "$version" ] || { echo "FAIL: no PACKAGE_VERSION in $top_builddir/config.h"; exit 99; }

echo "--help prints the usage on stdout and exits 0"
run "$PKREWIND_BIN" --help
expect_rc 0 "pkrewind --help"
expect_grep "$tmp/out" '^Usage: pkrewind ' "--help starts with a usage line"
expect_grep "$tmp/out" 'pkrewind check' "--help lists the check subcommand"
expect_grep "$tmp/out" 'pkrewind symbols' "--help lists the symbols subcommand"
expect_grep "$tmp/out" '--policy' "--help lists --policy"
expect_grep "$tmp/out" '--stats' "--help lists --stats"
expect_grep "$tmp/out" 'PKREWIND_POLICY' "--help describes the environment"
expect_grep "$tmp/out" '127' "--help lists the exit statuses"
if [ -s "$tmp/err" ]; then fail "--help wrote to stderr"; show; else pass "--help writes nothing to stderr"; fi

run "$PKREWIND_BIN" -h
expect_rc 0 "pkrewind -h"
run "$PKREWIND_BIN" check --help
expect_rc 0 "pkrewind check --help"
run "$PKREWIND_BIN" symbols --help
expect_rc 0 "pkrewind symbols --help"
expect_grep "$tmp/out" '^Usage: pkrewind ' "symbols --help prints the usage"
run "$PKREWIND_BIN" check -h x.policy
expect_rc 0 "pkrewind check -h"
expect_grep "$tmp/out" '^Usage: pkrewind ' "check -h prints the usage"

echo "--version prints 'pkrewind $version'"
run "$PKREWIND_BIN" --version
expect_rc 0 "pkrewind --version"
if [ "$(cat "$tmp/out")" = "pkrewind $version" ]; then
	pass "--version output is 'pkrewind $version'"
else
	fail "--version output is '$(cat "$tmp/out")', expected 'pkrewind $version'"
fi

echo "usage errors exit 2 with a message on stderr and run nothing"
usage_error() {
	what=$1; shift
	run "$PKREWIND_BIN" "$@"
	expect_rc 2 "$what"
	if [ -s "$tmp/err" ] && [ ! -s "$tmp/out" ]; then
		pass "$what: message on stderr only"
	else
		fail "$what: expected a message on stderr and nothing on stdout"
		show
	fi
}
usage_error "no arguments"                    
usage_error "unknown short option"            -Z true
usage_error "unknown long option"             --no-such-option true
usage_error "-p without its argument"         -p
usage_error "--policy without its argument"   --policy
usage_error "options but no command"          -v --stats
usage_error "check without a file"            check
usage_error "check with an unknown option"    check --frobnicate x.policy
usage_error "symbols without a library"       symbols
usage_error "symbols with two libraries"      symbols liblzma.so.5 libz.so.1
usage_error "symbols with an unknown option"  symbols -x liblzma.so.5
usage_error "check with symbols' option"      check --policy x.policy
usage_error "symbols with check's option"     symbols -q liblzma.so.5
usage_error "check with -p (run's option)"    check -p x.policy

echo "an unknown option is not run as a command"
run "$PKREWIND_BIN" -Z touch "$tmp/created"
expect_rc 2 "pkrewind -Z touch FILE"
if [ -e "$tmp/created" ]; then fail "the command ran despite the usage error"; else pass "the command did not run"; fi

finish
