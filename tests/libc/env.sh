#!/bin/sh
# env: the environment the program and an isolated library share, in
# write, read and none modes: the library's getenv sees the program's
# setenv and unsetenv, and the program sees the library's setenv, putenv
# and unsetenv (before, the namespace had its own copy from load time).
# The library also reads `environ` itself, after changes on both sides.
# Asserts output byte-identical to the plain run, no fault, the calls
# through the gate.  Then the library faults (on-fault reset puts the
# namespace's data back): its `environ` must still be the program's,
# and follow the program's clearenv and setenv.
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

	say "$mode mode: environ after a rewind and reset, and after clearenv"
	{ cat "$tmp/want"
	  echo "library's crash: -1"
	  tail -n 1 "$tmp/want" | sed "s/^library's environ: /library's environ after it: /"
	  echo "library's environ after clearenv: PKRENV_E=alone"; } >"$tmp/want.crash"
	extra_env="PKRENV_A=set-before-start PKREWIND_STATS=1" shim "$policies/env-$mode.policy" "$envprog" \
		crash >"$tmp/out" 2>"$tmp/err"
	extra_env=
	test $st -eq 0 || { show "$tmp/err" stderr; fail "$mode mode: envprog crash: $(describe_status)"; }
	cmp -s "$tmp/want.crash" "$tmp/out" || { diff "$tmp/want.crash" "$tmp/out"; show "$tmp/err" stderr;
		fail "$mode mode: after the fault, the library's environ is not the program's"; }
	grep -q "call to pkrenv_crash rewound: returns -1, errno EFAULT; domain reset" "$tmp/err" ||
		{ show "$tmp/err" stderr; fail "$mode mode: the fault was not rewound with a reset"; }
done
say "PASS"
