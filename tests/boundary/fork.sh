#!/bin/sh
# fork: a library function that calls fork() (issue 9: in read mode the
# child faulted inside glibc's fork, was rewound and returned into the
# program, which then ran twice).
#
# Asserts, without the shim and under it in read and write mode: misprog
# exits 0 and its output is exactly "child ok" and "parent ok", once each
# (the parent's code after the call ran once, the child's once), with no
# fault diagnostic.
. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/boundary/common.sh"

need_pku
need_built "$misprog"
need_shim
PKREWIND_TEST_TIMEOUT=10

check_fork() {
	if test $st -ne 0 || test "$(grep -c '^child ok$' "$tmp/out")" -ne 1 ||
	   test "$(grep -c '^parent ok$' "$tmp/out")" -ne 1 || test "$(wc -l <"$tmp/out")" -ne 2; then
		show_run
		fail "$1: $(describe_status), $(grep -c '^child ok$' "$tmp/out") 'child ok', $(grep -c '^parent ok$' "$tmp/out") 'parent ok', $(wc -l <"$tmp/out") lines (expected one each)"
	fi
}

say "without the shim"
mis_plain fork
(check_fork "fork (without the shim)") || hard_error "misprog fork fails without the shim"

for mode in read write; do
	say "misprog fork under the shim (trusted-memory $mode)"
	mis $mode fork
	not_killed "fork ($mode)"
	check_fork "fork ($mode)"
	test "$(grep -c 'fault in domain' "$tmp/err")" -eq 0 || { show "$tmp/err" stderr; fail "fork ($mode): a fault was reported"; }
	say "  child ok, parent ok"
done
say "PASS"
