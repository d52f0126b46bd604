#!/bin/sh
# ownsegv: a library that installs its own SIGSEGV handler with sigaction
# and probes memory with sigsetjmp/siglongjmp (issue 9: killed).
#
# Asserts:
#  1. without the shim, `misprog probe` passes (0 for an unmapped page, 1
#     for the library's own buffer; and a handler that repairs a PROT_NONE
#     page and returns lets the load run again: 42);
#  2. under the shim, read, none and write mode: `misprog probe` exits 0 with
#     "probe: ok" and no pkrewind fault diagnostic (the library's handler
#     got its own fault); `misprog probe fault`: afterwards a faulting
#     pkrmis_null is still rewound (-207, one diagnostic: the shim's
#     handler is back); `misprog probe crash`: afterwards the program's own
#     NULL write kills it with SIGSEGV (139), not reported as the
#     library's.
. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/boundary/common.sh"

need_pku
need_built "$misprog"
need_shim

say "without the shim"
mis_plain probe
test $st -eq 0 && grep -q '^probe: ok$' "$tmp/out" || { show_run; hard_error "without the shim, misprog probe: $(describe_status)"; }

for mode in read none write; do
	say "misprog probe under the shim (trusted-memory $mode)"
	mis $mode probe
	not_killed "probe ($mode)"
	need_ok probe "probe ($mode)"
	test "$(grep -c 'fault in domain' "$tmp/err")" -eq 0 || { show "$tmp/err" stderr; fail "probe ($mode): the shim reported the library's own probe as a fault"; }

	say "misprog probe fault under the shim (trusted-memory $mode)"
	mis $mode probe fault
	not_killed "probe fault ($mode)"
	need_ok probe "probe fault ($mode)"
	need_faults "$tmp/err" pkrmis_null 1 "probe fault ($mode)"
	test "$(grep -c 'fault in domain' "$tmp/err")" -eq 1 || { show "$tmp/err" stderr; fail "probe fault ($mode): more than the one fault reported"; }

	say "misprog probe crash under the shim (trusted-memory $mode)"
	mis $mode probe crash
	if test $st -ne 139 || ! grep -q '^probe: ok$' "$tmp/out" || grep -q 'fault in domain' "$tmp/err"; then
		show_run
		fail "probe crash ($mode): $(describe_status), expected 'probe: ok' then death by SIGSEGV (139) without a pkrewind fault diagnostic"
	fi
	say "  probe ok; a later fault rewound; the program's own crash is its own"
done
say "PASS"
