#!/bin/sh
# dirlocale: DIR * and locale_t across the boundary (libpkrdir.so,
# tests/progs/dirprog), as libpkrewind(7) states them:
#  - a DIR * and a locale_t the library made work in the program in every
#    mode (the program may use domain memory);
#  - the program's locale_t works in the library in write and read modes
#    (it is only read); in none mode the call is a fault, rewound (-1);
#  - the program's DIR works in the library in write mode; readdir
#    writes it, so in read and none modes the call is a fault, rewound.
# Output compared line by line with the plain run, faults counted.
. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/iso/common.sh"

need_pku
dirprog=$top_builddir/tests/progs/dirprog
need_built "$dirprog"
need_shim
policies=$top_srcdir/tests/data/libc

plain "$dirprog" >"$tmp/want" 2>/dev/null
test $st -eq 0 || hard_error "dirprog failed without the shim"
for mode in write read none; do
	case $mode in
	write) sed_expr= ; faults=0 ;;
	read)  sed_expr='s/^\(the program.s DIR read by the library\): .*/\1: -1 entries/'; faults=1 ;;
	none)  sed_expr='s/^\(the program.s DIR read by the library\): .*/\1: -1 entries/; s/^\(the program.s locale_t in the library\): .*/\1: \xff/'; faults=2 ;;
	esac
	sed "$sed_expr" "$tmp/want" >"$tmp/want.$mode"
	say "$mode mode"
	extra_env=PKREWIND_STATS=1 shim "$policies/dir-$mode.policy" "$dirprog" >"$tmp/out" 2>"$tmp/err"
	extra_env=
	test $st -eq 0 || { show "$tmp/err" stderr; fail "$mode mode: dirprog: $(describe_status)"; }
	cmp -s "$tmp/want.$mode" "$tmp/out" || { diff "$tmp/want.$mode" "$tmp/out"; show "$tmp/err" stderr;
		fail "$mode mode: not what libpkrewind(7) says"; }
	test "$(grep -c 'fault in domain dir calling' "$tmp/err")" = $faults ||
		{ show "$tmp/err" stderr; fail "$mode mode: expected $faults faults"; }
done
say "PASS"
