#!/bin/sh
# shipped: the shipped liblzma, libbz2, libz and brotli policies are read
# mode with
# argument annotations (issue 11), and real, unmodified xz and bzip2 run
# under them unchanged: every run's output and status byte-identical to
# the plain run, and no fault and no refused call.  Covers xz -6, -9,
# -T2 (liblzma's own threads), decompression of two concatenated
# streams, -t, and -l / -lvv (the index decoder, which keeps a pointer
# to the caller's lzma_index * across calls: `keep`); bzip2 -9, -1, -d,
# -t, -s; brotli (tests/progs/brotlipipe: the streaming API, whose
# next_in/next_out pointers are `ref` arguments) -c 9 and -d; git (zlib, tests/args/gitwork: loose objects, an aggressive
# gc with threaded pack-objects, fsck, log --stat, a tar.gz archive with
# zlib's gzip header) in a scratch repository.
. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/iso/common.sh"

need_pku
need_prog xz
need_prog bzip2
need_prog git
need_shim

for p in liblzma libbz2 libz brotli; do
	grep -q '^[[:space:]]*trusted-memory[[:space:]][[:space:]]*read' "$top_srcdir/policy/$p.policy" ||
		fail "policy/$p.policy is not in trusted-memory read mode"
done

make_data "$tmp/data" 1048576
xz -6 -c "$tmp/data" >"$tmp/data.xz" || hard_error "xz failed without the shim"
cat "$tmp/data.xz" "$tmp/data.xz" >"$tmp/two.xz"
bzip2 -9 -c "$tmp/data" >"$tmp/data.bz2" || hard_error "bzip2 failed without the shim"

# same POLICY CMD...: plain and under the shim, compared.
same() {
	_pol=$1; shift
	plain "$@" <"$tmp/data" >"$tmp/want" 2>"$tmp/want.err"
	_wst=$st
	extra_env=PKREWIND_STATS=1 shim "$top_srcdir/policy/$_pol.policy" "$@" <"$tmp/data" \
		>"$tmp/out" 2>"$tmp/err"
	extra_env=
	test $st -eq $_wst || { show "$tmp/err" stderr; fail "$*: status $st under the shim, $_wst without"; }
	cmp -s "$tmp/want" "$tmp/out" || { show "$tmp/err" stderr; fail "$*: output differs from the plain run"; }
	if grep -q 'fault in domain\|refused' "$tmp/err"; then
		show "$tmp/err" stderr; fail "$*: faults or refused calls under the shim"
	fi
	_calls=$(stats_clean_calls "$tmp/err")
	test -n "$_calls" && test "$_calls" -gt 0 ||
		{ show "$tmp/err" stderr; fail "$*: no calls, or faults, in the stats"; }
	say "  $*: identical, $_calls calls, no fault"
}

say "xz under policy/liblzma.policy (read mode)"
same liblzma xz -6 -c
same liblzma xz -9 -c
same liblzma xz -T2 -6 -c
same liblzma xz -d -c "$tmp/two.xz"
same liblzma xz -t "$tmp/data.xz"
same liblzma xz -l "$tmp/two.xz"
same liblzma xz -lvv "$tmp/data.xz"
say "bzip2 under policy/libbz2.policy (read mode)"
same libbz2 bzip2 -9 -c
same libbz2 bzip2 -1 -c
same libbz2 bzip2 -d -c "$tmp/data.bz2"
same libbz2 bzip2 -t "$tmp/data.bz2"
same libbz2 bzip2 -s -d -c "$tmp/data.bz2"
say "brotli under policy/brotli.policy (read mode)"
brotlipipe=$top_builddir/tests/progs/brotlipipe
need_built "$brotlipipe"
same brotli "$brotlipipe" -c 9
"$brotlipipe" -c 5 <"$tmp/data" >"$tmp/data.br" || hard_error "brotlipipe failed without the shim"
plain "$brotlipipe" -d <"$tmp/data.br" >"$tmp/want" 2>"$tmp/want.err"
extra_env=PKREWIND_STATS=1 shim "$top_srcdir/policy/brotli.policy" "$brotlipipe" -d <"$tmp/data.br" \
	>"$tmp/out" 2>"$tmp/err"
extra_env=
test $st -eq 0 && cmp -s "$tmp/data" "$tmp/out" ||
	{ show "$tmp/err" stderr; fail "brotlipipe -d under policy/brotli.policy: $(describe_status) or output differs"; }
need_calls "$tmp/err" BrotliDecoderDecompressStream

say "git under policy/libz.policy (read mode)"
export top_srcdir
plain sh "$top_srcdir/tests/args/gitwork" "$tmp/g1" >"$tmp/want" 2>"$tmp/want.err"
test $st -eq 0 || { show "$tmp/want.err" stderr; hard_error "the git workload failed without the shim"; }
shim "$top_srcdir/policy/libz.policy" sh "$top_srcdir/tests/args/gitwork" "$tmp/g2" \
	>"$tmp/out" 2>"$tmp/err"
test $st -eq 0 || { show "$tmp/err" stderr; fail "git workload: $(describe_status) under the shim"; }
cmp -s "$tmp/want" "$tmp/out" || { diff "$tmp/want" "$tmp/out" | head -20; show "$tmp/err" stderr;
	fail "git workload: output differs from the plain run"; }
if grep -q 'fault in domain\|refused\|error' "$tmp/err"; then
	show "$tmp/err" stderr; fail "git workload: faults or errors under the shim"
fi
# zlib was used, through the gate: one process's stats.
extra_env=PKREWIND_STATS=1 shim "$top_srcdir/policy/libz.policy" git -C "$tmp/g2" fsck --full \
	>"$tmp/out" 2>"$tmp/err"
extra_env=
test $st -eq 0 || { show "$tmp/err" stderr; fail "git fsck: $(describe_status) under the shim"; }
need_calls "$tmp/err" inflateInit_ inflate inflateEnd
say "PASS"
