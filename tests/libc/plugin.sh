#!/bin/sh
# plugin: a library that loads a plugin with dlopen, in write, read and
# none modes (before, dlopen inside a domain faulted in read and none
# modes, and a plugin loaded in write mode carried the program's key).
# Asserts, with tests/progs/plugprog:
#  - the plugin loads into the domain's namespace and works: it writes
#    its own data (in read and none modes only memory with the domain's
#    key is writable, so its mappings were tagged), its heap and a
#    thread-local variable; a missing symbol is reported by dlerror;
#    dlclose succeeds;
#  - a crash in the plugin is the domain's fault, rewound (-1) and
#    reported, and the plugin works after it (its total kept).
. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/iso/common.sh"

need_pku
plugprog=$top_builddir/tests/progs/plugprog
need_built "$plugprog" "$top_builddir/tests/fixtures/.libs/libpkrplugin.so"
need_shim
policies=$top_srcdir/tests/data/libc

cat >"$tmp/want" <<'END'
load 0
call 1: 101
call 2: 302
call 3: 603
missing symbol reported: 1
crash -1
call after the crash: 1604
close 0
END
for mode in write read none; do
	say "$mode mode: the library's plugin"
	extra_env="PKRPLUG_DIR=$top_builddir/tests/fixtures/.libs PKREWIND_STATS=1" \
		shim "$policies/plug-$mode.policy" "$plugprog" >"$tmp/out" 2>"$tmp/err"
	extra_env=
	test $st -eq 0 || { show "$tmp/err" stderr; fail "$mode mode: plugprog: $(describe_status)"; }
	cmp -s "$tmp/want" "$tmp/out" || { diff "$tmp/want" "$tmp/out"; show "$tmp/err" stderr;
		fail "$mode mode: wrong results"; }
	test "$(grep -c 'fault in domain plug calling pkrplug_crash: SIGSEGV' "$tmp/err")" = 1 ||
		{ show "$tmp/err" stderr; fail "$mode mode: the plugin's crash was not reported once"; }
	test "$(stats_faults "$tmp/err" pkrplug_call)" = 0 ||
		{ show "$tmp/err" stderr; fail "$mode mode: pkrplug_call faulted"; }
done
say "PASS"
