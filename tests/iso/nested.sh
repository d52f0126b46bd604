#!/bin/sh
# nested: calls that nest across domains (tests/progs/nestprog,
# tests/data/iso/nested.policy: domain a = libpkrsig.so, domain b =
# libpkrver.so, both trusted-memory read).
#  cross  the program passes a callback to A (pkrsig_apply); the callback,
#         running with A's rights, calls B (pkrver_twice); B's result
#         comes back through A to the program;
#  same   A -> program -> A -> program -> A: the callback calls A again
#         (pkrsig_apply), whose callback calls A a third time
#         (pkrsig_nop), while the first callback's frame holds a pattern.
# Each 1000 times.  Asserts: status 0 and every result right; without the
# shim every "...other rights...: " line says "no", under it "yes" (A and B
# each isolated from the program and from each other, and B isolated from
# A when called from A's callback); A's rights come back after each call
# into B, and pkrsig_apply sees its PKRU unchanged across every callback;
# the stats count both domains' calls exactly: domain a 4001
# (pkrsig_apply 3000, pkrsig_nop 1000, pkrsig_pkru 1), domain b 2001
# (pkrver_twice 1000, pkrver_pkru 1001).
. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/iso/common.sh"

need_pku
need_built "$progs/nestprog"
need_shim
pol=$policies/nested.policy
n=1000

# domain_calls FILE NAME: the call count of the domain's stats line.
domain_calls() {
	sed -n "s/^pkrewind\[[0-9]*\]: stats: domain $2: calls \([0-9]*\),.*/\1/p" "$1" | tail -n 1
}

say "nestprog $n without the shim"
plain "$progs/nestprog" $n >"$tmp/ref.out" 2>"$tmp/ref.err"
test $st -eq 0 && ! grep -q ': yes$' "$tmp/ref.out" && test "$(grep -c ': no$' "$tmp/ref.out")" -eq 4 || {
	show "$tmp/ref.out" stdout; show "$tmp/ref.err" stderr
	hard_error "nestprog fails without the shim ($(describe_status))"; }
sed 's/: no$/: yes/' "$tmp/ref.out" >"$tmp/want.out"

for how in shim via_cmd; do
	say "nestprog $n under the shim ($how, trusted-memory read, PKREWIND_STATS=1)"
	extra_env=PKREWIND_STATS=1
	$how "$pol" "$progs/nestprog" $n >"$tmp/out" 2>"$tmp/err"
	extra_env=
	check_run "$tmp/want.out" "$tmp/out" "$tmp/err" "nestprog ($how)"
	sed 's/^/    /' "$tmp/out"

	for want in pkrsig_apply:$((3 * n)) pkrsig_nop:$n pkrsig_pkru:1 \
		    pkrver_twice:$n pkrver_pkru:$((n + 1)); do
		fn=${want%%:*} count=${want#*:}
		c=$(stats_calls "$tmp/err" "$fn")
		f=$(stats_faults "$tmp/err" "$fn")
		test "$c" = "$count" && test "$f" = 0 || {
			show "$tmp/err" stderr
			fail "stats: $fn: calls '$c', faults '$f'; expected calls $count, faults 0"; }
	done
	a=$(domain_calls "$tmp/err" a)
	b=$(domain_calls "$tmp/err" b)
	test "$a" = $((4 * n + 1)) && test "$b" = $((2 * n + 1)) || {
		show "$tmp/err" stderr
		fail "stats: domain a: calls '$a', domain b: calls '$b'; expected $((4 * n + 1)) and $((2 * n + 1))"; }
	say "  stats: domain a: calls $a, domain b: calls $b (every function's count exact)"
done

say "PASS"
