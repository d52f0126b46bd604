# tests/iso/common.sh - sourced by the isolation tests (not a test itself).
#
# Provides: skip/fail/hard_error, a private temporary directory $tmp
# removed on exit, need_pku (a hard error, status 99, without keys),
# need_prog, and ways to run a program
#   plain CMD...               without the shim
#   shim POLICY CMD...         LD_PRELOAD=$PKREWIND_SHIM PKREWIND_POLICY=POLICY
#   via_cmd POLICY CMD...      $PKREWIND_BIN -p POLICY -- CMD...
# each under a time limit, with stdin/stdout/stderr as the caller sets
# them, and with the assignments in $extra_env (e.g. PKREWIND_STATS=1)
# added to the environment of CMD.  The status of the last run is in $st
# (139 = killed by SIGSEGV, 124 = timed out).
#
# `make check` sets top_srcdir, top_builddir (absolute), PKREWIND_SHIM,
# PKREWIND_RUNTIME and PKREWIND_BIN.  Run by hand from a built source tree,
# sh tests/iso/NAME.sh works too: the defaults below point into the tree.

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
: "${PKREWIND_SHIM:=$top_builddir/src/.libs/libpkrewind.so}"
: "${PKREWIND_RUNTIME:=$top_builddir/src/.libs/libpkrewind-rt.so}"
: "${PKREWIND_BIN:=$top_builddir/src/pkrewind}"
export top_srcdir top_builddir PKREWIND_SHIM PKREWIND_RUNTIME PKREWIND_BIN

test_name=$(basename "$0" .sh)
progs=$top_builddir/tests/progs
fixture_so=$top_builddir/tests/fixtures/.libs/libpkrsig.so
policies=$top_srcdir/tests/data/iso

# Limit for one program run, in seconds.
: "${PKREWIND_TEST_TIMEOUT:=120}"

# Nothing from the caller's environment may change what runs: no stray
# preload, no policy found through $HOME, no stats unless asked for.
unset LD_PRELOAD PKREWIND_POLICY PKREWIND_STATS
HOME=/nonexistent XDG_CONFIG_HOME=
export HOME XDG_CONFIG_HOME
LC_ALL=C
export LC_ALL
# A segfault is an expected outcome in some tests: no core files.
ulimit -c 0 2>/dev/null

say() { printf '%s: %s\n' "$test_name" "$*"; }
skip() { say "SKIP: $*"; exit 77; }
fail() { say "FAIL: $*"; exit 1; }
hard_error() { say "ERROR: $*"; exit 99; }

tmp=$(mktemp -d "${TMPDIR:-/tmp}/pkr-$test_name.XXXXXX") ||
	hard_error "cannot create a temporary directory"
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' HUP INT TERM
TMPDIR=$tmp
export TMPDIR

# need_pku: the machine must have protection keys.  Without them this is a
# hard error, never a skip: the build runs these tests (KEY_TESTS,
# tests/guest.mk) natively only where configure found keys, and in a QEMU
# guest that emulates them elsewhere, so a test that gets here without
# keys was started the wrong way.
need_pku() {
	grep -qw pku /proc/cpuinfo 2>/dev/null ||
		hard_error "this CPU has no memory protection keys (no 'pku' in /proc/cpuinfo): run the tests that need them in a QEMU guest: make check-guest"
	grep -qw ospke /proc/cpuinfo 2>/dev/null ||
		hard_error "the kernel has not enabled protection keys (no 'ospke' in /proc/cpuinfo): run the tests that need them in a QEMU guest: make check-guest"
}

# need_prog NAME: skip unless NAME is on PATH.
need_prog() {
	command -v "$1" >/dev/null 2>&1 || skip "'$1' is not installed"
}

need_built() {
	for f in "$@"; do
		test -e "$f" || hard_error "$f is missing: run 'make check' (or build the tests first)"
	done
}

need_shim() {
	need_built "$PKREWIND_SHIM"
}

# The runs.  Each sets $st.
# `timeout` runs `env`, which sets the preload for CMD alone: neither
# timeout nor env loads the shim.  timeout re-raises a signal that killed
# CMD, so $st is 128 + signal as for a direct run.
extra_env=
# A domain without annotations takes those of the shipped policies in
# PKREWIND_POLICIES (pkrewind.policy(5)); tests name them when they want
# them (extra_env), never the installed ones by accident.
PKREWIND_POLICIES=
export PKREWIND_POLICIES

plain() {
	st=0
	# shellcheck disable=SC2086
	timeout -k 5 "$PKREWIND_TEST_TIMEOUT" env $extra_env "$@" || st=$?
}

shim() {
	_sp=$1; shift
	st=0
	# shellcheck disable=SC2086
	timeout -k 5 "$PKREWIND_TEST_TIMEOUT" env $extra_env \
		PKREWIND_POLICY="$_sp" LD_PRELOAD="$PKREWIND_SHIM" "$@" || st=$?
}

via_cmd() {
	_sp=$1; shift
	st=0
	# shellcheck disable=SC2086
	timeout -k 5 "$PKREWIND_TEST_TIMEOUT" env $extra_env \
		"$PKREWIND_BIN" -p "$_sp" -- "$@" || st=$?
}

# describe_status: words for $st.
describe_status() {
	case $st in
	0) echo "exit status 0" ;;
	124) echo "timed out after ${PKREWIND_TEST_TIMEOUT}s" ;;
	134) echo "killed by SIGABRT (status 134)" ;;
	139) echo "killed by SIGSEGV (status 139)" ;;
	12[89]|1[3-9][0-9]) echo "killed by signal $((st - 128)) (status $st)" ;;
	*) echo "exit status $st" ;;
	esac
}

# show FILE LABEL: print a file's first lines (for failure reports).
show() {
	if test -s "$1"; then
		say "--- $2 (first 20 lines)"
		head -n 20 "$1" | sed 's/^/    /'
	else
		say "--- $2: empty"
	fi
}

# check_run REF OUT ERR WHAT: the last run must have exited with status 0
# and printed exactly what REF holds; else fail, showing the difference
# and the run's stderr.
check_run() {
	if test $st -eq 0 && cmp -s "$1" "$2"; then
		return 0
	fi
	if cmp -s "$1" "$2"; then
		_same="same output"
	else
		_same="different output"
		say "$4: output differs (- without the shim, + under it):"
		diff -u "$1" "$2" | sed '1,2d; s/^/    /' | head -n 40
	fi
	show "$3" stderr
	fail "$4: $(describe_status), $_same"
}

# stats_calls FILE FUNC: the call count in the last stats line for FUNC
# (`pkrewind[PID]: stats:   FUNC: calls N, faults M`; FUNC may carry a
# @VERSION), or nothing if there is no such line.
stats_calls() {
	sed -n "s/^pkrewind\[[0-9]*\]: stats: *$2\(@[A-Za-z0-9_.]*\)\{0,1\}: calls \([0-9]*\), faults [0-9]*.*/\2/p" "$1" | tail -n 1
}
stats_faults() {
	sed -n "s/^pkrewind\[[0-9]*\]: stats: *$2\(@[A-Za-z0-9_.]*\)\{0,1\}: calls [0-9]*, faults \([0-9]*\).*/\2/p" "$1" | tail -n 1
}

# stats_clean_calls FILE: the calls of the (first) domain in FILE's stats
# when it had no fault, else nothing.
stats_clean_calls() {
	sed -n 's/^pkrewind\[[0-9]*\]: stats: domain [A-Za-z0-9_.-]*: calls \([0-9]*\), faults 0,.*/\1/p' "$1" | head -n 1
}

# shipped_policy NAME FALLBACK: the policy shipped in policy/NAME when it
# exists and isolates in `trusted-memory write` mode, else FALLBACK.
shipped_policy() {
	if test -f "$top_srcdir/policy/$1" &&
	   grep -q '^[[:space:]]*trusted-memory[[:space:]][[:space:]]*write' "$top_srcdir/policy/$1"; then
		echo "$top_srcdir/policy/$1"
	else
		if test -f "$top_srcdir/policy/$1"; then
			say "note: policy/$1 is not in trusted-memory write mode; using $2" >&2
		fi
		echo "$2"
	fi
}

# make_data FILE [SIZE]: SIZE (default 10 MiB) bytes of mixed text, random
# and zero blocks from a fixed seed (tests/progs/mkdata).
make_data() {
	need_built "$progs/mkdata"
	"$progs/mkdata" "${2:-10485760}" 20240611 >"$1" ||
		hard_error "mkdata failed"
}

# need_calls FILE FUNC...: every FUNC has a stats line with calls > 0 and
# faults 0 in FILE.
need_calls() {
	_f=$1; shift
	for _fn in "$@"; do
		_c=$(stats_calls "$_f" "$_fn")
		_x=$(stats_faults "$_f" "$_fn")
		if test -z "$_c"; then
			show "$_f" stderr
			fail "no 'pkrewind[PID]: stats:   $_fn: calls N, faults M' line (PKREWIND_STATS=1)"
		fi
		test "$_c" -gt 0 || fail "stats: $_fn was called $_c times, expected at least once"
		test "$_x" = 0 || fail "stats: $_fn faulted $_x times, expected 0"
		say "  stats: $_fn: calls $_c, faults $_x"
	done
}

# codec_test POLICY DATA "COMPRESS CMD" "DECOMPRESS CMD" "ENC FUNCS" "DEC FUNCS"
# Compresses DATA (stdin to stdout) and decompresses the result, without
# the shim and under it; under it the compressed bytes must be identical,
# the round trip exact, and the stats must show calls of every ENC/DEC
# function (they must be the ones the program calls through its GOT).
codec_test() {
	_pol=$1 _data=$2 _c=$3 _d=$4 _encf=$5 _decf=$6
	say "policy: ${_pol#"$top_srcdir"/}"

	say "$_c without the shim"
	# shellcheck disable=SC2086
	plain $_c <"$_data" >"$tmp/ref.z" 2>"$tmp/err"
	test $st -eq 0 || { show "$tmp/err" stderr; hard_error "$_c fails without the shim ($(describe_status))"; }
	# shellcheck disable=SC2086
	plain $_d <"$tmp/ref.z" >"$tmp/ref.d" 2>"$tmp/err"
	test $st -eq 0 && cmp -s "$_data" "$tmp/ref.d" ||
		hard_error "$_d does not restore the data without the shim ($(describe_status))"

	say "$_c under the shim (LD_PRELOAD, PKREWIND_STATS=1)"
	extra_env=PKREWIND_STATS=1
	# shellcheck disable=SC2086
	shim "$_pol" $_c <"$_data" >"$tmp/shim.z" 2>"$tmp/shim.err"
	extra_env=
	if test $st -ne 0 || ! cmp -s "$tmp/ref.z" "$tmp/shim.z"; then
		show "$tmp/shim.err" stderr
		cmp "$tmp/ref.z" "$tmp/shim.z" 2>&1 | sed 's/^/    /'
		fail "$_c under the shim: $(describe_status), compressed output $(cmp -s "$tmp/ref.z" "$tmp/shim.z" && echo identical || echo differs)"
	fi
	say "  compressed output identical ($(wc -c <"$tmp/shim.z") bytes)"
	# shellcheck disable=SC2086
	need_calls "$tmp/shim.err" $_encf

	for _how in shim via_cmd; do
		say "$_d under the shim ($_how, PKREWIND_STATS=1)"
		extra_env=PKREWIND_STATS=1
		# shellcheck disable=SC2086
		$_how "$_pol" $_d <"$tmp/ref.z" >"$tmp/shim.d" 2>"$tmp/shim.err"
		extra_env=
		if test $st -ne 0 || ! cmp -s "$_data" "$tmp/shim.d"; then
			show "$tmp/shim.err" stderr
			fail "$_d under the shim ($_how): $(describe_status), round trip $(cmp -s "$_data" "$tmp/shim.d" && echo exact || echo wrong)"
		fi
		say "  round trip exact"
		# shellcheck disable=SC2086
		need_calls "$tmp/shim.err" $_decf
	done
}

# write_stopped NAME FUNC_PATTERN: judge a run (status $st, stdout
# $tmp/out, stderr $tmp/err) of a program under a read-mode policy whose
# library writes the caller's memory.  The policy rewinds: the write is
# stopped, the call returns its fault-return, and the program fails on
# its own terms.  Pass: a failing exit status (not death by a signal)
# with a pkrewind fault diagnostic naming a function that matches
# FUNC_PATTERN (a grep -E pattern).  Fail: success, death by any signal
# (the rewind the design promises did not happen), status 127 (the shim
# refused the policy), a time-out, or anything else.
write_stopped() {
	if test $st -gt 128 && test $st -ne 124; then
		show "$tmp/err" stderr
		fail "$1: $(describe_status): the fault was not rewound"
	fi
	if test $st -ne 0 && test $st -ne 127 && test $st -ne 124 &&
	   grep -Eq "pkrewind.*fault in domain .* calling ($2)" "$tmp/err"; then
		say "  $1 failed ($(describe_status)) with: $(grep -Em1 "pkrewind.*($2)" "$tmp/err")"
		return 0
	fi
	show "$tmp/err" stderr
	if test $st -eq 0; then
		if cmp -s "$tmp/ref" "$tmp/out"; then
			fail "$1 succeeded and its output is byte-identical: the library's writes into program memory were not stopped"
		fi
		fail "$1 exited 0 with wrong output: the fault was neither fatal nor reported"
	fi
	fail "$1: $(describe_status) without a pkrewind diagnostic naming the function (pattern '$2')"
}

# sig_mode MODE SET: the signature fixture under `trusted-memory MODE`
# (tests/data/iso/sig-MODE.policy).  Asserts: sigprog pkru says "not
# isolated" without the shim and "isolated" under it (LD_PRELOAD and the
# pkrewind command); `sigprog SET` passes its own checks and prints the
# same lines with and without the shim.
sig_mode() {
	local mode=$1 set=$2 pol=$policies/sig-$1.policy how

	need_pku
	need_built "$progs/sigprog"
	need_shim

	say "sigprog $set without the shim"
	plain "$progs/sigprog" "$set" >"$tmp/ref.out" 2>"$tmp/ref.err"
	test $st -eq 0 || { show "$tmp/ref.out" stdout; show "$tmp/ref.err" stderr;
		hard_error "sigprog $set fails without the shim ($(describe_status))"; }

	say "sigprog pkru without the shim"
	plain "$progs/sigprog" pkru >"$tmp/pkru.out" 2>&1
	test $st -eq 0 && test "$(cat "$tmp/pkru.out")" = "not isolated" ||
		hard_error "without the shim, sigprog pkru says '$(cat "$tmp/pkru.out")' ($(describe_status)), expected 'not isolated'"

	for how in shim via_cmd; do
		say "sigprog pkru under the shim ($how)"
		$how "$pol" "$progs/sigprog" pkru -v >"$tmp/pkru.out" 2>"$tmp/pkru.err"
		test $st -eq 0 && test "$(cat "$tmp/pkru.out")" = isolated || {
			show "$tmp/pkru.err" stderr
			fail "under the shim ($how), sigprog pkru says '$(cat "$tmp/pkru.out")' ($(describe_status)), expected 'isolated'"; }
	done

	for how in shim via_cmd; do
		say "sigprog $set under the shim ($how, trusted-memory $mode)"
		$how "$pol" "$progs/sigprog" "$set" >"$tmp/$how.out" 2>"$tmp/$how.err"
		check_run "$tmp/ref.out" "$tmp/$how.out" "$tmp/$how.err" "sigprog $set ($how)"
	done
	say "PASS"
}
