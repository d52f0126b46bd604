#!/bin/sh
# loop: ten million trampolined calls in read mode.  sigprog loop checks
# every result (pkrsig_nop(x) == x + 1) and prints the count; with
# PKREWIND_STATS=1 the shim's exit statistics must count exactly
# 10000000 calls of pkrsig_nop and no fault.
. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/iso/common.sh"

need_pku
need_built "$progs/sigprog"
need_shim
n=10000000

say "sigprog loop $n under the shim (trusted-memory read, PKREWIND_STATS=1)"
start=$(date +%s)
extra_env=PKREWIND_STATS=1
shim "$policies/sig-read.policy" "$progs/sigprog" loop $n >"$tmp/out" 2>"$tmp/err"
end=$(date +%s)
out=$(cat "$tmp/out")
test $st -eq 0 && test "$out" = $n || {
	show "$tmp/err" stderr
	fail "expected '$n' and status 0, got '$out', $(describe_status)"; }
say "  $n calls in about $((end - start)) s"

calls=$(stats_calls "$tmp/err" pkrsig_nop)
faults=$(stats_faults "$tmp/err" pkrsig_nop)
test -n "$calls" || {
	show "$tmp/err" stderr
	fail "no 'pkrewind[PID]: stats:   pkrsig_nop: calls N, faults M' line on stderr"; }
test "$calls" = $n || fail "stats count $calls calls of pkrsig_nop, expected $n"
test "$faults" = 0 || fail "stats count $faults faults of pkrsig_nop, expected 0"
say "  stats: pkrsig_nop: calls $calls, faults $faults"

say "PASS"
