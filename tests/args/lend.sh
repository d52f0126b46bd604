#!/bin/sh
# lend: large `out` buffers are lent to the library for the call (their
# whole pages moved into the domain's window, lend.c) instead of copied,
# under the policy's `lend` size; see pkrewind.policy(5), `lend`.
#
# annprog lend passes a 3 MiB `out` buffer at an odd offset inside a heap
# block the program filled with 'p'; the library fills it and says
# whether the program's own page was gone during the call (lent) and
# whether the buffer started zeroed.  Asserts, in read and none modes:
#  1. the heap buffer is lent (the program's page was inaccessible during
#     the call), its bytes are the library's, every byte around it (in
#     its partial first and last pages too) is the program's;
#  2. none mode: the library saw zeros (as with a copy), read mode the
#     program's bytes;
#  3. a call that faults after writing half the buffer is rewound: the
#     bytes around the buffer and in its partial pages are unchanged (the
#     whole pages hold the partial output, as documented), and the next
#     call lends again (the pages came back, the window is clean);
#  4. a buffer on the program's stack, and any buffer once the program
#     has made a thread, is copied, not lent, with the same results;
#  5. `lend never`: nothing is lent, and after the faulting call the
#     buffer is unchanged;
#  6. a `lend` size larger than the buffer: copied.
#  No fault but the deliberate one, no other diagnostic.
. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/iso/common.sh"

need_pku
annprog=$top_builddir/tests/progs/annprog
need_built "$annprog"
need_shim
policies=$top_srcdir/tests/data/args

# run POLICY WHAT: annprog lend under POLICY, status 0, stderr only the
# deliberate fault's two lines.
run() {
	shim "$1" "$annprog" lend >"$tmp/out" 2>"$tmp/err"
	test $st -eq 0 || { show "$tmp/err" stderr; fail "$2: $(describe_status)"; }
	grep -v 'calling pkrann_lendfault\|call to pkrann_lendfault rewound' "$tmp/err" >"$tmp/other" || true
	test ! -s "$tmp/other" || { show "$tmp/err" stderr; fail "$2: unexpected diagnostics"; }
	grep -q 'fault in domain ann calling pkrann_lendfault: SIGSEGV' "$tmp/err" ||
		{ show "$tmp/err" stderr; fail "$2: the deliberate fault was not reported"; }
}

# want WHAT: the output is exactly the lines on stdin, else fail WHAT.
want() {
	cat >"$tmp/want"
	cmp -s "$tmp/want" "$tmp/out" || { diff "$tmp/want" "$tmp/out"; fail "$1"; }
}

for mode in read none; do
	say "$mode mode: a 3 MiB out buffer is lent, copied on the stack and once threaded"
	run "$policies/ann-$mode.policy" "$mode mode"
	# none mode: the library sees zeros in an out buffer, lent or copied
	z=0 r=0
	[ $mode = none ] && z=1 r=2
	want "$mode mode: lending" <<OUT
heap: r=$((r + 1)) lent=1 zeroed=$z own=0 ok
fault: r=-1 lent=0 zeroed=0 own=0 ok
fault: the buffer is partly written
again: r=$((r + 1)) lent=1 zeroed=$z own=0 ok
stack: r=$r lent=0 zeroed=$z own=0 ok
threaded: r=$r lent=0 zeroed=$z own=0 ok
OUT
done

for setting in never 4M; do
	for mode in read none; do
		say "$mode mode, lend $setting: copied; after a fault the buffer is unchanged"
		sed "s/^\\(    trusted-memory .*\\)\$/\\1\\n    lend $setting/" \
			"$policies/ann-$mode.policy" >"$tmp/$mode-$setting.policy"
		grep -q "^    lend $setting\$" "$tmp/$mode-$setting.policy" ||
			hard_error "could not add 'lend $setting' to ann-$mode.policy"
		run "$tmp/$mode-$setting.policy" "$mode mode, lend $setting"
		z=0 r=0
		[ $mode = none ] && z=1 r=2
		want "$mode mode, lend $setting" <<OUT
heap: r=$r lent=0 zeroed=$z own=0 ok
fault: r=-1 lent=0 zeroed=0 own=0 ok
fault: the buffer is unchanged
again: r=$r lent=0 zeroed=$z own=0 ok
stack: r=$r lent=0 zeroed=$z own=0 ok
threaded: r=$r lent=0 zeroed=$z own=0 ok
OUT
	done
done
say "PASS"
