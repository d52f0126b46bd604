#!/bin/sh
# annotate: argument annotations (issue 11) on a fixture whose functions
# write into memory their caller owns, one per annotation kind: out,
# inout, string, in, `*argN` lengths, stacked arguments (arg7..), handles, and a zlib-shaped stream
# struct the library keeps a back pointer to (tests/fixtures/libpkrann.c,
# policies tests/data/args/ann-*.policy).
#
# Asserts:
#  1. read, none and write modes with the annotated policy: output
#     byte-identical to the plain run, no fault (stats), every function
#     called through the gate;
#  2. the control: read mode without annotations faults on those writes
#     (so 1 shows the annotations at work, not a library that writes
#     nothing);
#  3. a forged handle (a pointer at the program's own memory) is refused
#     with the fault-return and a diagnostic, and the memory is unchanged;
#  4. a library writing 12 bytes past an `out` buffer: in read and none
#     modes the program's bytes after the buffer are unchanged (the
#     overrun lands in the domain's copy); a plain run shows they would
#     change;
#  5. an absurd length (2^40 bytes) is refused, the buffer unchanged.
. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/iso/common.sh"

need_pku
annprog=$top_builddir/tests/progs/annprog
need_built "$annprog"
need_shim
policies=$top_srcdir/tests/data/args

plain "$annprog" calls >"$tmp/want" 2>"$tmp/want.err"
test $st -eq 0 || hard_error "annprog failed without the shim ($(describe_status))"
grep -q '^stream: 55 \[THE QUICK BROWN FOX' "$tmp/want" || { show "$tmp/want" stdout;
	hard_error "annprog's plain run did not stream"; }

for mode in read none write; do
	say "$mode mode: every annotation kind, called correctly"
	extra_env=PKREWIND_STATS=1 shim "$policies/ann-$mode.policy" "$annprog" calls \
		>"$tmp/out" 2>"$tmp/err"
	extra_env=
	test $st -eq 0 || { show "$tmp/err" stderr; fail "$mode mode: annprog calls: $(describe_status)"; }
	cmp -s "$tmp/want" "$tmp/out" || { diff "$tmp/want" "$tmp/out"; show "$tmp/err" stderr;
		fail "$mode mode: output differs from the plain run"; }
	for fn in pkrann_fill pkrann_inc pkrann_len pkrann_rev pkrann_use pkrann_init \
		  pkrann_step pkrann_end pkrann_stack; do
		c=$(stats_calls "$tmp/err" $fn)
		f=$(stats_faults "$tmp/err" $fn)
		test -n "$c" && test "$c" -gt 0 && test "$f" = 0 ||
			{ show "$tmp/err" stderr; fail "$mode mode: $fn: $c calls, $f faults (want calls, no fault)"; }
	done
	if grep -q 'error:' "$tmp/err"; then
		show "$tmp/err" stderr; fail "$mode mode: the shim reported an error"
	fi
done

say "control: read mode without annotations faults on the same calls"
extra_env=PKREWIND_STATS=1 shim "$policies/ann-bare.policy" "$annprog" calls \
	>"$tmp/out" 2>"$tmp/err"
extra_env=
test $st -eq 0 || test $st -eq 1 || { show "$tmp/err" stderr; fail "control: $(describe_status)"; }
f=$(stats_faults "$tmp/err" pkrann_fill)
test "$f" = 1 || { show "$tmp/err" stderr; fail "control: pkrann_fill: $f faults, want 1"; }
grep -q 'fault in domain ann calling pkrann_fill' "$tmp/err" ||
	{ show "$tmp/err" stderr; fail "control: no fault diagnostic for pkrann_fill"; }

say "a forged handle is refused"
plain "$annprog" forge >"$tmp/out" 2>&1
grep -q '^forge: returned 301, victim 100 1$' "$tmp/out" ||
	{ show "$tmp/out" output; hard_error "plain forge run: the library did not write the victim"; }
for mode in read none write; do
	shim "$policies/ann-$mode.policy" "$annprog" forge >"$tmp/out" 2>"$tmp/err"
	test $st -eq 0 || { show "$tmp/err" stderr; fail "$mode mode: forge: $(describe_status)"; }
	grep -q '^forge: returned -1, victim 100 0$' "$tmp/out" ||
		{ show "$tmp/out" stdout; show "$tmp/err" stderr; fail "$mode mode: forged handle not refused"; }
	grep -q "domain ann: call to pkrann_use refused: argument 1 (handle) 0x[0-9a-f]* is not the domain's memory; returns -1" "$tmp/err" ||
		{ show "$tmp/err" stderr; fail "$mode mode: no diagnostic for the forged handle"; }
done

say "an overrun of an out buffer stays in the domain's copy"
dots=$(printf '%044d' 0 | tr 0 .)
plain "$annprog" overrun >"$tmp/out" 2>&1
grep -q "^overrun: returned 20 \[OOOOOOOOOOOOOOOOOOOOOOOOOOOOOOOO" "$tmp/out" ||
	{ show "$tmp/out" output; hard_error "plain overrun run: the library did not overrun"; }
for mode in read none; do
	shim "$policies/ann-$mode.policy" "$annprog" overrun >"$tmp/out" 2>"$tmp/err"
	test $st -eq 0 || { show "$tmp/err" stderr; fail "$mode mode: overrun: $(describe_status)"; }
	grep -q "^overrun: returned 20 \[OOOOOOOOOOOOOOOOOOOO$dots\]$" "$tmp/out" ||
		{ show "$tmp/out" stdout; show "$tmp/err" stderr;
		  fail "$mode mode: program bytes after the buffer changed"; }
done

say "an absurd length is refused"
for mode in read none; do
	shim "$policies/ann-$mode.policy" "$annprog" huge >"$tmp/out" 2>"$tmp/err"
	test $st -eq 0 || { show "$tmp/err" stderr; fail "$mode mode: huge: $(describe_status)"; }
	grep -q '^huge: returned 18446744073709551615 \[\.\.\.\.\.\.\.\.\.\.\.\.\.\.\.\.\]$' "$tmp/out" ||
		{ show "$tmp/out" stdout; show "$tmp/err" stderr; fail "$mode mode: huge length not refused"; }
	grep -q "call to pkrann_fill refused: argument 1 (out) has a length past" "$tmp/err" ||
		{ show "$tmp/err" stderr; fail "$mode mode: no diagnostic for the huge length"; }
done
say "PASS"
