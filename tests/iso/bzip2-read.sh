#!/bin/sh
# bzip2-read: libbz2 with program memory read-only to it
# (tests/data/iso/libbz2-read.policy).  bzip2 passes libbz2 the address of
# its own error variable and its FILE*; BZ2_bzWriteOpen stores BZ_OK
# through the first, and BZ2_bzWrite writes through the second.  Those
# writes must be stopped and rewound.  Pass: bzip2 fails (an exit status,
# not a signal) with a pkrewind fault diagnostic naming a BZ2_ function.  A
# successful, byte-identical compression FAILS the test.
. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/iso/common.sh"

need_pku
need_prog bzip2
need_shim
unset BZIP BZIP2
PKREWIND_TEST_TIMEOUT=30
make_data "$tmp/data" 1048576

say "bzip2 -c without the shim"
plain bzip2 -c <"$tmp/data" >"$tmp/ref" 2>"$tmp/err"
test $st -eq 0 || { show "$tmp/err" stderr; hard_error "bzip2 fails without the shim ($(describe_status))"; }

say "bzip2 -c under the shim (trusted-memory read): libbz2's writes must be stopped"
shim "$policies/libbz2-read.policy" bzip2 -c <"$tmp/data" >"$tmp/out" 2>"$tmp/err"
write_stopped "bzip2 -c" 'BZ2_[A-Za-z0-9_]+'

say "PASS"
