#!/bin/sh
# sig-write: the signature fixture under `trusted-memory write`.
# Asserts (LD_PRELOAD runs and runs through the pkrewind command):
#  1. sigprog pkru says "not isolated" without the shim and "isolated"
#     under it (the library runs with a PKRU other than the program's);
#  2. sigprog all passes its own checks and prints the same lines with
#     and without the shim.
# `all` covers integer (0..12 arguments, narrow types), mixed int/double,
# float, long double, variadic, struct (in registers, on the stack,
# returned in rax:rdx and through a hidden pointer), errno in both
# directions, malloc/strdup/fopen/fread, snprintf, ctype, strerror (also
# glibc's per-thread buffer shared by the two C libraries), 256 KiB of
# recursion, and a callback into the program that calls the library again.
. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/iso/common.sh"

need_pku
need_built "$progs/sigprog"
need_shim
pol=$policies/sig-write.policy

say "sigprog all without the shim"
plain "$progs/sigprog" all >"$tmp/ref.out" 2>"$tmp/ref.err"
test $st -eq 0 || { show "$tmp/ref.out" stdout; show "$tmp/ref.err" stderr;
	hard_error "sigprog all fails without the shim ($(describe_status))"; }

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
	say "sigprog all under the shim ($how, trusted-memory write)"
	$how "$pol" "$progs/sigprog" all >"$tmp/$how.out" 2>"$tmp/$how.err"
	check_run "$tmp/ref.out" "$tmp/$how.out" "$tmp/$how.err" "sigprog all ($how)"
done

say "PASS"
