#!/bin/sh
# poke: a library write into a program global (pkrsig_poke(&global, 42),
# the global initialised to 7).
# - trusted-memory read and none: the write must be stopped and rewound:
#   the program survives, prints "global=7" and has a pkrewind fault
#   diagnostic naming pkrsig_poke on stderr.  "global=42", death by a
#   signal, or anything else, fails.
# - trusted-memory write: containment only.  The write is NOT stopped (this
#   mode protects the program from the library's crashes, not from its
#   stray writes), so the program prints "global=42".
. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/iso/common.sh"

need_pku
need_built "$progs/sigprog"
need_shim

say "sigprog poke without the shim"
plain "$progs/sigprog" poke >"$tmp/out" 2>"$tmp/err"
test $st -eq 0 && test "$(cat "$tmp/out")" = global=42 ||
	hard_error "without the shim, sigprog poke says '$(cat "$tmp/out")' ($(describe_status))"

for mode in read none; do
	say "sigprog poke under the shim (trusted-memory $mode): the write must be stopped"
	shim "$policies/sig-$mode.policy" "$progs/sigprog" poke >"$tmp/out" 2>"$tmp/err"
	out=$(cat "$tmp/out")
	if test $st -eq 0 && test "$out" = global=7; then
		grep -q 'pkrewind.*fault in domain .* calling pkrsig_poke' "$tmp/err" || {
			show "$tmp/err" stderr
			fail "global unchanged but no pkrewind diagnostic naming pkrsig_poke on stderr"; }
		say "  rewound: global=7, diagnostic: $(grep -m1 pkrsig_poke "$tmp/err")"
	else
		show "$tmp/err" stderr
		case $out in
		global=42) fail "the library's write into program memory was not stopped (global=42, $(describe_status))" ;;
		*) fail "unexpected outcome: '$out', $(describe_status)" ;;
		esac
	fi
done

say "sigprog poke under the shim (trusted-memory write): the write goes through"
shim "$policies/sig-write.policy" "$progs/sigprog" poke >"$tmp/out" 2>"$tmp/err"
out=$(cat "$tmp/out")
test $st -eq 0 && test "$out" = global=42 || {
	show "$tmp/err" stderr
	fail "write mode: expected 'global=42' and status 0, got '$out', $(describe_status)"; }

say "PASS"
