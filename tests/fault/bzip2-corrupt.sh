#!/bin/sh
# bzip2-corrupt: the Debian bzip2 decompressing corrupted .bz2 files under
# the shim, with the shipped policy/libbz2.policy (write mode).
# Corruptions: bytes overwritten in the first block, a file cut in the
# middle of the second block, a damaged magic number, a damaged block
# header.
#
# Asserts, for each (LD_PRELOAD and the pkrewind command): bzip2 fails
# without the shim; under it the exit status, the bytes written to stdout
# and the error message are the same; pkrewind prints no fault line (only
# the stats, which show libbz2 really served BZ2_bzReadOpen and
# BZ2_bzRead, with no fault).
. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/fault/common.sh"

need_pku
need_prog bzip2
need_shim
unset BZIP BZIP2
pol=$top_srcdir/policy/libbz2.policy
test -f "$pol" || hard_error "policy/libbz2.policy is missing"
make_data "$tmp/data" 1048576

plain bzip2 -c <"$tmp/data" >"$tmp/good.bz2" 2>"$tmp/err"
test $st -eq 0 || { show "$tmp/err" stderr; hard_error "bzip2 -c fails ($(describe_status))"; }
size=$(wc -c <"$tmp/good.bz2")

cp "$tmp/good.bz2" "$tmp/flip.bz2"
corrupt "$tmp/flip.bz2" 20000 '\377\000\125\252\377\000\125\252'
head -c $((size - 1000)) "$tmp/good.bz2" >"$tmp/truncated.bz2"
cp "$tmp/good.bz2" "$tmp/bad-magic.bz2"
corrupt "$tmp/bad-magic.bz2" 0 'QZ'
cp "$tmp/good.bz2" "$tmp/bad-block.bz2"
corrupt "$tmp/bad-block.bz2" 4 '\000\000\000\000\000\000'

say "bzip2 -dc on corrupted files, without and with the shim (${pol#"$top_srcdir"/})"
for f in flip truncated bad-magic bad-block; do
	same_as_plain "$pol" "$tmp/$f.bz2" "BZ2_bzReadOpen BZ2_bzRead" bzip2 -dc
done

say "PASS"
