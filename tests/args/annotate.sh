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
#     called through the gate (in none mode too the library's C library
#     reads the vDSO's clocks and the program's environment);
#  2. the control: read mode without annotations faults on those writes
#     (so 1 shows the annotations at work, not a library that writes
#     nothing);
#  3. a forged handle (a pointer at the program's own memory) is refused
#     with the fault-return and a diagnostic, and the memory is unchanged;
#  4. a library writing 12 bytes past an `out` buffer: in read and none
#     modes the program's bytes after the buffer are unchanged (the
#     overrun lands in the domain's copy); a plain run shows they would
#     change;
#  5. an absurd length (2^40 bytes) is refused, the buffer unchanged;
#  6. `callback` arguments and struct fields: program functions the
#     library calls write the program's memory and call into the library
#     again, in every mode (plain run's output, no fault); one the library
#     hands back is callable by the program; without the annotation the
#     same calls fault in read mode;
#  7. `sret 40`: a struct returned by value (through the hidden pointer)
#     is the plain run's in every mode, and a call of it that faults is
#     rewound and the program goes on;
#  8. a library that calls a callback stub of a slot not its own is
#     rewound with a diagnostic;
#  9. a NULL dereference in a program callback kills the process with the
#     signal it would without the shim, and is not reported or rewound as
#     the library's.
. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/iso/common.sh"

need_pku
annprog=$top_builddir/tests/progs/annprog
need_built "$annprog"
need_shim
policies=$top_srcdir/tests/data/args

# same_as_plain TEST WANT: under $mode's policy, with stats, `annprog
# TEST` exits 0 and prints WANT (the plain run's output).
same_as_plain() {
	extra_env=PKREWIND_STATS=1 shim "$policies/ann-$mode.policy" "$annprog" "$1" \
		>"$tmp/out" 2>"$tmp/err"
	extra_env=
	test $st -eq 0 || { show "$tmp/err" stderr; fail "$mode mode: annprog $1: $(describe_status)"; }
	cmp -s "$2" "$tmp/out" || { diff "$2" "$tmp/out"; show "$tmp/err" stderr;
		fail "$mode mode: annprog $1: output differs from the plain run"; }
}

# expect MODES TEST OUT ERR WHAT: under each mode's policy `annprog TEST`
# exits 0, prints a line matching OUT, and the shim's stderr matches ERR
# (unless ERR is empty).
expect() {
	for mode in $1; do
		shim "$policies/ann-$mode.policy" "$annprog" "$2" >"$tmp/out" 2>"$tmp/err"
		test $st -eq 0 || { show "$tmp/err" stderr; fail "$mode mode: $2: $(describe_status)"; }
		grep -q "$3" "$tmp/out" ||
			{ show "$tmp/out" stdout; show "$tmp/err" stderr; fail "$mode mode: $5"; }
		test -z "$4" || grep -q "$4" "$tmp/err" ||
			{ show "$tmp/err" stderr; fail "$mode mode: no diagnostic: $5"; }
	done
}

plain "$annprog" calls >"$tmp/want" 2>"$tmp/want.err"
test $st -eq 0 || hard_error "annprog failed without the shim ($(describe_status))"
grep -q '^stream: 55 \[THE QUICK BROWN FOX' "$tmp/want" || { show "$tmp/want" stdout;
	hard_error "annprog's plain run did not stream"; }

for mode in read none write; do
	say "$mode mode: every annotation kind, called correctly"
	same_as_plain calls "$tmp/want"
	need_calls "$tmp/err" pkrann_fill pkrann_inc pkrann_len pkrann_rev pkrann_use \
		pkrann_init pkrann_step pkrann_end pkrann_stack pkrann_clocks pkrann_hasenv
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

say "callbacks: program functions the library calls run with the program's rights"
plain "$annprog" callbacks >"$tmp/wantcb" 2>&1
test $st -eq 0 || hard_error "annprog callbacks failed without the shim ($(describe_status))"
for mode in read none write; do
	same_as_plain callbacks "$tmp/wantcb"
	need_calls "$tmp/err" pkrann_each pkrann_run pkrann_len
done
say "callbacks without protection keys (rewind-only; PKREWIND_NO_KEYS=1)"
extra_env=PKREWIND_NO_KEYS=1 shim "$policies/ann-nokeys.policy" "$annprog" callbacks \
	>"$tmp/out" 2>"$tmp/err"
extra_env=
test $st -eq 0 || { show "$tmp/err" stderr; fail "no keys: annprog callbacks: $(describe_status)"; }
cmp -s "$tmp/wantcb" "$tmp/out" || { diff "$tmp/wantcb" "$tmp/out"; show "$tmp/err" stderr;
	fail "no keys: callbacks: output differs from the plain run"; }
shim "$policies/ann-bare.policy" "$annprog" callbacks >"$tmp/out" 2>"$tmp/err"
grep -q 'fault in domain ann calling pkrann_each' "$tmp/err" ||
	{ show "$tmp/err" stderr; fail "control: a program callback writing program memory did not fault without 'callback'"; }

say "a crash in a program callback is the program's own"
plain "$annprog" cbcrash >"$tmp/out" 2>&1
plain_st=$st
test $plain_st -gt 128 || hard_error "annprog cbcrash did not crash without the shim ($(describe_status))"
for mode in read none write; do
	shim "$policies/ann-$mode.policy" "$annprog" cbcrash >"$tmp/out" 2>"$tmp/err"
	test $st -eq $plain_st || { show "$tmp/err" stderr;
		fail "$mode mode: cbcrash: $(describe_status), want status $plain_st as without the shim"; }
	if grep -q 'fault in domain\|rewound' "$tmp/err"; then
		show "$tmp/err" stderr; fail "$mode mode: the program's own crash was taken for the library's"
	fi
	grep -q '^cbcrash' "$tmp/out" && { show "$tmp/out" stdout; fail "$mode mode: cbcrash went on after the crash"; }
done

say "a library entering a callback stub not its own is refused"
expect "read none write" forgecb '^forgecb: returned -1$' \
	"domain ann entered a callback stub that is not one of its own" "forged callback not rewound"

say "a call returning a struct by value (sret) that faults is rewound"
expect "read none write" sretfault '^sretfault: survived$' \
	"domain ann: call to pkrann_make rewound: returns -1" "sret call not rewound"

say "a forged handle is refused"
plain "$annprog" forge >"$tmp/out" 2>&1
grep -q '^forge: returned 301, victim 100 1$' "$tmp/out" ||
	{ show "$tmp/out" output; hard_error "plain forge run: the library did not write the victim"; }
expect "read none write" forge '^forge: returned -1, victim 100 0$' \
	"domain ann: call to pkrann_use refused: argument 1 (handle) 0x[0-9a-f]* is not the domain's memory; returns -1" \
	"forged handle not refused"

say "an overrun of an out buffer stays in the domain's copy"
dots=$(printf '%044d' 0 | tr 0 .)
plain "$annprog" overrun >"$tmp/out" 2>&1
grep -q "^overrun: returned 20 \[OOOOOOOOOOOOOOOOOOOOOOOOOOOOOOOO" "$tmp/out" ||
	{ show "$tmp/out" output; hard_error "plain overrun run: the library did not overrun"; }
expect "read none" overrun "^overrun: returned 20 \\[OOOOOOOOOOOOOOOOOOOO$dots\\]$" "" \
	"program bytes after the buffer changed"

say "an absurd length is refused"
expect "read none" huge '^huge: returned 18446744073709551615 \[\.\.\.\.\.\.\.\.\.\.\.\.\.\.\.\.\]$' \
	"call to pkrann_fill refused: argument 1 (out) has a length below 0 or past" "huge length not refused"
say "PASS"
