#!/bin/sh
# tcb: in read and none modes the library runs on the shim's shadow thread
# block; a library that overflows downwards from its thread pointer (its
# own thread-local buffers) and then faults (issue 9: the fault handler
# and the gate read the shim's thread state through %fs).
#
# Asserts:
#  1. without the shim `misprog tcb 1024` dies (it overwrites the thread's
#     own TLS and reads NULL);
#  2. under the shim, read and none mode: the fault is rewound with the
#     policy's value (-204, errno EPROTO), with a fault diagnostic and a
#     "rewound" line for pkrmis_tcb_smash; afterwards pkrmis_ok and
#     pkrmis_stackfill work and the program's globals are unchanged;
#     misprog exits 0 with "tcb: ok".
. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/boundary/common.sh"

need_pku
need_built "$misprog"
need_shim

say "without the shim, the smash and NULL read kill the process"
mis_plain tcb 1024
test $st -gt 128 && test $st -ne 124 || { show_run; hard_error "without the shim, misprog tcb 1024: $(describe_status), expected death by a signal"; }
say "  $(describe_status)"

for mode in read none; do
	say "misprog tcb 1024 under the shim (trusted-memory $mode)"
	mis $mode tcb 1024
	not_killed "tcb ($mode)"
	need_ok tcb "tcb ($mode)"
	need_faults "$tmp/err" pkrmis_tcb_smash 1 "tcb ($mode)"
	grep -q 'call to pkrmis_tcb_smash rewound: returns -204, errno EPROTO$' "$tmp/err" || {
		show "$tmp/err" stderr; fail "tcb ($mode): the 'rewound' line should state -204, errno EPROTO"; }
	say "  $(fault_line "$tmp/err" pkrmis_tcb_smash | sed 's/^pkrewind\[[0-9]*\]: error: //')"
done
say "PASS"
