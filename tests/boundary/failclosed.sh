#!/bin/sh
# failclosed: the shim cannot read /proc/self/maps at start-up (a mount
# namespace with an empty tmpfs over /proc) under a policy that isolates
# libpkrmis (issue 9: start-up carried on and the program ran unisolated).
#
# Asserts:
#  1. with /proc as it is, `misprog ok` under the shim passes (control);
#  2. with /proc hidden: the process exits with status 127 before main
#     runs (misprog prints nothing) and pkrewind says why on stderr.
# Skips (77) when this process may not make a mount namespace and mount
# there (needs root or user namespaces).
. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/boundary/common.sh"

need_pku
need_built "$misprog"
need_shim
need_prog unshare

need_hidden_proc() {
	unshare -m sh -c 'mount -t tmpfs none /proc && test ! -e /proc/self/maps' >/dev/null 2>&1 ||
		skip "cannot hide /proc in a mount namespace here (unshare -m / mount not permitted)"
}
need_hidden_proc

say "misprog ok under the shim (control)"
mis read ok
need_ok ok "ok (control)"
need_active "$tmp/err" pkrmis_ok

say "misprog ok under the shim with /proc/self/maps unreadable"
st=0
timeout -k 5 "$PKREWIND_TEST_TIMEOUT" unshare -m sh -c \
	'mount -t tmpfs none /proc && exec env LD_PRELOAD="$1" PKREWIND_POLICY="$2" "$3" ok' \
	sh "$PKREWIND_SHIM" "$policies/mis-read.policy" "$misprog" >"$tmp/out" 2>"$tmp/err" || st=$?
if test $st -ne 127 || test -s "$tmp/out" || ! grep -q '^pkrewind' "$tmp/err"; then
	show_run
	fail "hidden /proc: $(describe_status) (expected 127), main $(test -s "$tmp/out" && echo RAN || echo did not run), $(grep -c '^pkrewind' "$tmp/err") pkrewind lines"
fi
say "  status 127: $(grep -m1 '^pkrewind' "$tmp/err")"
say "PASS"
