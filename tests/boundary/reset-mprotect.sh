#!/bin/sh
# reset-mprotect: `on-fault reset` after the library mprotect()ed its own
# page-aligned table read-only (issue 9: the snapshot copy faulted inside
# the fault handler).
#
# Asserts:
#  1. without the shim `misprog reset` dies in pkrmis_table_lock_fault;
#  2. under tests/data/boundary/mis-reset.policy: misprog exits 0 with
#     "reset: ok": the faulting call returned -215, the table is back to
#     its initial contents and writable again (a later set works and
#     reads back); one fault diagnostic, and the "rewound" line says the
#     domain was reset.
. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/boundary/common.sh"

need_pku
need_built "$misprog"
need_shim

say "without the shim, pkrmis_table_lock_fault kills the process"
mis_plain reset
test $st -gt 128 && test $st -ne 124 || { show_run; hard_error "without the shim, misprog reset: $(describe_status), expected death by a signal"; }

say "misprog reset under the shim (on-fault reset)"
mis reset reset
not_killed "reset"
need_ok reset "reset"
need_faults "$tmp/err" pkrmis_table_lock_fault 1 "reset"
grep -q 'call to pkrmis_table_lock_fault rewound: returns -215, errno EROFS; domain reset$' "$tmp/err" || {
	show "$tmp/err" stderr; fail "reset: the 'rewound' line should end 'returns -215, errno EROFS; domain reset'"; }
say "  $(grep -m1 'call to pkrmis_table_lock_fault rewound' "$tmp/err" | sed 's/^pkrewind\[[0-9]*\]: error: //')"
say "PASS"
