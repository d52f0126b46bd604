#!/bin/sh
# iconv: an isolated library's iconv_open/iconv/iconv_close, in write,
# read and none modes (fixture libpkrconv, program convprog).  A charset
# outside glibc's built-in ones (ISO-8859-2, ISO-2022-JP) needs a gconv
# module, which glibc loads with ld.so's internal dlopen, writing ld.so's
# data (program memory): in read and none modes that faulted.  Cases:
# both directions, E2BIG partial conversions step by step, EILSEQ,
# EINVAL, the flush calls of a stateful encoding, iconv_open errors,
# buffers of several of the runtime's chunks (static and heap: E2BIG,
# EINVAL, EILSEQ far from the start, characters across chunk ends); the
# program's own text as input (read and write modes; a fault, rewound,
# in none mode);
# then forged and stale iconv_t values, which must give EBADF (never a
# crash of the program's C library).  Asserts output byte-identical to
# the plain run, every call through the gate, no fault.
. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/iso/common.sh"

need_pku
convprog=$top_builddir/tests/progs/convprog
need_built "$convprog"
need_shim
policies=$top_srcdir/tests/data/libc

plain "$convprog" iconv >"$tmp/want" 2>"$tmp/want.err"
test $st -eq 0 || hard_error "convprog iconv failed without the shim ($(describe_status))"
grep -q 'round trip exact' "$tmp/want" && grep -q 'E2BIG' "$tmp/want" &&
	grep -q 'EILSEQ' "$tmp/want" && grep -q 'EINVAL' "$tmp/want" ||
	{ show "$tmp/want" stdout; hard_error "convprog iconv: the plain run does not show the cases"; }

plain "$convprog" from >"$tmp/from.want" 2>"$tmp/want.err"
test $st -eq 0 && grep -q 'utf-8 (18): c5 81 c3 b3 64 c5 ba' "$tmp/from.want" ||
	{ show "$tmp/from.want" stdout; hard_error "convprog from failed without the shim ($(describe_status))"; }

# What forged handles must give: EBADF for each, the real handle intact.
cat >"$tmp/forge.want" <<'END'
open: ok
forged 0: iconv -1 EBADF, in left 3, out left 16; iconv_close -1 EBADF
forged 1: iconv -1 EBADF, in left 3, out left 16; iconv_close -1 EBADF
forged 2: iconv -1 EBADF, in left 3, out left 16; iconv_close -1 EBADF
forged 3: iconv -1 EBADF, in left 3, out left 16; iconv_close -1 EBADF
good: iconv 0, close 0
stale: iconv -1 EBADF, close -1 EBADF
END

for mode in write read none; do
	say "$mode mode: iconv"
	extra_env=PKREWIND_STATS=1 shim "$policies/conv-$mode.policy" "$convprog" iconv \
		>"$tmp/out" 2>"$tmp/err"
	check_run "$tmp/want" "$tmp/out" "$tmp/err" "$mode mode: convprog iconv"
	test "$(stats_calls "$tmp/err" pkrconv_iconv)" = 8 && test "$(stats_faults "$tmp/err" pkrconv_iconv)" = 0 ||
		{ show "$tmp/err" stderr; fail "$mode mode: pkrconv_iconv not called 8 times through the gate without a fault"; }

	say "$mode mode: the program's text as input"
	extra_env=PKREWIND_STATS=1 shim "$policies/conv-$mode.policy" "$convprog" from \
		>"$tmp/out" 2>"$tmp/err"
	if test $mode = none; then
		# The library may not read the program's memory: rewound.
		test $st -eq 0 && test "$(cat "$tmp/out")" = "(rewound)" &&
			test "$(stats_faults "$tmp/err" pkrconv_iconv_from)" = 1 &&
			grep -q 'fault in domain conv calling pkrconv_iconv_from: .*reading .*(program memory)' "$tmp/err" ||
			{ show "$tmp/out" stdout; show "$tmp/err" stderr;
			  fail "none mode: converting the program's text was not a fault, rewound"; }
	else
		check_run "$tmp/from.want" "$tmp/out" "$tmp/err" "$mode mode: convprog from"
		test "$(stats_calls "$tmp/err" pkrconv_iconv_from)" = 1 && test "$(stats_faults "$tmp/err" pkrconv_iconv_from)" = 0 ||
			{ show "$tmp/err" stderr; fail "$mode mode: pkrconv_iconv_from not called once through the gate without a fault"; }
	fi

	say "$mode mode: forged iconv_t"
	extra_env=PKREWIND_STATS=1 shim "$policies/conv-$mode.policy" "$convprog" forge \
		>"$tmp/out" 2>"$tmp/err"
	check_run "$tmp/forge.want" "$tmp/out" "$tmp/err" "$mode mode: convprog forge"
	test "$(stats_calls "$tmp/err" pkrconv_forge)" = 1 && test "$(stats_faults "$tmp/err" pkrconv_forge)" = 0 ||
		{ show "$tmp/err" stderr; fail "$mode mode: pkrconv_forge not called once through the gate without a fault"; }
done
say "PASS"
