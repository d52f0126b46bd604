#!/bin/sh
# abort: the fault policies that end the process.
#
# Asserts:
#  1. on-fault abort (tests/data/fault/abort.policy): `bugprog ok,null,ok`
#     prints the first "ok: ok" only and dies of SIGABRT (status 134)
#     after printing the fault diagnostic (naming pkrbug_null_deref,
#     SIGSEGV, SEGV_MAPERR) and "on-fault abort: terminating"; no call is
#     rewound.  The same for a trap (SIGILL) and for a double free, where
#     the fault is itself a SIGABRT from the domain's C library.
#  2. max-faults 3 (maxfaults.policy): in the sequence null, trap, ok,
#     divzero, double-free, recursion, ok the successful call restarts the
#     count, so the faults of null, trap, divzero and double-free are
#     rewound (with the domain's default fault-return, as the policy has
#     no function lines) and the recursion - the 3rd fault in a row - ends
#     the process with SIGABRT; the last `ok` never runs.  Run with
#     LD_PRELOAD and through the pkrewind command.
. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/fault/common.sh"

need_pku
need_built "$bugprog"
need_shim

for seq in ok,null,ok:pkrbug_null_deref:"SIGSEGV (SEGV_MAPERR)" \
	   ok,trap,ok:pkrbug_trap:"SIGILL" \
	   ok,double-free,ok:pkrbug_double_free:"SIGABRT"; do
	cls=${seq%%:*} rest=${seq#*:}
	fn=${rest%%:*} sig=${rest#*:}
	say "bugprog $cls (on-fault abort)"
	shim "$policies/abort.policy" "$bugprog" "$cls" >"$tmp/out" 2>"$tmp/err"
	out=$(cat "$tmp/out")
	test $st -eq 134 && test "$out" = "ok: ok" || {
		show "$tmp/out" stdout; show "$tmp/err" stderr
		fail "on-fault abort: expected death by SIGABRT after 'ok: ok', got $(describe_status), output '$out'"; }
	test "$(grep -c 'error: fault in domain ' "$tmp/err")" -eq 1 || {
		show "$tmp/err" stderr; fail "on-fault abort: expected exactly one fault diagnostic"; }
	expect_in "$tmp/err" "$fn" "fault in domain bug calling $fn: $sig"
	grep -q "^pkrewind\[[0-9]*\]: error: domain bug: on-fault abort: terminating$" "$tmp/err" || {
		show "$tmp/err" stderr; fail "on-fault abort: no 'on-fault abort: terminating' line"; }
	grep -q 'rewound' "$tmp/err" && { show "$tmp/err" stderr; fail "on-fault abort: a call was rewound"; }
	# The diagnostic comes before the line that announces the end.
	first=$(grep -n 'fault in domain\|on-fault abort' "$tmp/err" | head -n 1)
	case $first in *"fault in domain"*) ;; *) fail "the diagnostic must come first: $first" ;; esac
	say "  $(describe_status); $(fault_line "$tmp/err" "$fn" | sed 's/^pkrewind\[[0-9]*\]: error: //')"
done

seq=null,trap,ok,divzero,double-free,recursion,ok
want_out='null: ok
trap: ok
ok: ok
divzero: ok
double-free: ok'
for how in shim via_cmd; do
	say "bugprog $seq (max-faults 3, $how)"
	$how "$policies/maxfaults.policy" "$bugprog" "$seq" >"$tmp/out" 2>"$tmp/err"
	out=$(cat "$tmp/out")
	test $st -eq 134 && test "$out" = "$want_out" || {
		show "$tmp/out" stdout; show "$tmp/err" stderr
		fail "max-faults 3 ($how): expected death by SIGABRT after 5 lines, got $(describe_status) and the output above"; }
	test "$(grep -c 'error: fault in domain ' "$tmp/err")" -eq 5 &&
	test "$(grep -c 'rewound: returns -99, errno ETIME$' "$tmp/err")" -eq 4 || {
		show "$tmp/err" stderr
		fail "max-faults 3 ($how): expected 5 fault diagnostics and 4 calls rewound with the domain default (-99, ETIME)"; }
	expect_in "$tmp/err" pkrbug_recurse "stack exhausted"
	grep -q '^pkrewind\[[0-9]*\]: error: domain bug: 3 faults in a row (max-faults 3): terminating$' "$tmp/err" || {
		show "$tmp/err" stderr; fail "max-faults 3 ($how): no '3 faults in a row (max-faults 3): terminating' line"; }
	grep -q 'call to pkrbug_recurse rewound' "$tmp/err" &&
		fail "max-faults 3 ($how): the 3rd fault in a row was rewound"
	say "  $(describe_status) after: $(echo $out)"
done

say "PASS"
