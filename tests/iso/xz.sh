#!/bin/sh
# xz: the Debian xz, unmodified, with liblzma isolated in write mode (the
# shipped policy/liblzma.policy when it is a write-mode policy, else
# tests/data/iso/liblzma.policy).  10 MiB of mixed data (text, random,
# zeros) is compressed with `xz -T1 -3` (single-threaded: threads created
# inside an isolated library are not supported; preset 3, because the
# default -6 costs 5 s of CPU per run here, which would make this test
# alone take most of the suite's time budget on a loaded 2-core machine)
# and decompressed, with and without the shim.  Asserts: the .xz files are byte-identical, the
# round trips are exact (LD_PRELOAD and the pkrewind command), and the
# shim's stats count calls of lzma_code (the one function xz feeds data
# through; nm -D /usr/bin/xz lists what it imports).
. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/iso/common.sh"

need_pku
need_prog xz
need_shim
unset XZ_DEFAULTS XZ_OPT
pol=$(shipped_policy liblzma.policy "$policies/liblzma.policy")
make_data "$tmp/data"

codec_test "$pol" "$tmp/data" "xz -T1 -3 -c" "xz -dc" \
	"lzma_code lzma_stream_encoder" "lzma_code"

say "PASS"
