#!/bin/sh
# jump: the program longjmps out of a library call - from an annotated
# callback (libjpeg's error_exit, libpng's error function do this), or
# from a signal handler that interrupted the call (a time-out) - and goes
# on using the library.  The shim interposes the longjmp family
# (src/jump.c): the calls left are abandoned as after a fault, the domain
# stacks start from their tops again, and a jump out of a handler arms
# the alternate signal stack again (the kernel disarmed it for the
# handler; only a sigreturn would re-arm it).
#
# Asserts:
#  1. misprog jumpcb 5000 under mis-callback.policy (the callback gate):
#     every jump lands with its value, pkrmis_ok works after each, and
#     then pkrmis_recurse - which exhausts the domain stack - is rewound
#     (before, each jump left the domain stack pointer lowered below the
#     abandoned frames: 5000 of them exhausted the 1M stack and the
#     library crashed in ordinary calls);
#  2. misprog jumpsig 20 in read and write mode: after each siglongjmp out
#     of the SIGALRM handler and out of pkrmis_spin, sigaltstack reports
#     the altstack armed and pkrmis_ok works; pkrmis_recurse at the end is
#     rewound (its fault can only be delivered on the altstack; before,
#     the altstack was off after the first jump);
#  3. in both, the shim said the abandoned calls (the first three) and
#     every fault it rewound was pkrmis_recurse's.
. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/boundary/common.sh"

need_pku
need_built "$misprog"
need_shim

jumped() {
	_j=$(grep -c "^pkrewind\[[0-9]*\]: warning: domain mis: the program jumped (longjmp) out of its call to $1: the call is abandoned" "$tmp/err")
	if test "$_j" -ne 3; then
		show_run
		fail "$2: $_j 'jumped out' warnings for $1, expected the first 3"
	fi
	_f=$(grep -c '^pkrewind\[[0-9]*\]: error: fault in domain ' "$tmp/err")
	_r=$(fault_count "$tmp/err" pkrmis_recurse)
	if test "$_f" -ne 1 || test "$_r" -ne 1; then
		show_run
		fail "$2: $_f faults diagnosed, $_r of them pkrmis_recurse's; expected exactly that one"
	fi
	need_faults "$tmp/err" pkrmis_recurse 1 "$2"
	fault_line "$tmp/err" pkrmis_recurse | grep -q 'stack guard page (stack exhausted)' || {
		show_run; fail "$2: pkrmis_recurse's fault is not the domain stack's exhaustion"; }
}

say "misprog jumpcb 5000 under mis-callback.policy"
mis callback jumpcb 5000
not_killed "jumpcb"
need_ok jumpcb "jumpcb"
jumped pkrmis_callback "jumpcb"
say "  $(grep '^misprog: jumpcb' "$tmp/out")"

for mode in read write; do
	say "misprog jumpsig 20 (trusted-memory $mode)"
	mis $mode jumpsig 20
	not_killed "jumpsig ($mode)"
	need_ok jumpsig "jumpsig ($mode)"
	jumped pkrmis_spin "jumpsig ($mode)"
	say "  $(grep '^misprog: jumpsig' "$tmp/out")"
done
say "PASS"
