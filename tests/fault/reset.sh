#!/bin/sh
# reset: `on-fault reset` really puts the domain back as it was created,
# and `on-fault rewind` really does not.
#
# Asserts:
#  1. `bugprog reset` (pkrbug_counter_bump twice, a fault, twice, a fault,
#     once) prints "counter: 1 2 fault 1 2 fault 1" with
#     tests/data/fault/reset-read.policy: each fault restored libpkrbug's
#     counter to 0 - and "counter: 1 2 fault 3 4 fault 5" with
#     rewind-read.policy, where the counter survives the faults;
#  2. with reset, the "rewound" lines say the domain was reset, and the
#     stats count one reset per fault;
#  3. with reset, every bug class (`bugprog all 3`) is still rewound with
#     the policy's values and leaves the program's memory unchanged.
. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/fault/common.sh"

need_pku
need_built "$bugprog"
need_shim
PKREWIND_TEST_TIMEOUT=60

say "bugprog reset (on-fault reset)"
extra_env=PKREWIND_STATS=1
shim "$policies/reset-read.policy" "$bugprog" reset >"$tmp/out" 2>"$tmp/err"
out=$(cat "$tmp/out")
test $st -eq 0 && test "$out" = "counter: 1 2 fault 1 2 fault 1" || {
	show "$tmp/err" stderr
	fail "on-fault reset: expected 'counter: 1 2 fault 1 2 fault 1', got '$out' ($(describe_status))"; }
say "  $out"
test "$(grep -c 'call to pkrbug_null_deref rewound: .*; domain reset$' "$tmp/err")" -eq 2 || {
	show "$tmp/err" stderr; fail "on-fault reset: expected two 'rewound ...; domain reset' lines"; }
grep -q '^pkrewind\[[0-9]*\]: stats: domain bug: calls [0-9]*, faults 2, resets 2$' "$tmp/err" || {
	show "$tmp/err" stderr; fail "on-fault reset: the stats should count 2 faults and 2 resets"; }

say "bugprog reset (on-fault rewind): the counter goes on"
shim "$policies/rewind-read.policy" "$bugprog" reset >"$tmp/out" 2>"$tmp/err"
out=$(cat "$tmp/out")
test $st -eq 0 && test "$out" = "counter: 1 2 fault 3 4 fault 5" || {
	show "$tmp/err" stderr
	fail "on-fault rewind: expected 'counter: 1 2 fault 3 4 fault 5', got '$out' ($(describe_status))"; }
say "  $out"
grep -q '^pkrewind\[[0-9]*\]: stats: domain bug: calls [0-9]*, faults 2, resets 0$' "$tmp/err" || {
	show "$tmp/err" stderr; fail "on-fault rewind: the stats should count 2 faults and no reset"; }
extra_env=

say "bugprog all 3 (on-fault reset)"
shim "$policies/reset-read.policy" "$bugprog" all 3 >"$tmp/out" 2>"$tmp/err"
n_ok=$(grep -c ': ok$' "$tmp/out")
test $st -eq 0 && test "$n_ok" -eq 11 || {
	show "$tmp/out" stdout; show "$tmp/err" stderr
	fail "bugprog all 3 with on-fault reset: $(describe_status), $n_ok of 11 classes ok"; }
only_fault_lines "$tmp/err"
test "$(grep -c 'error: fault in domain ' "$tmp/err")" -eq 33 &&
test "$(grep -c 'rewound.*domain reset$' "$tmp/err")" -eq 33 || {
	show "$tmp/err" stderr; fail "expected 33 fault diagnostics, each rewound with a reset"; }
say "  11 classes x 3: ok, 33 resets"

say "PASS"
