#!/bin/sh
# stdio: the isolated library's own stdio is flushed at exit.
# The namespace's C library has its own stdout, buffered in the domain;
# its exit() never runs, so the shim flushes it from its destructor.
# Asserts, in write and read modes (in none mode the library could not
# even read the text, which is in program memory): a line the library wrote with
# fputs (no newline flush: stdout is a pipe, so fully buffered) reaches
# the program's standard output when the program returns from main.
. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/iso/common.sh"

need_pku
need_built "$progs/sigprog"
need_shim

text="written by the isolated library, not flushed"
for mode in write read; do
	say "sigprog say under the shim (trusted-memory $mode)"
	shim "$policies/sig-$mode.policy" "$progs/sigprog" say "$text" >"$tmp/out" 2>"$tmp/err"
	test $st -eq 0 || { show "$tmp/err" stderr; fail "$mode mode: sigprog say failed ($(describe_status))"; }
	test "$(cat "$tmp/out")" = "$text" ||
		{ show "$tmp/out" stdout; show "$tmp/err" stderr;
		  fail "$mode mode: the library's buffered output was lost at exit"; }
done
say "PASS"
