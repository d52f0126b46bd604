#!/bin/sh
# bzip2: the Debian bzip2, unmodified, with libbz2 isolated in write mode
# (the shipped policy/libbz2.policy when it is a write-mode policy, else
# tests/data/iso/libbz2.policy).  10 MiB of mixed data is compressed and
# decompressed with and without the shim.  Asserts: byte-identical .bz2
# files, exact round trips (LD_PRELOAD and the pkrewind command), and
# stats showing the calls bzip2 really makes.  bzip2 uses libbz2's FILE*
# interface (nm -D /usr/bin/bzip2: BZ2_bzWriteOpen, BZ2_bzWrite,
# BZ2_bzWriteClose64, BZ2_bzReadOpen, BZ2_bzRead, ...); BZ2_bzCompress and
# BZ2_bzDecompress are called inside the library and never cross the
# trampoline, so they do not appear in the stats.
. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/iso/common.sh"

need_pku
need_prog bzip2
need_shim
unset BZIP BZIP2
pol=$(shipped_policy libbz2.policy "$policies/libbz2.policy")
make_data "$tmp/data"

codec_test "$pol" "$tmp/data" "bzip2 -c" "bzip2 -dc" \
	"BZ2_bzWriteOpen BZ2_bzWrite BZ2_bzWriteClose64" \
	"BZ2_bzReadOpen BZ2_bzRead BZ2_bzReadClose"

say "PASS"
