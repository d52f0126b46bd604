#!/bin/sh
# learn: `pkrewind learn` (issue 11) watches what a library writes in the
# program, in read mode, and writes a policy with the annotations; the
# command run again under that policy gives the same output with no
# fault.
#
# Asserts:
#  1. the fixture (annprog buffers: a buffer sized by an argument, one by
#     an element count, an out-parameter, a callback that writes the
#     program): the learning run's output and status are the plain run's;
#     OUT passes `pkrewind check`, is read mode, and has exactly the
#     lines `function pkrann_fill (inout [arg2])`, `pkrann_inc (inout
#     [arg2 x 4])`, `pkrann_rev (inout [arg4], inout [4])`,
#     `pkrann_each (-, -, callback)`;
#  1b. a 40-byte write across a page boundary (annprog pagecross) is
#     learned whole: pkrann_fill (inout [arg2]), not the bytes before the
#     boundary;
#  2. annprog buffers under OUT: the plain output, no fault (stats);
#     under BASE made read mode without annotations it faults (the
#     control);
#  3. a write no argument points at (arguments on the stack) becomes a
#     comment saying so;
#  4. real bzip2 -d (libbz2, BZFILE interface): learning from an
#     unannotated write-mode policy, then bzip2 -d under OUT is
#     byte-identical with no fault;
#  5. real xz -d (liblzma, lzma_stream): learning from an unannotated
#     policy gives the same output; OUT parses and declares lzma_code's
#     struct as lzma_stream is: next_out at 24 written through, its
#     length the u64 avail_out at 32, 136 bytes in all; xz -d under OUT
#     is byte-identical with no fault;
#  6. xz -6 learned on 64 KiB, then run on 3 MB under OUT: byte-identical
#     with no fault (the length is avail_out, not the 64 KiB run's
#     largest write);
#  7. real git hash-object -w (zlib, z_stream): OUT uses one struct for
#     deflateInit_ and deflate (zlib checks strm->state->strm == strm);
#     under OUT the hashes are the plain run's, no fault, and the objects
#     read back (plain git cat-file) are the files;
#  8. usage errors: no -o is status 2 with a usage line.
. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/iso/common.sh"

need_pku
need_prog bzip2
annprog=$top_builddir/tests/progs/annprog
need_built "$annprog"
need_shim
data=$top_srcdir/tests/data/args

# learn BASE OUT CMD...: pkrewind learn, its status in $st
learn() {
	_b=$1 _o=$2
	shift 2
	st=0
	timeout -k 5 "$PKREWIND_TEST_TIMEOUT" env PKREWIND_SHIM="$PKREWIND_SHIM" \
		"$PKREWIND_BIN" learn -p "$_b" -o "$_o" -- "$@" || st=$?
}

say "learning the fixture: annprog buffers"
plain "$annprog" buffers >"$tmp/want" 2>"$tmp/want.err"
test $st -eq 0 || hard_error "annprog buffers failed without the shim ($(describe_status))"
learn "$data/learn-base.policy" "$tmp/out.policy" "$annprog" buffers >"$tmp/out" 2>"$tmp/err"
test $st -eq 0 || { show "$tmp/err" stderr; fail "pkrewind learn: $(describe_status)"; }
cmp -s "$tmp/want" "$tmp/out" || { diff "$tmp/want" "$tmp/out"; show "$tmp/err" stderr;
	fail "the learning run's output differs from the plain run"; }
"$PKREWIND_BIN" check -q "$tmp/out.policy" 2>"$tmp/check.err" ||
	{ show "$tmp/check.err" stderr; show "$tmp/out.policy" OUT; fail "OUT does not parse"; }
grep -q '^ *trusted-memory read$' "$tmp/out.policy" || { show "$tmp/out.policy" OUT; fail "OUT is not read mode"; }
for want in 'function pkrann_fill (inout \[arg2\])' 'function pkrann_inc (inout \[arg2 x 4\])' \
	    'function pkrann_rev (inout \[arg4\], inout \[4\])' 'function pkrann_each (-, -, callback)'; do
	grep -q "^    $want    # learned: seen [0-9]* times\$" "$tmp/out.policy" ||
		{ show "$tmp/out.policy" OUT; fail "OUT has no line '$want'"; }
done
grep -q 'function pkrann_len fault-return 0' "$tmp/out.policy" ||
	{ show "$tmp/out.policy" OUT; fail "OUT lost BASE's function line"; }

say "learning a buffer that crosses a page boundary (annprog pagecross)"
learn "$data/learn-base.policy" "$tmp/cross.policy" "$annprog" pagecross >"$tmp/out" 2>"$tmp/err"
test $st -eq 0 || { show "$tmp/err" stderr; fail "pkrewind learn pagecross: $(describe_status)"; }
grep -q 'function pkrann_fill (inout \[arg2\])' "$tmp/cross.policy" ||
	{ show "$tmp/cross.policy" OUT; fail "a 40-byte write across a page boundary was not learned whole (inout [arg2])"; }

say "annprog buffers under the learned policy"
extra_env=PKREWIND_STATS=1 shim "$tmp/out.policy" "$annprog" buffers >"$tmp/out" 2>"$tmp/err"
extra_env=
test $st -eq 0 || { show "$tmp/err" stderr; fail "under OUT: $(describe_status)"; }
cmp -s "$tmp/want" "$tmp/out" || { diff "$tmp/want" "$tmp/out"; fail "under OUT: output differs"; }
grep -q 'stats: domain ann: calls [1-9][0-9]*, faults 0,' "$tmp/err" ||
	{ show "$tmp/err" stderr; fail "under OUT: faults, or no calls"; }
sed 's/trusted-memory write/trusted-memory read/' "$data/learn-base.policy" >"$tmp/bare.policy"
shim "$tmp/bare.policy" "$annprog" buffers >"$tmp/out" 2>"$tmp/err"
grep -q 'fault in domain ann calling pkrann_fill' "$tmp/err" ||
	{ show "$tmp/err" stderr; fail "control: read mode without annotations did not fault"; }

say "a write no argument points at becomes a comment"
learn "$data/learn-base.policy" "$tmp/calls.policy" "$annprog" calls >"$tmp/out" 2>"$tmp/err"
test $st -eq 0 || { show "$tmp/err" stderr; fail "pkrewind learn (calls): $(describe_status)"; }
grep -q '^    # learned: pkrann_stack wrote program memory that no argument points at' "$tmp/calls.policy" ||
	{ show "$tmp/calls.policy" OUT; fail "no comment for pkrann_stack's stacked arguments"; }

say "learning real bzip2 -d (libbz2)"
make_data "$tmp/data" 65536
bzip2 -c "$tmp/data" >"$tmp/data.bz2" || hard_error "bzip2 failed"
learn "$data/learn-bz2.policy" "$tmp/bz2.policy" bzip2 -d -c "$tmp/data.bz2" >"$tmp/out" 2>"$tmp/err"
test $st -eq 0 || { show "$tmp/err" stderr; fail "pkrewind learn bzip2 -d: $(describe_status)"; }
cmp -s "$tmp/data" "$tmp/out" || fail "bzip2 -d while learning: output differs"
grep -q '^    function BZ2_bzRead (inout \[4\], -, inout \[arg4\])' "$tmp/bz2.policy" ||
	{ show "$tmp/bz2.policy" OUT; fail "no BZ2_bzRead line learned"; }
extra_env=PKREWIND_STATS=1 shim "$tmp/bz2.policy" bzip2 -d -c "$tmp/data.bz2" >"$tmp/out" 2>"$tmp/err"
extra_env=
test $st -eq 0 || { show "$tmp/err" stderr; fail "bzip2 -d under the learned policy: $(describe_status)"; }
cmp -s "$tmp/data" "$tmp/out" || fail "bzip2 -d under the learned policy: output differs"
grep -q 'stats: domain bz2: calls [1-9][0-9]*, faults 0,' "$tmp/err" ||
	{ show "$tmp/err" stderr; fail "bzip2 -d under the learned policy: faults"; }

# learned_runs NAME POLICY WANT CMD...: CMD under POLICY (stats on) gives
# the bytes of WANT with no fault.
learned_runs() {
	_n=$1 _p=$2 _w=$3
	shift 3
	extra_env=PKREWIND_STATS=1 shim "$_p" "$@" >"$tmp/out" 2>"$tmp/err"
	extra_env=
	test $st -eq 0 || { show "$tmp/err" stderr; show "$_p" policy; fail "$_n under the learned policy: $(describe_status)"; }
	cmp -s "$_w" "$tmp/out" || { show "$_p" policy; fail "$_n under the learned policy: output differs"; }
	grep -q 'stats: domain [a-z]*: calls [1-9][0-9]*, faults 0,' "$tmp/err" ||
		{ show "$tmp/err" stderr; show "$_p" policy; fail "$_n under the learned policy: faults, or no calls"; }
}

# has_lines POLICY WHAT LINE...: each LINE (a grep pattern) starts a line
# of POLICY after its indentation.
has_lines() {
	_p=$1 _what=$2
	shift 2
	for _l in "$@"; do
		grep -q "^ *$_l" "$_p" || { show "$_p" OUT; fail "$_what: no line '$_l'"; }
	done
}

say "learning real xz -d (liblzma): a struct with a pointer field, its length, its size"
need_prog xz
xz -c "$tmp/data" >"$tmp/data.xz" || hard_error "xz failed"
learn "$data/learn-lzma.policy" "$tmp/lzma.policy" xz -d -c "$tmp/data.xz" >"$tmp/out" 2>"$tmp/err"
test $st -eq 0 || { show "$tmp/err" stderr; fail "pkrewind learn xz -d: $(describe_status)"; }
cmp -s "$tmp/data" "$tmp/out" || fail "xz -d while learning: output differs"
"$PKREWIND_BIN" check -q "$tmp/lzma.policy" 2>"$tmp/check.err" ||
	{ show "$tmp/check.err" stderr; show "$tmp/lzma.policy" OUT; fail "the learned lzma policy does not parse"; }
# lzma_stream: next_out at 24, avail_out at 32 (a u64 whose high half
# stays 0: either width), sizeof 136
has_lines "$tmp/lzma.policy" "xz -d" 'struct lzma_code_arg1 size 136 ' \
	'field ptr24 24 out \[len32\] ' 'field len32 32 u\(32\|64\)$' \
	'function lzma_code (struct lzma_code_arg1) '
learned_runs "xz -d" "$tmp/lzma.policy" "$tmp/data" xz -d -c "$tmp/data.xz"

say "learning real xz -z on small data, then compressing other, larger data"
learn "$data/learn-lzma.policy" "$tmp/lzmaz.policy" xz -6 -c "$tmp/data" >"$tmp/out" 2>"$tmp/err"
test $st -eq 0 || { show "$tmp/err" stderr; fail "pkrewind learn xz -z: $(describe_status)"; }
has_lines "$tmp/lzmaz.policy" "xz -z" 'field ptr24 24 out \[len32\] '
make_data "$tmp/big" 3000000
xz -6 -c "$tmp/big" >"$tmp/big.want" || hard_error "xz failed"
learned_runs "xz -6 of 3 MB" "$tmp/lzmaz.policy" "$tmp/big.want" xz -6 -c "$tmp/big"

say "learning real git hash-object -w (zlib): one struct for deflateInit_, deflate, deflateEnd"
need_prog git
rm -rf "$tmp/repo" && git init -q "$tmp/repo" || hard_error "git init failed"
cp "$tmp/data" "$tmp/repo/a" && cp "$tmp/big" "$tmp/repo/b"
(cd "$tmp/repo" && git hash-object a b) >"$tmp/hashes" || hard_error "git hash-object failed"
learn "$data/learn-z.policy" "$tmp/z.policy" git -C "$tmp/repo" hash-object -w a b >"$tmp/out" 2>"$tmp/err"
test $st -eq 0 || { show "$tmp/err" stderr; fail "pkrewind learn git hash-object: $(describe_status)"; }
cmp -s "$tmp/hashes" "$tmp/out" || fail "git hash-object while learning: output differs"
# z_stream: next_out at 24, avail_out at 32; deflate checks
# strm->state->strm == strm, so every function needs the same copy
has_lines "$tmp/z.policy" "git" 'field ptr24 24 out \[len32\] ' \
	'function deflate (struct deflate_arg1) ' 'function deflateInit_ (struct deflate_arg1) '
rm -rf "$tmp/repo/.git/objects/"??
learned_runs "git hash-object -w" "$tmp/z.policy" "$tmp/hashes" git -C "$tmp/repo" hash-object -w a b
for f in a b; do
	git -C "$tmp/repo" cat-file blob "$(git -C "$tmp/repo" hash-object "$tmp/repo/$f")" >"$tmp/back" 2>"$tmp/err" &&
		cmp -s "$tmp/back" "$tmp/repo/$f" ||
		{ show "$tmp/err" stderr; fail "git hash-object -w under the learned policy wrote a bad object for $f"; }
done

say "usage errors"
"$PKREWIND_BIN" learn -p "$data/learn-base.policy" -- true >"$tmp/out" 2>"$tmp/err" && st=0 || st=$?
test $st -eq 2 && grep -q '^usage: pkrewind learn' "$tmp/err" ||
	{ show "$tmp/err" stderr; fail "learn without -o: status $st, want 2 and a usage line"; }
say "PASS"
