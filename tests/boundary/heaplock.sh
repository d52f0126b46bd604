#!/bin/sh
# heaplock: two threads allocate heavily inside the library while a third
# makes library calls that fault inside the domain runtime (an abort()
# from its free() checks, and a fault in its sigprocmask, which does not
# hold the heap lock) (issue 9: the shim released the heap lock after a
# fault by code address, not by owner).
#
# Asserts:
#  1. without the shim (no faulting thread) the two churn threads run
#     clean for 2 s;
#  2. under the shim, read and write mode, 3 s: misprog exits 0 with
#     "heaplock: ok" within the time limit (status 124 = deadlock =
#     failure): every pkrmis_churn call succeeded with its data intact,
#     every faulting call returned its fault-return (-211, -212), and each
#     faulting call has its own fault diagnostic.
. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/boundary/common.sh"

need_pku
need_built "$misprog"
need_shim
PKREWIND_TEST_TIMEOUT=25

say "without the shim: two threads churning the heap"
mis_plain heaplock 2 nofault
test $st -eq 0 && grep -q '^heaplock: ok$' "$tmp/out" || {
	show_run; hard_error "without the shim, misprog heaplock 2 nofault: $(describe_status)"; }
say "  $(grep '^misprog: heaplock' "$tmp/out")"

for mode in read write; do
	say "misprog heaplock 3 under the shim (trusted-memory $mode)"
	mis $mode heaplock 3
	test $st -ne 124 || { show_run; fail "heaplock ($mode): no end after ${PKREWIND_TEST_TIMEOUT}s: deadlock"; }
	not_killed "heaplock ($mode)"
	need_ok heaplock "heaplock ($mode)"
	n=$(sed -n 's/^misprog: heaplock: .* churn calls, \([0-9]*\) faulting calls$/\1/p' "$tmp/out")
	f=$(( $(fault_count "$tmp/err" pkrmis_bad_free) + $(fault_count "$tmp/err" pkrmis_bad_mask) ))
	test "$f" -eq "$n" || { show "$tmp/err" stderr; fail "heaplock ($mode): $f fault diagnostics for $n faulting calls"; }
	test "$(fault_count "$tmp/err" pkrmis_churn)" -eq 0 || {
		show "$tmp/err" stderr; fail "heaplock ($mode): pkrmis_churn faulted ($(fault_count "$tmp/err" pkrmis_churn) times)"; }
	say "  $(grep '^misprog: heaplock' "$tmp/out")"
done
say "PASS"
