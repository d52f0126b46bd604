#!/bin/sh
# datawarn: a program that reads a data object exported by an isolated
# library (pkrdata_counter of tests/fixtures/libpkrdata.so, policy
# tests/data/iso/data.policy, trusted-memory read).  Data cannot go
# through a trampoline; the shim must say so, once.
# Two builds of the program (checked with readelf -r):
#   dataprog      reaches the variable through a copy relocation
#                 (R_X86_64_COPY: the usual code for a PIE);
#   dataprog-got  through a GOT slot (R_X86_64_GLOB_DAT: built with -fPIC).
# Asserts, for both (LD_PRELOAD and the pkrewind command): without the
# shim, nothing on stderr; under it, status 0, the same output except
# "isolated" for "not isolated", and stderr exactly one line: a pkrewind
# warning that names 'pkrdata_counter'.  Also: sigprog, whose library
# exports functions only, draws no such warning.
. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/iso/common.sh"

need_pku
need_prog readelf
need_built "$progs/dataprog" "$progs/dataprog-got" "$progs/sigprog"
need_shim
pol=$policies/data.policy
failed=

for prog in dataprog:R_X86_64_COPY dataprog-got:R_X86_64_GLOB_DAT; do
	reloc=${prog#*:} prog=${prog%%:*}
	say "readelf: $prog reaches pkrdata_counter through $reloc"
	readelf -rW "$progs/$prog" >"$tmp/rel" 2>&1 || hard_error "readelf -r $prog failed"
	grep -q "$reloc.*pkrdata_counter" "$tmp/rel" || {
		grep pkrdata_counter "$tmp/rel" | sed 's/^/    /'
		hard_error "$prog has no $reloc relocation for pkrdata_counter"; }

	say "$prog without the shim"
	plain "$progs/$prog" >"$tmp/ref.out" 2>"$tmp/ref.err"
	test $st -eq 0 && test ! -s "$tmp/ref.err" && test "$(tail -n 1 "$tmp/ref.out")" = "not isolated" || {
		show "$tmp/ref.out" stdout; show "$tmp/ref.err" stderr
		hard_error "$prog without the shim: $(describe_status), expected 'not isolated' and nothing on stderr"; }
	sed 's/^not isolated$/isolated/' "$tmp/ref.out" >"$tmp/want.out"

	for how in shim via_cmd; do
		say "$prog under the shim ($how, trusted-memory read)"
		$how "$pol" "$progs/$prog" >"$tmp/out" 2>"$tmp/err"
		check_run "$tmp/want.out" "$tmp/out" "$tmp/err" "$prog ($how)"
		lines=$(wc -l <"$tmp/err")
		named=$(grep -c "pkrdata_counter" "$tmp/err")
		if test "$lines" -eq 1 && test "$named" -eq 1 &&
		   grep -q "^pkrewind.*warning: .*'pkrdata_counter'" "$tmp/err"; then
			say "  warned once: $(cat "$tmp/err")"
		else
			show "$tmp/err" stderr
			say "  FAILED: $lines line(s) on stderr, $named naming pkrdata_counter; expected exactly one, a warning"
			failed="$failed
  - $prog ($how, $reloc): $named warning(s) naming pkrdata_counter, $lines line(s) on stderr"
		fi
	done
done

say "control: sigprog (functions only) draws no data warning"
shim "$policies/sig-read.policy" "$progs/sigprog" pkru >"$tmp/out" 2>"$tmp/err"
test $st -eq 0 || { show "$tmp/err" stderr; fail "sigprog pkru under the shim: $(describe_status)"; }
! grep -q 'data object' "$tmp/err" || {
	show "$tmp/err" stderr
	fail "sigprog draws a data-object warning, but libpkrsig.so exports no data"; }

test -z "$failed" || fail "wrong warnings:$failed"
say "PASS"
