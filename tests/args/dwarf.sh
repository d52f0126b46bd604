#!/bin/sh
# dwarf: `pkrewind symbols --policy` reads argument kinds from a
# library's DWARF (issue 11).  On the annotation fixture (built with -g):
# exact function lines for a buffer sized by the next argument (bytes and
# elements), a callback, a handle (a struct an exported function returns
# a pointer to), a string, an sret return, an argument on the stack; a
# comment for a buffer of unknown length and for a struct with pointers
# (a struct block, by hand); the skeleton passes `pkrewind check`.  On a
# library without DWARF the skeleton says so and has no lists.
. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/iso/common.sh"

lib=$top_builddir/tests/fixtures/.libs/libpkrann.so
need_built "$lib"

say "symbols --policy on the fixture"
"$PKREWIND_BIN" symbols --policy "$lib" >"$tmp/skel.policy" 2>"$tmp/err" ||
	{ show "$tmp/err" stderr; fail "symbols --policy failed"; }
for want in \
	'function pkrann_fill (inout \[arg2\]) fault-return -1' \
	'function pkrann_inc (inout \[arg2 x 4\]) fault-return -1' \
	'function pkrann_each (-, -, callback) fault-return -1' \
	'function pkrann_use (handle) fault-return -1' \
	'function pkrann_free (handle) fault-return -1' \
	'function pkrann_len (string) fault-return -1' \
	'function pkrann_make (sret 40) fault-return -1' \
	'function pkrann_stack (-, -, -, -, -, -, inout \[4\], inout \[arg9\]) fault-return -1' \
	'# int pkrann_rev(char \* dst, unsigned int \* dstlen, const char \* src, size_t srclen)' \
	'#   from DWARF: (inout \[LEN?\], inout \[4\]): complete it (LEN?, a struct block)' \
	'function pkrann_rev fault-return -1' \
	'#   from DWARF: (struct pkrann_stream): complete it (LEN?, a struct block)' \
	'function pkrann_step fault-return -1'; do
	grep -q "^    $want\$" "$tmp/skel.policy" ||
		{ show "$tmp/skel.policy" skeleton; fail "no line '$want'"; }
done
"$PKREWIND_BIN" check -q "$tmp/skel.policy" 2>"$tmp/check.err" ||
	{ grep -v 'not found on this system' "$tmp/check.err" | grep -q . &&
	  { show "$tmp/check.err" stderr; fail "the skeleton does not pass pkrewind check"; }; }

say "symbols --policy on a library without DWARF"
need_prog xz
lzma=$(ldd "$(command -v xz)" | sed -n 's/.*=> \(\/[^ ]*liblzma[^ ]*\) .*/\1/p' | head -n 1)
test -n "$lzma" || hard_error "cannot find xz's liblzma"
"$PKREWIND_BIN" symbols --policy "$lzma" >"$tmp/lzma.policy" 2>"$tmp/err" ||
	{ show "$tmp/err" stderr; fail "symbols --policy $lzma failed"; }
grep -q '^# No argument kinds: no DWARF in the library or in a debug file for it' "$tmp/lzma.policy" ||
	{ show "$tmp/lzma.policy" skeleton; fail "no 'No argument kinds' line for $lzma"; }
if grep -q '^    function [a-z_0-9]* (' "$tmp/lzma.policy"; then
	show "$tmp/lzma.policy" skeleton; fail "argument lists without DWARF"
fi
say "PASS"
