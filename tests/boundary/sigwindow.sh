#!/bin/sh
# sigwindow: a signal handler's call into a domain at every instruction
# of the gates' stack switches.  The forward gate used to copy a call's
# stacked arguments onto the domain's stack before moving %rsp there, and
# the callback gate moved %rsp to the program's stack before lowering the
# thread's domain stack pointer: a handler that interrupted either window
# and called into the domain started at the stack's top, over the copied
# arguments (a wrong result) or over the library's live frames (a crash in
# the library, rewound: a wrong result).  The stress test met these about
# once in a hundred runs; this one aims at them.
#
# `misprog sigwindow SECONDS [US]`: a timer signal every US microseconds
# (100 here, 1000 in a QEMU guest, where everything is slower) whose
# handler calls pkrmis_sum8 (eight arguments, two on the stack) and every
# 8th time pkrmis_stackfill (32 KiB of the domain's stack), both checked,
# while main loops pkrmis_callback(cb_ok, v) (cb_ok calls pkrmis_ok),
# pkrmis_sum8 and pkrmis_callback8(cb_sum8, v) (the library calls cb_sum8
# with eight arguments, two on the stack, and cb_sum8 passes them to
# pkrmis_sum8), checked.  Through the callback gate the stacked arguments
# are copied from the library's stack (before, cb_sum8 read the
# program's stack instead).
#
# Asserts, $PKREWIND_SIGWINDOW_SECONDS (default 3) seconds each, under
# mis-read.policy and mis-write.policy (the callback runs inside the
# domain) and mis-callback.policy (read mode, pkrmis_callback's pointer
# annotated `callback`: cb_ok runs through the callback gate):
#  1. misprog exits 0 with "sigwindow: ok": every result in the loop and
#     in the handler right, at least 100 signals;
#  2. no fault diagnostic at all (nothing in this run faults);
#  3. the stats show pkrmis_sum8 and pkrmis_callback called through the
#     gate (the shim isolated the library).
. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/boundary/common.sh"

need_pku
need_built "$misprog"
need_shim
: "${PKREWIND_SIGWINDOW_SECONDS:=3}"
PKREWIND_TEST_TIMEOUT=$((PKREWIND_SIGWINDOW_SECONDS + 60))
us=100
test -n "${PKREWIND_IN_GUEST:-}" && us=1000

say "without the shim: the harness itself"
mis_plain sigwindow 1 "$us"
test $st -eq 0 && grep -q '^sigwindow: ok$' "$tmp/out" || {
	show_run; hard_error "without the shim, misprog sigwindow 1 $us: $(describe_status)"; }
say "  $(grep '^misprog: sigwindow' "$tmp/out")"

for policy in read write callback; do
	say "misprog sigwindow $PKREWIND_SIGWINDOW_SECONDS $us under mis-$policy.policy"
	mis $policy sigwindow "$PKREWIND_SIGWINDOW_SECONDS" "$us"
	not_killed "sigwindow ($policy)"
	need_ok sigwindow "sigwindow ($policy)"
	if grep -q '^pkrewind\[[0-9]*\]: error: fault in domain ' "$tmp/err"; then
		show_run
		fail "sigwindow ($policy): the library faulted where nothing should"
	fi
	need_active "$tmp/err" pkrmis_sum8
	need_active "$tmp/err" pkrmis_callback
	say "  $(grep '^misprog: sigwindow' "$tmp/out")"
done
say "PASS"
