#!/bin/sh
# xz-read: liblzma with program memory read-only to it
# (tests/data/iso/liblzma-read.policy).  xz keeps its option structures
# and its lzma_stream in its own memory and liblzma writes them (the first
# such call is lzma_lzma_preset, then the encoder's initialiser and
# lzma_code); until argument annotations exist, those writes must be
# stopped and rewound.  Pass: xz fails (an exit status, not a signal) with
# a pkrewind fault diagnostic naming an lzma_ function.  A successful,
# byte-identical compression FAILS the test: the writes went through.
. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/iso/common.sh"

need_pku
need_prog xz
need_shim
unset XZ_DEFAULTS XZ_OPT
PKREWIND_TEST_TIMEOUT=30
make_data "$tmp/data" 1048576

say "xz -T1 -3 -c without the shim"
plain xz -T1 -3 -c <"$tmp/data" >"$tmp/ref" 2>"$tmp/err"
test $st -eq 0 || { show "$tmp/err" stderr; hard_error "xz fails without the shim ($(describe_status))"; }

say "xz -T1 -3 -c under the shim (trusted-memory read): liblzma's writes must be stopped"
shim "$policies/liblzma-read.policy" xz -T1 -3 -c <"$tmp/data" >"$tmp/out" 2>"$tmp/err"
write_stopped "xz -T1 -3 -c" 'lzma_[A-Za-z0-9_]+'

say "PASS"
