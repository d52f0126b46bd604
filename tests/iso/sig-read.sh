#!/bin/sh
# sig-read: the signature fixture under `trusted-memory read`.
# Asserts (LD_PRELOAD runs and runs through the pkrewind command):
#  1. sigprog pkru says "not isolated" without the shim and "isolated"
#     under it (the library runs with a PKRU other than the program's);
#  2. sigprog readsafe passes its own checks and prints the same lines with
#     and without the shim.
# `readsafe` leaves out the one call that writes program memory (a large
# struct returned through a hidden pointer into the caller's stack): in
# read mode that call faults, by design.
. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/iso/common.sh"

need_pku
need_built "$progs/sigprog"
need_shim
pol=$policies/sig-read.policy

say "sigprog readsafe without the shim"
plain "$progs/sigprog" readsafe >"$tmp/ref.out" 2>"$tmp/ref.err"
test $st -eq 0 || { show "$tmp/ref.out" stdout; show "$tmp/ref.err" stderr;
	hard_error "sigprog readsafe fails without the shim ($(describe_status))"; }

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
	say "sigprog readsafe under the shim ($how, trusted-memory read)"
	$how "$pol" "$progs/sigprog" readsafe >"$tmp/$how.out" 2>"$tmp/$how.err"
	check_run "$tmp/ref.out" "$tmp/$how.out" "$tmp/$how.err" "sigprog readsafe ($how)"
done

say "PASS"
