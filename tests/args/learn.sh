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
#  2. annprog buffers under OUT: the plain output, no fault (stats);
#     under BASE made read mode without annotations it faults (the
#     control);
#  3. a write no argument points at (arguments on the stack) becomes a
#     comment saying so;
#  4. real bzip2 -d (libbz2, BZFILE interface): learning from an
#     unannotated write-mode policy, then bzip2 -d under OUT is
#     byte-identical with no fault;
#  5. real xz -d (liblzma, lzma_stream): learning from an unannotated
#     policy gives the same output; OUT parses and has the commented
#     struct block for lzma_code (next_out at offset 24, its length the
#     u64 avail_out at 32); completed with sizeof(lzma_stream) as the
#     comment asks, xz -d under it is byte-identical with no fault;
#  6. usage errors: no -o is status 2 with a usage line.
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

say "learning real xz -d (liblzma): a write through a struct's pointer field"
need_prog xz
xz -c "$tmp/data" >"$tmp/data.xz" || hard_error "xz failed"
learn "$data/learn-lzma.policy" "$tmp/lzma.policy" xz -d -c "$tmp/data.xz" >"$tmp/out" 2>"$tmp/err"
test $st -eq 0 || { show "$tmp/err" stderr; fail "pkrewind learn xz -d: $(describe_status)"; }
cmp -s "$tmp/data" "$tmp/out" || fail "xz -d while learning: output differs"
"$PKREWIND_BIN" check -q "$tmp/lzma.policy" 2>"$tmp/check.err" ||
	{ show "$tmp/check.err" stderr; show "$tmp/lzma.policy" OUT; fail "the learned lzma policy does not parse"; }
for want in '# learned: lzma_code wrote through the pointer at offset 24 of what argument 1 points at' \
	    '#   its length looks like the u64 at offset 32' \
	    '# struct lzma_code_arg1 size SIZE' '#     field ptr24 24 out \[len32\]' \
	    '#     field len32 32 u64'; do
	grep -q "^    $want" "$tmp/lzma.policy" ||
		{ show "$tmp/lzma.policy" OUT; fail "the learned lzma policy has no line '$want' (lzma_stream: next_out at 24, avail_out at 32)"; }
done
# Completed as its comment says (sizeof(lzma_stream) is 136), the struct
# makes xz -d run in read mode with no fault.
sed -e 's/^    # struct lzma_code_arg1 size SIZE$/    struct lzma_code_arg1 size 136/' \
    -e 's/^    #     field /        field /' \
    -e 's/function lzma_code (inout \[[0-9]*\])/function lzma_code (struct lzma_code_arg1, -)/' \
    "$tmp/lzma.policy" >"$tmp/lzma-done.policy"
grep -q 'function lzma_code (struct lzma_code_arg1, -)' "$tmp/lzma-done.policy" ||
	{ show "$tmp/lzma.policy" OUT; fail "no lzma_code line learned"; }
extra_env=PKREWIND_STATS=1 shim "$tmp/lzma-done.policy" xz -d -c "$tmp/data.xz" >"$tmp/out" 2>"$tmp/err"
extra_env=
test $st -eq 0 || { show "$tmp/err" stderr; show "$tmp/lzma-done.policy" policy; fail "xz -d under the completed policy: $(describe_status)"; }
cmp -s "$tmp/data" "$tmp/out" || fail "xz -d under the completed policy: output differs"
grep -q 'stats: domain lzma: calls [1-9][0-9]*, faults 0,' "$tmp/err" ||
	{ show "$tmp/err" stderr; show "$tmp/lzma-done.policy" policy; fail "xz -d under the completed policy: faults"; }

say "usage errors"
"$PKREWIND_BIN" learn -p "$data/learn-base.policy" -- true >"$tmp/out" 2>"$tmp/err" && st=0 || st=$?
test $st -eq 2 && grep -q '^usage: pkrewind learn' "$tmp/err" ||
	{ show "$tmp/err" stderr; fail "learn without -o: status $st, want 2 and a usage line"; }
say "PASS"
