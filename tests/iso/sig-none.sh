#!/bin/sh
# sig-none: the signature fixture under `trusted-memory none`.
# Asserts (LD_PRELOAD runs and runs through the pkrewind command):
#  1. sigprog pkru says "not isolated" without the shim and "isolated"
#     under it (the library runs with a PKRU other than the program's);
#  2. sigprog nonesafe passes its own checks and prints the same lines with
#     and without the shim.
# `nonesafe` also leaves out strerror (it reads loader data, which none
# mode hides) and the callback (program code reading its own GOT with the
# library's rights), and copies string arguments into the library's
# scratch buffer first (the library cannot read program memory at all).
. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/iso/common.sh"

need_pku
need_built "$progs/sigprog"
need_shim
pol=$policies/sig-none.policy

say "sigprog nonesafe without the shim"
plain "$progs/sigprog" nonesafe >"$tmp/ref.out" 2>"$tmp/ref.err"
test $st -eq 0 || { show "$tmp/ref.out" stdout; show "$tmp/ref.err" stderr;
	hard_error "sigprog nonesafe fails without the shim ($(describe_status))"; }

say "sigprog pkru without the shim"
plain "$progs/sigprog" pkru >"$tmp/pkru.out" 2>&1
test $st -eq 0 && test "$(cat "$tmp/pkru.out")" = "not isolated" ||
	hard_error "without the shim, sigprog pkru says '$(cat "$tmp/pkru.out")' ($(describe_status)), expected 'not isolated'"

for how in shim via_cmd; do
	say "sigprog pkru under the shim ($how)"
	$how "$pol" "$progs/sigprog" pkru -v >"$tmp/pkru.out" 2>"$tmp/pkru.err"
	test $st -eq 0 && test "$(cat "$tmp/pkru.out")" = isolated || {
		show "$tmp/pkru.err" stderr
		fail "under the shim ($how), sigprog pkru says '$(cat "$tmp/pkru.out")' ($(describe_status)), expected 'isolated'"; }
done

for how in shim via_cmd; do
	say "sigprog nonesafe under the shim ($how, trusted-memory none)"
	$how "$pol" "$progs/sigprog" nonesafe >"$tmp/$how.out" 2>"$tmp/$how.err"
	check_run "$tmp/ref.out" "$tmp/$how.out" "$tmp/$how.err" "sigprog nonesafe ($how)"
done

say "PASS"
