#!/bin/sh
# sigmask: a rewound call must not leave the program with the signal mask
# the library set.  pkrbug_masked_fault blocks every signal with
# sigprocmask (the domain runtime keeps the fault signals deliverable) and
# then dereferences NULL; it would have restored the mask on its way out.
#
# Asserts:
#  1. without the shim the fault kills the process (SIGSEGV, status 139:
#     a blocked hardware fault is fatal);
#  2. under the shim (read mode, with rewind and with reset; LD_PRELOAD
#     and the pkrewind command) `bugprog masked` passes: the
#     call returns the policy's value and errno, the program's memory is
#     unchanged, and the thread's signal mask after the call is the one it
#     had before (else bugprog reports e.g. "the signal mask changed (HUP
#     blocked)": SIGTERM, SIGINT, ... would stay blocked for good);
#  3. one fault diagnostic, naming pkrbug_masked_fault.
. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/fault/common.sh"

need_pku
need_built "$bugprog"
need_shim

say "bugprog masked without the shim"
extra_env="PKREWIND_POLICY=$policies/rewind-read.policy"
plain "$bugprog" masked >"$tmp/out" 2>"$tmp/err"
extra_env=
test $st -eq 139 || { show "$tmp/out" stdout; show "$tmp/err" stderr;
	hard_error "without the shim, bugprog masked: $(describe_status), expected SIGSEGV"; }

bad=
for run in shim:rewind-read via_cmd:rewind-read shim:reset-read; do
	how=${run%%:*} p=${run#*:}
	say "bugprog masked ($how, ${p%.policy})"
	$how "$policies/$p.policy" "$bugprog" masked >"$tmp/out" 2>"$tmp/err"
	out=$(cat "$tmp/out")
	test "$(fault_count "$tmp/err" pkrbug_masked_fault)" -eq 1 &&
	test "$(grep -c 'error: fault in domain ' "$tmp/err")" -eq 1 || {
		show "$tmp/err" stderr; fail "$how, $p: expected one fault diagnostic, for pkrbug_masked_fault"; }
	if test $st -eq 0 && test "$out" = "masked: ok"; then
		say "  $out"
	else
		say "  $(describe_status): $out"
		bad="$bad $how:$p"
	fi
done
test -z "$bad" || fail "the signal mask (or result) after a rewound call is wrong in:$bad"

say "PASS"
