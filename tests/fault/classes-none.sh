#!/bin/sh
# classes-none: every bug class of libpkrbug under `trusted-memory none`
# (tests/data/fault/rewind-none.policy), LD_PRELOAD and the pkrewind
# command.  Asserts what classes-read.sh asserts for the run under the
# shim: `bugprog all 3` passes (the policy's value and errno for every
# call, the program's memory and signal mask unchanged), one diagnostic
# and one "rewound" line per fault, nothing else from pkrewind, and the
# stray writes are reported as writes into program memory at the address
# the program says each bug writes first.
. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/fault/common.sh"

need_pku
need_built "$bugprog"
need_shim
pol=$policies/rewind-none.policy
PKREWIND_TEST_TIMEOUT=60

# The third pass forces the signal stacks of kernels before 6.12 (tagged
# with a key every domain may write, retagged while a handler runs), so
# that arrangement is tested on every kernel.
shim_sigkey() {
	extra_env=PKREWIND_SIGSTACK_KEY=1
	shim "$@"
	extra_env=
}

for how in shim via_cmd shim_sigkey; do
	say "bugprog all 3 under the shim ($how, trusted-memory none, rewind)"
	$how "$pol" "$bugprog" all 3 >"$tmp/out" 2>"$tmp/err"
	n_ok=$(grep -c ': ok$' "$tmp/out")
	if test $st -ne 0 || test "$n_ok" -ne 11 || test "$(wc -l <"$tmp/out")" -ne 11; then
		show "$tmp/out" stdout
		show "$tmp/err" stderr
		fail "bugprog all 3 ($how): $(describe_status), $n_ok of 11 classes ok"
	fi
	only_fault_lines "$tmp/err"
	test "$(grep -c 'error: fault in domain ' "$tmp/err")" -eq 33 &&
	test "$(grep -c 'error: domain bug: call to .* rewound' "$tmp/err")" -eq 33 || {
		show "$tmp/err" stderr; fail "$how: expected 33 fault diagnostics and 33 'rewound' lines"; }
	for fn in pkrbug_wild_write pkrbug_heap_overflow pkrbug_stack_smash; do
		test "$(fault_count "$tmp/err" "$fn")" -eq 3 || fail "$how: expected 3 faults of $fn"
		expect_in "$tmp/err" "$fn" "SIGSEGV (SEGV_PKUERR, key 0) writing 0x" "(program memory)"
	done
	expect_addr "$tmp/err" wild-write pkrbug_wild_write
	expect_addr "$tmp/err" heap-overflow pkrbug_heap_overflow
	expect_addr "$tmp/err" stack-smash pkrbug_stack_smash
	expect_addr "$tmp/err" other-domain pkrbug_write_other
	expect_in "$tmp/err" pkrbug_recurse "stack exhausted"
	expect_in "$tmp/err" pkrbug_write_other "(another domain's memory)"
	say "  11 classes x 3: ok, 33 diagnostics"
done

say "PASS"
