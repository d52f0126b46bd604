#!/bin/sh
# clobber: a library routine that returns normally but leaves %rbx, %rbp
# and %r12-%r15 pointing into program memory (issue 9: the gate's exit
# path trusted them).
#
# Asserts:
#  1. without the shim the six registers come back as the library left
#     them (misprog's harness sees the victim pointer): the fixture really
#     clobbers them;
#  2. under the shim, in read, none and write mode: misprog exits 0 with
#     "clobber: ok": the call returned 0, the six registers came back as
#     the constants the harness loaded (the gate restores them from its
#     own record), the victim buffer the registers pointed into (a
#     program global filled with 0xa5, not zero: the gate's stray stores
#     write zeros) is unchanged and the program's globals are unchanged; no fault was
#     reported for the call (it did not fault) and the stats show it went
#     through the gate.
. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/boundary/common.sh"

need_pku
need_built "$misprog"
need_shim

say "without the shim, pkrmis_clobber breaks the callee-saved registers"
mis_plain clobber
test $st -eq 1 && grep -q '^clobber: BAD (rbx came back as 0x.*r15 came back as' "$tmp/out" || {
	show_run; hard_error "without the shim, misprog clobber: $(describe_status), expected the six registers reported clobbered"; }
say "  $(cut -c1-110 "$tmp/out")..."

for mode in read none write; do
	say "misprog clobber under the shim (trusted-memory $mode)"
	mis $mode clobber
	not_killed "clobber ($mode)"
	need_ok clobber "clobber ($mode)"
	need_active "$tmp/err" pkrmis_clobber
	n=$(fault_count "$tmp/err" pkrmis_clobber)
	test "$n" -eq 0 || { show "$tmp/err" stderr; fail "clobber ($mode): $n fault diagnostics for a call that returned normally"; }
	say "  clobber: ok"
done
say "PASS"
