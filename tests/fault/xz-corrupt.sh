#!/bin/sh
# xz-corrupt: the Debian xz decompressing corrupted .xz streams under the
# shim, with the shipped policy/liblzma.policy (write mode).  Corruptions:
# bytes overwritten in the compressed data (two places), a stream cut in
# the middle, a damaged magic number, a damaged stream footer.
#
# Asserts, for each (LD_PRELOAD and the pkrewind command): xz fails
# without the shim; under it the exit status, the bytes written to stdout
# and the error message are the same; pkrewind prints no fault line (only
# the stats, which show liblzma really served the calls: lzma_code, or
# lzma_properties_decode for the bad magic number, called with no fault).
. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/fault/common.sh"

need_pku
need_prog xz
need_shim
unset XZ_DEFAULTS XZ_OPT
pol=$top_srcdir/policy/liblzma.policy
test -f "$pol" || hard_error "policy/liblzma.policy is missing"
make_data "$tmp/data" 1048576

plain xz -T1 -c <"$tmp/data" >"$tmp/good.xz" 2>"$tmp/err"
test $st -eq 0 || { show "$tmp/err" stderr; hard_error "xz -c fails ($(describe_status))"; }
size=$(wc -c <"$tmp/good.xz")

cp "$tmp/good.xz" "$tmp/flip-early.xz"
corrupt "$tmp/flip-early.xz" 20000 '\377\000\125\252\377\000\125\252'
cp "$tmp/good.xz" "$tmp/flip-late.xz"
corrupt "$tmp/flip-late.xz" 200000 '\377\000\125\252\377\000\125\252'
head -c $((size / 2)) "$tmp/good.xz" >"$tmp/truncated.xz"
cp "$tmp/good.xz" "$tmp/bad-magic.xz"
corrupt "$tmp/bad-magic.xz" 1 'XZ'
cp "$tmp/good.xz" "$tmp/bad-footer.xz"
corrupt "$tmp/bad-footer.xz" $((size - 8)) '\000\000\000\000'

say "xz -dc on corrupted streams, without and with the shim (${pol#"$top_srcdir"/})"
for f in flip-early flip-late truncated bad-footer; do
	same_as_plain "$pol" "$tmp/$f.xz" lzma_code xz -dc
done
same_as_plain "$pol" "$tmp/bad-magic.xz" lzma_properties_decode xz -dc

say "PASS"
