#!/bin/sh
# env: the environment the program and an isolated library share, in
# write, read and none modes: the library's getenv sees the program's
# setenv and unsetenv, and the program sees the library's setenv, putenv
# and unsetenv (before, the namespace had its own copy from load time).
# Asserts output byte-identical to the plain run, no fault, the calls
# through the gate.
. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/iso/common.sh"

need_pku
envprog=$top_builddir/tests/progs/envprog
need_built "$envprog"
need_shim
policies=$top_srcdir/tests/data/libc

extra_env=PKRENV_A=set-before-start plain "$envprog" >"$tmp/want" 2>"$tmp/want.err"
test $st -eq 0 || hard_error "envprog failed without the shim ($(describe_status))"
for mode in write read none; do
	say "$mode mode: one environment"
	extra_env="PKRENV_A=set-before-start PKREWIND_STATS=1" shim "$policies/env-$mode.policy" "$envprog" \
		>"$tmp/out" 2>"$tmp/err"
	extra_env=
	test $st -eq 0 || { show "$tmp/err" stderr; fail "$mode mode: envprog: $(describe_status)"; }
	cmp -s "$tmp/want" "$tmp/out" || { diff "$tmp/want" "$tmp/out"; show "$tmp/err" stderr;
		fail "$mode mode: what the two sides see differs from the plain run"; }
	test "$(stats_calls "$tmp/err" pkrenv_get)" = 4 && test "$(stats_faults "$tmp/err" pkrenv_get)" = 0 ||
		{ show "$tmp/err" stderr; fail "$mode mode: pkrenv_get not called 4 times through the gate without a fault"; }
done
say "PASS"
