#!/bin/sh
# classes-write: the bug classes under `trusted-memory write` and
# `on-fault rewind` (tests/data/fault/rewind-write.policy).
#
# Write mode contains crashes but does not stop stray writes into program
# memory, so:
#  1. the crash classes (`bugprog crash 3`: NULL dereference, unmapped
#     read, use after free, double free, stack exhaustion, trap, division
#     by zero, and the write into another domain, which is still another
#     key) must be rewound exactly as in read mode: the policy's value and
#     errno, the program's memory unchanged, one diagnostic and one
#     "rewound" line per fault naming function, signal and si_code;
#  2. the wild write into a program global goes through (the documented
#     limit of write mode): bugprog sees its globals changed, and no fault
#     is reported.  The heap overflow and the stack smash are not run:
#     they would corrupt the program's heap and stack.
. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/fault/common.sh"

need_pku
need_built "$bugprog"
need_shim
pol=$policies/rewind-write.policy
PKREWIND_TEST_TIMEOUT=60

say "bugprog crash 3 under the shim (trusted-memory write, rewind)"
shim "$pol" "$bugprog" crash 3 >"$tmp/out" 2>"$tmp/err"
sed 's/^/  /' "$tmp/out"
n_ok=$(grep -c ': ok$' "$tmp/out")
if test $st -ne 0 || test "$n_ok" -ne 8 || test "$(wc -l <"$tmp/out")" -ne 8; then
	show "$tmp/err" stderr
	if grep -q 'BAD (call 1: errno ESRCH, expected' "$tmp/out"; then
		say "note: the calls were rewound with the right value, but the program's errno"
		say "note: is the one it had before the call, not the policy's (see the report:"
		say "note: pkr_fault_handler restores the errno it saved on entry after the rewind"
		say "note: stored the policy's errno; in write mode both are the program's errno)"
	fi
	fail "bugprog crash 3: $(describe_status), $n_ok of 8 classes ok"
fi

only_fault_lines "$tmp/err"
for fn in pkrbug_null_deref pkrbug_read_unmapped pkrbug_use_after_free pkrbug_double_free \
	  pkrbug_recurse pkrbug_trap pkrbug_divide pkrbug_write_other; do
	nf=$(fault_count "$tmp/err" "$fn")
	nr=$(rewound_count "$tmp/err" "$fn")
	test "$nf" -eq 3 && test "$nr" -eq 3 ||
		fail "$fn: $nf fault diagnostics and $nr 'rewound' lines, expected 3 and 3"
done
test "$(grep -c 'error: fault in domain ' "$tmp/err")" -eq 24 ||
	fail "expected 24 fault diagnostics in all"
expect_in "$tmp/err" pkrbug_null_deref "SIGSEGV (SEGV_MAPERR) reading 0x8 (unmapped memory)"
expect_in "$tmp/err" pkrbug_read_unmapped "SIGSEGV (SEGV_MAPERR) reading 0x" "(unmapped memory)"
expect_in "$tmp/err" pkrbug_use_after_free "SIGABRT"
expect_in "$tmp/err" pkrbug_double_free "SIGABRT"
expect_in "$tmp/err" pkrbug_recurse "SIGSEGV" "stack exhausted"
expect_in "$tmp/err" pkrbug_trap "SIGILL"
expect_in "$tmp/err" pkrbug_divide "SIGFPE (FPE_INTDIV)"
expect_in "$tmp/err" pkrbug_write_other "SIGSEGV (SEGV_PKUERR, key " "(another domain's memory)"
say "  $(fault_line "$tmp/err" pkrbug_recurse | sed 's/^pkrewind\[[0-9]*\]: error: //')"

say "bugprog wild-write under the shim (trusted-memory write): the write is not stopped"
shim "$pol" "$bugprog" wild-write >"$tmp/out" 2>"$tmp/err"
test $st -eq 1 && grep -q '^wild-write: BAD (call 1: returned 0, .*program globals changed' "$tmp/out" || {
	show "$tmp/out" stdout; show "$tmp/err" stderr
	fail "write mode: expected the wild write to go through (bugprog reports its globals changed), got $(describe_status)"; }
test "$(grep -c 'fault in domain' "$tmp/err")" -eq 0 ||
	fail "write mode: the wild write into program memory was reported as a fault"
say "  $(cat "$tmp/out")"

say "PASS"
