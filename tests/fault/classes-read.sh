#!/bin/sh
# classes-read: every bug class of libpkrbug under `trusted-memory read`
# and `on-fault rewind` (tests/data/fault/rewind-read.policy).
#
# Asserts:
#  1. without the shim each class really is a bug: the process dies of the
#     expected signal (SIGSEGV, SIGILL, SIGFPE, SIGABRT) or bugprog sees
#     its memory changed - so a pass under the shim means something;
#  2. under the shim (LD_PRELOAD), `bugprog all 3` passes: every call
#     returned the policy's per-function fault-return with its errno, and
#     all of the program's memory (globals, heap blocks, stack frames, the
#     buffers it handed in) and libpkrbug2's table are unchanged;
#  3. stderr has exactly one fault diagnostic and one "rewound" line per
#     fault (3 per function), nothing else from pkrewind, and each
#     diagnostic names the function, the signal, the si_code and what was
#     hit (program memory, unmapped memory, the stack guard page, another
#     domain's memory) - for the stray writes at the very address the
#     program says the bug writes first (its global, the byte after its
#     heap block, the byte after its stack buffer, libpkrbug2's table
#     word); the "rewound" line states the policy's value;
#  4. PKREWIND_STATS counts 3 calls and 3 faults per function;
#  5. the same run through the pkrewind command passes too.
. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/fault/common.sh"

need_pku
need_built "$bugprog"
need_shim
pol=$policies/rewind-read.policy
PKREWIND_TEST_TIMEOUT=60

# class function signal-status-without-the-shim (0: bugprog reports BAD)
classes='wild-write pkrbug_wild_write 0
heap-overflow pkrbug_heap_overflow any
stack-smash pkrbug_stack_smash any
null pkrbug_null_deref 139
unmapped pkrbug_read_unmapped 139
use-after-free pkrbug_use_after_free 134
double-free pkrbug_double_free 134
recursion pkrbug_recurse 139
trap pkrbug_trap 132
divzero pkrbug_divide 136
other-domain pkrbug_write_other 0'

say "without the shim, every class is a real bug"
extra_env="PKREWIND_POLICY=$pol"
echo "$classes" | while read -r c fn want; do
	plain "$bugprog" "$c" >"$tmp/out" 2>"$tmp/err"
	case $want in
	0)   test $st -eq 1 && grep -q "^$c: BAD (call 1: returned 0, expected .*changed" "$tmp/out" ;;
	any) test $st -ne 0 && ! grep -q "^$c: ok" "$tmp/out" ;;
	*)   test $st -eq "$want" ;;
	esac || { show "$tmp/out" stdout; show "$tmp/err" stderr;
		hard_error "without the shim, bugprog $c: $(describe_status), expected ${want} (the fixture has no bug?)"; }
	say "  $c: $(describe_status)$(sed -n "s/^$c: BAD (call 1: \(.*\))/: \1/p" "$tmp/out")"
done || exit $?
extra_env=

say "bugprog all 3 under the shim (LD_PRELOAD, trusted-memory read, rewind)"
extra_env=PKREWIND_STATS=1
shim "$pol" "$bugprog" all 3 >"$tmp/out" 2>"$tmp/err"
extra_env=
n_ok=$(grep -c ': ok$' "$tmp/out")
if test $st -ne 0 || test "$n_ok" -ne 11 || test "$(wc -l <"$tmp/out")" -ne 11; then
	show "$tmp/out" stdout
	show "$tmp/err" stderr
	fail "bugprog all 3: $(describe_status), $n_ok of 11 classes ok"
fi
sed 's/^/  /' "$tmp/out"

say "one diagnostic and one 'rewound' line per fault, nothing else"
only_fault_lines "$tmp/err"
total=$(grep -c 'error: fault in domain ' "$tmp/err")
test "$total" -eq 33 || { show "$tmp/err" stderr; fail "$total fault diagnostics for 33 faults"; }
echo "$classes" | while read -r c fn want; do
	nf=$(fault_count "$tmp/err" "$fn")
	nr=$(rewound_count "$tmp/err" "$fn")
	test "$nf" -eq 3 && test "$nr" -eq 3 ||
		fail "$fn: $nf fault diagnostics and $nr 'rewound' lines, expected 3 and 3"
	calls=$(stats_calls "$tmp/err" "$fn") faults=$(stats_faults "$tmp/err" "$fn")
	test "$calls" = 3 && test "$faults" = 3 ||
		fail "stats for $fn: calls '$calls', faults '$faults', expected 3 and 3"
	txt=$(rewound_text "$fn")
	line=$(grep -m1 "call to $fn rewound" "$tmp/err")
	if test -n "$txt"; then
		case $line in
		*"call to $fn rewound: $txt") ;;
		*) fail "the 'rewound' line for $fn should end in '$txt': $line" ;;
		esac
	else
		case $line in
		*"call to $fn rewound") ;;
		*) fail "the 'rewound' line for $fn (fault-return void) should state no value: $line" ;;
		esac
	fi
done || exit $?

say "what each diagnostic says"
expect_in "$tmp/err" pkrbug_wild_write "fault in domain bug calling pkrbug_wild_write:" \
	"SIGSEGV (SEGV_PKUERR, key 0) writing 0x" "(program memory)" "at libpkrbug.so+0x"
expect_in "$tmp/err" pkrbug_heap_overflow "SIGSEGV (SEGV_PKUERR, key 0) writing 0x" \
	"(program memory)" "at libpkrbug.so+0x"
expect_in "$tmp/err" pkrbug_stack_smash "SIGSEGV (SEGV_PKUERR, key 0) writing 0x" \
	"(program memory)" "at libpkrbug.so+0x"
expect_in "$tmp/err" pkrbug_null_deref "SIGSEGV (SEGV_MAPERR) reading 0x8 (unmapped memory)" \
	"at libpkrbug.so+0x"
expect_in "$tmp/err" pkrbug_read_unmapped "SIGSEGV (SEGV_MAPERR) reading 0x" "(unmapped memory)"
expect_in "$tmp/err" pkrbug_use_after_free "SIGABRT"
expect_in "$tmp/err" pkrbug_double_free "SIGABRT"
expect_in "$tmp/err" pkrbug_recurse "SIGSEGV" "stack exhausted" "at libpkrbug.so+0x"
expect_in "$tmp/err" pkrbug_trap "SIGILL (ILL_ILLOPN)" "at libpkrbug.so+0x"
expect_in "$tmp/err" pkrbug_divide "SIGFPE (FPE_INTDIV)" "at libpkrbug.so+0x"
expect_in "$tmp/err" pkrbug_write_other "SIGSEGV (SEGV_PKUERR, key " "(another domain's memory)"
expect_addr "$tmp/err" wild-write pkrbug_wild_write
expect_addr "$tmp/err" heap-overflow pkrbug_heap_overflow
expect_addr "$tmp/err" stack-smash pkrbug_stack_smash
expect_addr "$tmp/err" other-domain pkrbug_write_other
key=$(fault_line "$tmp/err" pkrbug_write_other | sed -n 's/.*SEGV_PKUERR, key \([0-9]*\)).*/\1/p')
test -n "$key" && test "$key" -gt 0 ||
	fail "the write into libpkrbug2's table should fault on a nonzero key, got '$key'"
for fn in pkrbug_wild_write pkrbug_null_deref pkrbug_recurse pkrbug_trap pkrbug_divide \
	  pkrbug_write_other pkrbug_use_after_free; do
	say "  $(fault_line "$tmp/err" "$fn" | sed 's/^pkrewind\[[0-9]*\]: error: //')"
done

say "bugprog all under the pkrewind command"
via_cmd "$pol" "$bugprog" all >"$tmp/out" 2>"$tmp/err"
n_ok=$(grep -c ': ok$' "$tmp/out")
test $st -eq 0 && test "$n_ok" -eq 11 || {
	show "$tmp/out" stdout; show "$tmp/err" stderr
	fail "pkrewind -p ... bugprog all: $(describe_status), $n_ok of 11 classes ok"; }
test "$(grep -c 'error: fault in domain ' "$tmp/err")" -eq 11 ||
	fail "pkrewind -p ... bugprog all: expected 11 fault diagnostics"

say "PASS"
