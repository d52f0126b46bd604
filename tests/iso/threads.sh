#!/bin/sh
# threads: four program threads call into the isolated library at once
# (tests/progs/threadprog 4 1000000), in trusted-memory read and none
# modes.  Each thread's first call is a ctype call (isalpha/toupper in the
# library's C library: it works only if the shim set up that thread's
# locale in the library's namespace on the thread's first entry); then
# 1,000,000 calls of pkrsig_nop, every result checked, and every 4096
# calls errno in both directions (values no other thread uses), ctype and
# snprintf.
# Asserts: status 0 and, line for line, the output of the run without the
# shim, except that every thread says "isolated" where it said "not
# isolated"; the shim's statistics count exactly 4000000 calls of
# pkrsig_nop and no fault.
. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/iso/common.sh"

need_pku
need_built "$progs/threadprog"
need_shim
threads=4
calls=1000000
total=$((threads * calls))
# A wrong count is reported after both modes ran.
miscounts=

say "threadprog $threads $calls without the shim"
plain "$progs/threadprog" $threads $calls >"$tmp/ref.out" 2>"$tmp/ref.err"
test $st -eq 0 || { show "$tmp/ref.out" stdout; show "$tmp/ref.err" stderr;
	hard_error "threadprog fails without the shim ($(describe_status))"; }
test "$(grep -c ', not isolated$' "$tmp/ref.out")" = $threads &&
	grep -qx "total: $total calls of pkrsig_nop" "$tmp/ref.out" || {
	show "$tmp/ref.out" stdout
	hard_error "unexpected output of threadprog without the shim"; }
sed 's/, not isolated$/, isolated/' "$tmp/ref.out" >"$tmp/want.out"

for mode in read none; do
	say "threadprog $threads $calls under the shim (trusted-memory $mode, PKREWIND_STATS=1)"
	start=$(date +%s)
	extra_env=PKREWIND_STATS=1
	shim "$policies/sig-$mode.policy" "$progs/threadprog" $threads $calls \
		>"$tmp/out" 2>"$tmp/err"
	extra_env=
	end=$(date +%s)
	check_run "$tmp/want.out" "$tmp/out" "$tmp/err" "threadprog ($mode)"
	say "  every result right in every thread, all isolated (about $((end - start)) s)"

	c=$(stats_calls "$tmp/err" pkrsig_nop)
	f=$(stats_faults "$tmp/err" pkrsig_nop)
	test -n "$c" || {
		show "$tmp/err" stderr
		fail "no 'pkrewind[PID]: stats:   pkrsig_nop: calls N, faults M' line on stderr"; }
	test "$f" = 0 || fail "stats count $f faults of pkrsig_nop, expected 0"
	say "  stats: pkrsig_nop: calls $c, faults $f"
	if test "$c" != $total; then
		say "  WRONG COUNT: the $threads threads made $total calls (each one checked)"
		miscounts="$miscounts $mode:$c"
	fi
	need_calls "$tmp/err" pkrsig_upper pkrsig_format pkrsig_set_errno pkrsig_get_errno
done

test -z "$miscounts" ||
	fail "the stats count other than $total calls of pkrsig_nop (mode:count):$miscounts; the calls themselves all ran and returned the right values, so the shim's call counter lost counts when threads called at once"

say "PASS"
