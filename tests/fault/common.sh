# tests/fault/common.sh - sourced by the fault tests (not a test itself).
#
# Everything tests/iso/common.sh provides (skip/fail/hard_error, a private
# $tmp removed on exit, need_pku, the runs `plain`, `shim` and `via_cmd`
# setting $st, describe_status, show, stats_calls/stats_faults), plus:
#   $policies            tests/data/fault
#   $bugprog             the bug-class driver (tests/progs/bugprog)
#   fault_count FILE FN  number of "fault in domain D calling FN:" lines
#   rewound_count FILE FN  number of "call to FN rewound" lines
#   fault_line FILE FN   the first such fault line
#   expect_in FILE FN TEXT...  the first fault line for FN contains every
#                        TEXT (fixed strings), else fail
#   policy_return FN     "VALUE ERRNO" from tests/data/fault/functions.inc
#                        (VALUE in decimal, "void" for fault-return void;
#                        ERRNO "keep" or a name)
#   rewound_text FN      what the shim's "rewound" line says for FN with
#                        functions.inc: "returns V, errno E", "returns V"
#                        (errno keep) or "" (void)
#   only_fault_lines FILE  fail if FILE has a pkrewind line other than the
#                        fault diagnostics and "rewound" lines
#   expect_addr FILE CLASS FN  FN's diagnostic reports the address bugprog
#                        printed for CLASS
#   corrupt, same_as_plain  for the real programs on corrupted input

# shellcheck source=../iso/common.sh
. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/iso/common.sh"

policies=$top_srcdir/tests/data/fault
bugprog=$progs/bugprog

fault_count() {
	grep -c "^pkrewind\[[0-9]*\]: error: fault in domain [A-Za-z0-9_.-]* calling $2: " "$1"
}

rewound_count() {
	grep -c "^pkrewind\[[0-9]*\]: error: domain [A-Za-z0-9_.-]*: call to $2 rewound" "$1"
}

fault_line() {
	grep -m1 "^pkrewind\[[0-9]*\]: error: fault in domain [A-Za-z0-9_.-]* calling $2: " "$1"
}

expect_in() {
	_f=$1 _fn=$2; shift 2
	_l=$(fault_line "$_f" "$_fn")
	test -n "$_l" || { show "$_f" stderr; fail "no fault diagnostic naming $_fn"; }
	for _t in "$@"; do
		case $_l in
		*"$_t"*) ;;
		*) fail "the diagnostic for $_fn lacks '$_t': $_l" ;;
		esac
	done
}

policy_return() {
	sed -n "s/^[[:space:]]*function[[:space:]][[:space:]]*$1[[:space:]][[:space:]]*fault-return[[:space:]][[:space:]]*\([^[:space:]]*\)\([[:space:]][[:space:]]*errno[[:space:]][[:space:]]*\([^[:space:]#]*\)\)\{0,1\}.*/\1 \3/p" \
		"$policies/functions.inc" | {
		read -r _v _e || exit 1
		case $_v in
		void) echo "void -" ;;
		*) echo "$((_v)) ${_e:-inherit}" ;;
		esac
	}
}

rewound_text() {
	set -- $(policy_return "$1")
	case $1 in
	void) echo "" ;;
	*) if test "$2" = keep; then echo "returns $1"; else echo "returns $1, errno $2"; fi ;;
	esac
}

only_fault_lines() {
	if grep '^pkrewind' "$1" |
	   grep -v -e '^pkrewind\[[0-9]*\]: error: fault in domain ' \
		   -e '^pkrewind\[[0-9]*\]: error: domain [A-Za-z0-9_.-]*: call to [A-Za-z0-9_]* rewound' \
		   -e '^pkrewind\[[0-9]*\]: stats: ' >"$tmp/other-lines"; then
		show "$tmp/other-lines" "other pkrewind lines"
		fail "pkrewind printed something besides fault diagnostics"
	fi
}

# corrupt FILE OFFSET BYTES: overwrite the bytes at OFFSET with BYTES (a
# printf format, e.g. '\377\000').
corrupt() {
	printf "$3" | dd of="$1" bs=1 seek="$2" conv=notrunc 2>/dev/null ||
		hard_error "cannot write into $1"
}

# same_as_plain POLICY INPUT "FUNCS" CMD...: run CMD with stdin from INPUT
# without the shim, then under it (LD_PRELOAD and the pkrewind command,
# PKREWIND_STATS=1).  The run without the shim must fail (INPUT is
# corrupted); under the shim the exit status, stdout and stderr (minus the
# stats lines, with the leading program name of each line ignored) must be
# the same, no pkrewind line other than the stats may appear, and each of
# FUNCS must have been called through the trampolines without a fault.
same_as_plain() {
	_pol=$1 _in=$2 _funcs=$3
	shift 3
	plain "$@" <"$_in" >"$tmp/ref.out" 2>"$tmp/ref.err"
	_rst=$st
	test $_rst -ne 0 || hard_error "without the shim, '$*' accepts the corrupted $(basename "$_in")"
	sed "s/^$(basename "$1"):/PROG:/" "$tmp/ref.err" >"$tmp/ref.err.n"
	for _how in shim via_cmd; do
		extra_env=PKREWIND_STATS=1
		$_how "$_pol" "$@" <"$_in" >"$tmp/sh.out" 2>"$tmp/sh.err"
		extra_env=
		grep -v '^pkrewind\[[0-9]*\]: stats: ' "$tmp/sh.err" |
			sed "s/^$(basename "$1"):/PROG:/" >"$tmp/sh.err.n"
		if grep -q '^pkrewind' "$tmp/sh.err.n"; then
			show "$tmp/sh.err" stderr
			fail "$_how, $(basename "$_in"): pkrewind printed more than its stats"
		fi
		test $st -eq $_rst ||
			fail "$_how, $(basename "$_in"): $(describe_status), without the shim: exit status $_rst"
		cmp -s "$tmp/ref.out" "$tmp/sh.out" ||
			fail "$_how, $(basename "$_in"): stdout differs from the run without the shim"
		if ! cmp -s "$tmp/ref.err.n" "$tmp/sh.err.n"; then
			say "stderr differs (- without the shim, + under it):"
			diff -u "$tmp/ref.err.n" "$tmp/sh.err.n" | sed '1,2d; s/^/    /' | head -n 40
			fail "$_how, $(basename "$_in"): different error message"
		fi
		# shellcheck disable=SC2086
		( need_calls "$tmp/sh.err" $_funcs ) >"$tmp/calls" || {
			cat "$tmp/calls"; exit 1; }
	done
	say "  $(basename "$_in"): status $_rst, $(wc -c <"$tmp/ref.out") bytes out, '$(grep -m1 . "$tmp/ref.err")': the same under the shim"
}

# expect_addr FILE CLASS FN: the first fault diagnostic for FN reports a
# write at the address bugprog says CLASS writes first ("bugprog: CLASS
# writes at 0x...", also in FILE).
expect_addr() {
	_a=$(sed -n "s/^bugprog: $2 writes at \(0x[0-9a-f]*\)\$/\1/p" "$1" | head -n 1)
	test -n "$_a" || { show "$1" stderr; fail "bugprog did not say where $2 writes"; }
	expect_in "$1" "$3" "writing $_a ("
}
