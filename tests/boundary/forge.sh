#!/bin/sh
# forge: a library that builds its own gate descriptor (PKRU 0 in its
# domain record) from a trampoline the program handed it, and calls the
# gate with it to write program memory (issue 9: the gate took the PKRU
# from an unchecked descriptor).
#
# Asserts:
#  1. without the shim, pkrmis_forge finds no trampoline (the address is
#     the function itself): misprog reports "not a trampoline";
#  2. read mode, under the shim: the program's target is unchanged and
#     pkrmis_poke never ran through the forged descriptor; the shim says
#     so: a pkrewind diagnostic about the descriptor (unknown, forged,
#     invalid or bad) and then either the outer call is rewound (misprog
#     exits 0 with "forge: ok", pkrmis_forge returned -202) or the process
#     is stopped with SIGABRT (status 134) - nothing else: not a
#     successful write, not a silent death, not another signal;
#  3. none mode: the library cannot even read the trampoline: the call
#     faults and is rewound with -202 (one fault diagnostic, one
#     "rewound" line), target unchanged.
. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/boundary/common.sh"

need_pku
need_built "$misprog"
need_shim

say "without the shim there is no trampoline to forge from"
mis_plain forge
test $st -eq 1 && grep -q '^forge: BAD (pkrmis_ok is not a trampoline here' "$tmp/out" || {
	show_run; hard_error "without the shim, misprog forge: $(describe_status), expected 'not a trampoline'"; }

desc_re='(unknown|forged|invalid|bad|not a).*descriptor|descriptor.*(unknown|forged|invalid|not (one of|in))'

say "misprog forge under the shim (trusted-memory read)"
mis read forge
if grep -q '^forge: BAD' "$tmp/out" || grep -q 'target was overwritten' "$tmp/out"; then
	show_run
	fail "forge (read): $(grep -m1 '^forge: BAD' "$tmp/out") [$(describe_status)]"
fi
if ! grep -Eqi "^pkrewind.*($desc_re)" "$tmp/err"; then
	show_run
	fail "forge (read): $(describe_status), no pkrewind diagnostic about a forged/unknown descriptor"
fi
case $st in
0)	need_ok forge "forge (read)"
	grep -q '^misprog: forge returned -202$' "$tmp/out" || {
		show_run; fail "forge (read): pkrmis_forge did not return its fault-return -202"; }
	say "  rewound: $(grep -Ei -m1 "$desc_re" "$tmp/err")" ;;
134)	say "  stopped with SIGABRT: $(grep -Ei -m1 "$desc_re" "$tmp/err")" ;;
*)	show_run
	fail "forge (read): $(describe_status), expected a rewind (status 0) or SIGABRT (134)" ;;
esac

say "misprog forge under the shim (trusted-memory none): the stub is out of reach"
mis none forge
not_killed "forge (none)"
need_ok forge "forge (none)"
grep -q '^misprog: forge returned -202$' "$tmp/out" || { show_run; fail "forge (none): expected the fault-return -202"; }
need_faults "$tmp/err" pkrmis_forge 1 "forge (none)"
say "  $(fault_line "$tmp/err" pkrmis_forge | sed 's/^pkrewind\[[0-9]*\]: error: //')"
say "PASS"
