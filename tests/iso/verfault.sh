#!/bin/sh
# verfault: `function NAME@VERSION` gives that version of a function its
# own fault return.  tests/progs/verfault calls both versions of
# pkrver_fault (a NULL dereference) under tests/data/iso/verfault.policy.
# Asserts: status 0; the default version (PKRVER_2, called through the
# PLT) returns 202 with errno ERANGE (the plain `function` line); the old
# version (PKRVER_1, through dlvsym) returns 101 with errno EDOM (the
# versioned line); two faults were reported.
. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/iso/common.sh"

need_pku
need_built "$progs/verfault"
need_shim

say "verfault under the shim"
shim "$policies/verfault.policy" "$progs/verfault" >"$tmp/out" 2>"$tmp/err"
cat >"$tmp/want" <<'WANT'
PKRVER_2 (linked): 202 errno ERANGE
PKRVER_1 (dlvsym): 101 errno EDOM
WANT
test $st -eq 0 && cmp -s "$tmp/want" "$tmp/out" ||
	{ show "$tmp/out" stdout; show "$tmp/err" stderr;
	  fail "the versions did not get their own fault returns ($(describe_status))"; }
n=$(grep -c 'fault in domain ver calling pkrver_fault' "$tmp/err")
test "$n" -eq 2 || { show "$tmp/err" stderr; fail "expected 2 fault reports, got $n"; }
say "PASS"
