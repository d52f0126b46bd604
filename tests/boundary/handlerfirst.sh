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
	nested_case handlerfirst $mode $iters
done
say "PASS"
