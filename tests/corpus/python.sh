#!/bin/sh
# python: an interpreter loading extension modules that link the
# libraries (Python's _lzma and _bz2 dlopen()ed at import), with liblzma
# and libbz2 in two domains of one process; the domains are made when
# the modules load.  Byte-identical output (sizes and digests of round
# trips); both domains took calls, neither faulted.
. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/corpus/common.sh"

need_pku
need_shim
need_progs python3

script='import bz2, hashlib, lzma, sys
d = open(sys.argv[1], "rb").read()
x = lzma.compress(d, preset=3)
b = bz2.compress(d, 5)
print(len(d), len(x), len(b))
print(hashlib.sha256(bz2.decompress(bz2.compress(lzma.decompress(x)))).hexdigest())'
head -c 400000 "$(command -v python3)" >"$tmp/blob"

plain python3 -c "$script" "$tmp/blob" >"$tmp/want" 2>"$tmp/want.err"
test $st -eq 0 || { show "$tmp/want.err" stderr; hard_error "python3 failed without the shim"; }
printf 'domain lzma\n    library liblzma.so.5\n    trusted-memory write\ndomain bz2\n    library libbz2.so.1.0\n    trusted-memory write\n' >"$tmp/two.policy"
extra_env=PKREWIND_STATS=1 shim "$tmp/two.policy" python3 -c "$script" "$tmp/blob" >"$tmp/out" 2>"$tmp/err"
extra_env=
test $st -eq 0 || { show "$tmp/err" stderr; fail "python3 under the shim: $(describe_status)"; }
cmp -s "$tmp/want" "$tmp/out" || { diff "$tmp/want" "$tmp/out"; fail "python3: output differs"; }
for dom in lzma bz2; do
	line=$(grep "stats: domain $dom: " "$tmp/err")
	echo "$line" | grep -q 'calls [1-9][0-9]*, faults 0,' ||
		{ show "$tmp/err" stderr; fail "domain $dom: no calls through the gate, or faults: $line"; }
done
say "ok: python3 with liblzma and libbz2 in two domains: identical"
say "PASS"
