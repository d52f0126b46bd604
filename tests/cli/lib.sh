# tests/cli/lib.sh - helpers sourced by the integration tests of the
# pkrewind command.  Each test prints one line per check ("ok: ..." or
# "FAIL: ..."), keeps its files in a private temporary directory removed
# on exit, and ends with `finish` (exit 1 if any check failed).

: "${PKREWIND_BIN:?PKREWIND_BIN is not set: run the tests with make check}"
: "${top_srcdir:?top_srcdir is not set: run the tests with make check}"
: "${top_builddir:?top_builddir is not set: run the tests with make check}"

if [ ! -x "$PKREWIND_BIN" ]; then
	echo "FAIL: $PKREWIND_BIN is not an executable (build it first)"
	exit 99
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/pkrewind-cli.XXXXXX") || {
	echo "FAIL: mktemp -d failed"; exit 99; }
trap 'rm -rf "$tmp"' EXIT
trap 'exit 1' HUP INT TERM

failures=0
checks=0

pass() { checks=$((checks + 1)); printf 'ok: %s\n' "$*"; }
fail() { checks=$((checks + 1)); failures=$((failures + 1)); printf 'FAIL: %s\n' "$*"; }

# Show the captured output of the last `run`, indented.
show() {
	sed 's/^/    stdout: /' "$tmp/out"
	sed 's/^/    stderr: /' "$tmp/err"
}

# run CMD [ARGS...]: stdout to $tmp/out, stderr to $tmp/err, status in $rc.
run() {
	"$@" >"$tmp/out" 2>"$tmp/err"
	rc=$?
}

# expect_rc STATUS WHAT: the last `run` exited with STATUS.
expect_rc() {
	if [ "$rc" -eq "$1" ]; then
		pass "$2 (exit $rc)"
	else
		fail "$2: exit status $rc, expected $1"
		show
	fi
}

# expect_grep FILE ERE WHAT / expect_no_grep FILE ERE WHAT
expect_grep() {
	if grep -Eq -- "$2" "$1"; then
		pass "$3"
	else
		fail "$3: no line matches /$2/ in $(basename "$1")"
		show
	fi
}
expect_no_grep() {
	if grep -Eq -- "$2" "$1"; then
		fail "$3: unexpected line matching /$2/:"
		grep -E -- "$2" "$1" | sed 's/^/    /'
	else
		pass "$3"
	fi
}

# count_errors FILE: lines of FILE that are error diagnostics
# ("pkrewind: FILE:LINE:COL: message", not "...: warning: ...").
count_errors() {
	grep -E '^pkrewind: .+:[0-9]+:[0-9]+: ' "$1" | grep -vc ': warning: '
}

# A C compiler, for building small shared objects.
find_cc() {
	for cc in "${CC:-}" cc gcc clang; do
		if [ -n "$cc" ] && command -v "$cc" >/dev/null 2>&1; then
			CC_BIN=$cc
			return 0
		fi
	done
	return 1
}

finish() {
	if [ "$checks" -eq 0 ]; then
		echo "FAIL: no check ran"
		exit 1
	fi
	if [ "$failures" -gt 0 ]; then
		echo "$failures of $checks checks failed"
		exit 1
	fi
	echo "all $checks checks passed"
	exit 0
}
