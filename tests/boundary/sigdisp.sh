#!/bin/sh
# sigdisp: signal dispositions of the program's own, with the shim active
# (libpkrmis isolated) but no library misbehaving (issue 9, found by
# reading src/fault.c).
#
# Asserts, without the shim and under it (read mode; misprog prints
# "misprog: PKRU 0x0" under the shim, which proves it was active):
#  1. `misprog resethand`: a SIGUSR1 handler installed with SA_RESETHAND
#     handles the first SIGUSR1; the second kills the process with SIGUSR1
#     (status 138), as the kernel would;
#  2. `misprog segvign`: SIGSEGV set to SIG_IGN, then the program writes
#     NULL: the kernel kills it with SIGSEGV (status 139).  The run has a
#     5 s limit: a loop on the faulting instruction times out, which is a
#     failure.
. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/boundary/common.sh"

need_pku
need_built "$misprog"
need_shim
PKREWIND_TEST_TIMEOUT=5

say "without the shim"
mis_plain resethand
test $st -eq 138 && grep -q '^misprog: first SIGUSR1 handled (1)$' "$tmp/out" || {
	show_run; hard_error "without the shim, misprog resethand: $(describe_status), expected 138"; }
mis_plain segvign
test $st -eq 139 || { show_run; hard_error "without the shim, misprog segvign: $(describe_status), expected 139"; }

say "misprog resethand under the shim"
mis read resethand
grep -q '^misprog: PKRU 0x0$' "$tmp/out" || { show_run; fail "resethand: the shim was not active (PKRU not 0)"; }
if test $st -ne 138 || ! grep -q '^misprog: first SIGUSR1 handled (1)$' "$tmp/out"; then
	show_run
	fail "resethand: $(describe_status), expected the first SIGUSR1 handled and the second to kill with SIGUSR1 (138)"
fi
say "  first handled, second: $(describe_status)"

say "misprog segvign under the shim (5 s limit)"
mis read segvign
grep -q '^misprog: PKRU 0x0$' "$tmp/out" || { show_run; fail "segvign: the shim was not active (PKRU not 0)"; }
if test $st -ne 139; then
	show_run
	fail "segvign: $(describe_status), expected death by SIGSEGV (139) as without the shim"
fi
say "  $(describe_status)"
say "PASS"
