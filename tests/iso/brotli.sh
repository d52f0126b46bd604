#!/bin/sh
# brotli: the shared brotli libraries isolated in write mode (the shipped
# policy/brotli.policy when it is a write-mode policy, else
# tests/data/iso/brotli.policy).
#
# Debian's /usr/bin/brotli is linked statically with the brotli code (its
# NEEDED entries are libm and libc only), so a shim has nothing to isolate
# in it.  The isolated client is tests/progs/brotlipipe, an ordinary
# program linked with libbrotlienc.so.1 and libbrotlidec.so.1 that
# streams with BrotliEncoderCompressStream/BrotliDecoderDecompressStream;
# the real brotli checks it from outside in both directions.  Should the
# installed brotli link the shared libraries, it is run under the shim too.
#
# Asserts: brotlipipe's output decompresses with the real brotli; under
# the shim brotlipipe compresses byte-identically and decompresses the
# real brotli's output exactly (LD_PRELOAD and the pkrewind command); the
# stats count calls of BrotliEncoderCompressStream and
# BrotliDecoderDecompressStream.
. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/iso/common.sh"

need_pku
need_prog brotli
brotli=$(command -v brotli)
test -x "$progs/brotlipipe" ||
	skip "tests/progs/brotlipipe was not built (libbrotli-dev missing at configure time?)"
need_shim
pol=$(shipped_policy brotli.policy "$policies/brotli.policy")
make_data "$tmp/data"
q=5

say "cross-check brotlipipe with $brotli (no shim)"
plain "$brotli" -c -q $q <"$tmp/data" >"$tmp/real.br" 2>"$tmp/err"
test $st -eq 0 || { show "$tmp/err" stderr; hard_error "brotli -c fails ($(describe_status))"; }
plain "$progs/brotlipipe" -d <"$tmp/real.br" >"$tmp/out" 2>"$tmp/err"
test $st -eq 0 && cmp -s "$tmp/data" "$tmp/out" || { show "$tmp/err" stderr;
	hard_error "brotlipipe -d does not restore brotli -c's output ($(describe_status))"; }
plain "$progs/brotlipipe" -c $q <"$tmp/data" >"$tmp/pipe.br" 2>"$tmp/err"
test $st -eq 0 || { show "$tmp/err" stderr; hard_error "brotlipipe -c fails ($(describe_status))"; }
plain "$brotli" -dc <"$tmp/pipe.br" >"$tmp/out" 2>"$tmp/err"
test $st -eq 0 && cmp -s "$tmp/data" "$tmp/out" || { show "$tmp/err" stderr;
	hard_error "brotli -dc does not restore brotlipipe -c's output ($(describe_status))"; }

codec_test "$pol" "$tmp/data" "$progs/brotlipipe -c $q" "$progs/brotlipipe -d" \
	"BrotliEncoderCompressStream" "BrotliDecoderDecompressStream"

say "the real brotli under the shim"
if command -v readelf >/dev/null 2>&1 &&
   readelf -d "$brotli" 2>/dev/null | grep -q 'NEEDED.*libbrotli\(enc\|dec\)'; then
	codec_test "$pol" "$tmp/data" "$brotli -c -q $q" "$brotli -dc" \
		"BrotliEncoderCompressStream" "BrotliDecoderDecompressStream"
else
	say "  $brotli does not link libbrotlienc/libbrotlidec: nothing to isolate in it (it served as the reference)"
fi

say "PASS"
