#!/bin/sh
# handlerfirst: a thread whose first call into a domain is made by a
# signal handler.  The shim sets up the thread's alternate signal stack
# in that call; the handler's sigreturn then put back the state from
# before the signal (no altstack), because the thread had no state when
# the handler started and the altstack was never written into the
# handler's frame.  The thread's next signal inside a library call got
# its frame on the domain's stack, and a call the program handler made
# into the domain overwrote it: a silent SIGSEGV or SIGBUS (found by
# stress.sh in a 6.1 guest, reproduced here on every kernel).
#
# Asserts, read and write mode: misprog handlerfirst exits 0 with
# "handlerfirst: ok" - the thread has an altstack after the handler, and
# the nested case (SIGALRM handlers calling into the domain the thread
# is in, faulting every other time) passes in that thread: one fault
# diagnostic and one "rewound" line per nested fault, none for
# pkrmis_spin or pkrmis_stackfill.
. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/boundary/common.sh"

need_pku
need_built "$misprog"
need_shim
iters=20000000

for mode in read write; do
	say "misprog handlerfirst $iters under the shim (trusted-memory $mode)"
	mis $mode handlerfirst $iters
	not_killed "handlerfirst ($mode)"
	need_ok handlerfirst "handlerfirst ($mode)"
	m=$(sed -n 's/^misprog: nested: [0-9]* signals, \([0-9]*\) nested faults$/\1/p' "$tmp/out")
	test -n "$m" && test "$m" -gt 0 || { show_run; fail "handlerfirst ($mode): no nested faults counted"; }
	need_faults "$tmp/err" pkrmis_null "$m" "handlerfirst ($mode)"
	for fn in pkrmis_spin pkrmis_stackfill; do
		test "$(fault_count "$tmp/err" $fn)" -eq 0 || { show "$tmp/err" stderr; fail "handlerfirst ($mode): $fn faulted"; }
	done
	say "  $(grep '^misprog: nested' "$tmp/out"), each rewound"
done
say "PASS"
