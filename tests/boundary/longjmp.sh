#!/bin/sh
# longjmp: a library that longjmp()s to the program's jmp_buf (libpng-style
# error handling) (issue 9: the program went on with the domain's PKRU,
# thread block and gate records).
#
# Asserts:
#  1. without the shim `misprog longjmp jump` passes, and with `crash` the
#     program's own NULL write kills it (SIGSEGV, 139);
#  2. write and read mode: `misprog longjmp jump` exits 0 with
#     "longjmp: ok": setjmp returned 42 once, the program runs with PKRU 0
#     (its own rights, printed "misprog: PKRU 0x0") and writes its own
#     memory, a further pkrmis_ok works; no fault was reported;
#  3. write and read mode, `misprog longjmp jump crash`: "longjmp: ok",
#     then the program's own NULL write kills it with SIGSEGV (status 139)
#     and is not rewound as the library's (no fault diagnostic);
#  4. none mode too: the library cannot read the jmp_buf, but it does not
#     have to: the shim reads it and jumps with the program's rights;
#  5. every mode: a jmp_buf of garbage bytes (`misprog longjmp bogus`) is
#     refused (pkrewind says it is not a live frame of the program) and
#     the call is rewound with -216, instead of the program jumping to
#     whatever the garbage decodes to.
. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/boundary/common.sh"

need_pku
need_built "$misprog"
need_shim

say "without the shim"
mis_plain longjmp jump
test $st -eq 0 && grep -q '^longjmp: ok$' "$tmp/out" || { show_run; hard_error "without the shim, misprog longjmp jump: $(describe_status)"; }
mis_plain longjmp jump crash
test $st -eq 139 || { show_run; hard_error "without the shim, misprog longjmp jump crash: $(describe_status), expected 139"; }

for mode in write read none; do
	say "misprog longjmp jump under the shim (trusted-memory $mode)"
	mis $mode longjmp jump
	not_killed "longjmp ($mode)"
	need_ok longjmp "longjmp ($mode)"
	grep -q '^misprog: PKRU 0x0$' "$tmp/out" || { show_run; fail "longjmp ($mode): the program's PKRU is not 0 after the jump"; }
	test "$(grep -c 'fault in domain' "$tmp/err")" -eq 0 || { show "$tmp/err" stderr; fail "longjmp ($mode): a fault was reported"; }
	say "  longjmp: ok, PKRU 0x0"

	say "misprog longjmp jump crash under the shim (trusted-memory $mode)"
	mis $mode longjmp jump crash
	if test $st -ne 139 || ! grep -q '^longjmp: ok$' "$tmp/out" || grep -q 'fault in domain' "$tmp/err"; then
		show_run
		fail "longjmp crash ($mode): $(describe_status), expected 'longjmp: ok' and then death by SIGSEGV (139) without a pkrewind fault diagnostic"
	fi
	say "  the program's own crash: $(describe_status)"
done

for mode in write read none; do
	say "misprog longjmp bogus under the shim (trusted-memory $mode)"
	mis $mode longjmp bogus
	not_killed "longjmp bogus ($mode)"
	need_ok longjmp "longjmp bogus ($mode)"
	need_faults "$tmp/err" pkrmis_longjmp 1 "longjmp bogus ($mode)"
	grep -q 'longjmp to a jmp_buf that is not a live frame of the program.*refused' "$tmp/err" ||
		{ show "$tmp/err" stderr; fail "longjmp bogus ($mode): no 'refused' diagnostic"; }
	say "  $(grep -m1 'not a live frame' "$tmp/err" | sed 's/^pkrewind\[[0-9]*\]: //')"
done
say "PASS"
