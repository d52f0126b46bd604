#!/bin/sh
# dlopen: a program that does not link the library but dlopen()s it by
# path and calls what dlsym() returns.  Under the shim the calls must be
# isolated ("isolated": the library runs with another PKRU) and return the
# right values (pkrsig_nop, and the variadic pkrsig_sum with stacked
# arguments).  Without the shim: the same values, "not isolated".
. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/iso/common.sh"

need_pku
need_built "$progs/dlprog" "$fixture_so"
need_shim

expect_vals='nop(41)=42
sum=204 ok'

say "dlprog without the shim"
plain "$progs/dlprog" "$fixture_so" >"$tmp/out" 2>"$tmp/err"
test $st -eq 0 && test "$(cat "$tmp/out")" = "$expect_vals
not isolated" || { show "$tmp/out" stdout; show "$tmp/err" stderr;
	hard_error "dlprog fails without the shim ($(describe_status))"; }

for mode in read write; do
	for how in shim via_cmd; do
		say "dlprog under the shim ($how, trusted-memory $mode)"
		$how "$policies/sig-$mode.policy" "$progs/dlprog" "$fixture_so" >"$tmp/out" 2>"$tmp/err"
		out=$(cat "$tmp/out")
		if test $st -ne 0 || test "$out" != "$expect_vals
isolated"; then
			show "$tmp/out" stdout
			show "$tmp/err" stderr
			case $out in
			*"not isolated") fail "dlprog ($how, $mode): the dlopen()ed library is not isolated ($(describe_status))" ;;
			*) fail "dlprog ($how, $mode): wrong output, $(describe_status)" ;;
			esac
		fi
	done
done

say "PASS"
