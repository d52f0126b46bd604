#!/bin/sh
# fini: the destructors and atexit handlers of an isolated library run at
# exit through the gate, with the domain's rights (before, ld.so ran them
# with the program's: a crash there was the program's, a stray write
# landed).  Asserts, in read and write modes (libpkrfini.so, finiprog):
#  - each runs exactly once (the program's own copy of the library runs
#    no destructor) and the program's exit status (3) is kept;
#  - a crash in the destructor, or in the atexit handler, is reported
#    ("calling a destructor") and rewound: status 3, the program's own
#    destructor still runs after it;
#  - in read mode a destructor's write into program memory is a fault,
#    rewound, and the memory is unchanged (42); in write mode it lands
#    (666: containment only).
. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/iso/common.sh"

need_pku
finiprog=$top_builddir/tests/progs/finiprog
need_built "$finiprog"
need_shim
policies=$top_srcdir/tests/data/libc

# run MODE HOW: finiprog under the shim, status 3 expected
run() {
	shim "$policies/fini-$1.policy" "$finiprog" "$2" >"$tmp/out" 2>"$tmp/err"
	test $st -eq 3 || { show "$tmp/out" stdout; show "$tmp/err" stderr;
		fail "$1 mode, case $2: $(describe_status), expected the program's 3"; }
	for line in "armed $2" "library destructor" "library atexit handler"; do
		test "$(grep -cx "$line" "$tmp/out")" = 1 || { show "$tmp/out" stdout;
			fail "$1 mode, case $2: '$line' not printed exactly once"; }
	done
}

for mode in write read; do
	say "$mode mode: destructor and atexit handler run once, status kept"
	run $mode 0
	grep -qx "program destructor: guarded 42" "$tmp/out" || { show "$tmp/out" stdout; fail "$mode mode: program memory changed"; }
	! grep -q "fault in domain" "$tmp/err" || { show "$tmp/err" stderr; fail "$mode mode: a fault without a bug"; }

	for how in 1 2; do
		say "$mode mode: a crash in the $(test $how = 1 && echo destructor || echo 'atexit handler') is rewound"
		run $mode $how
		grep -q "error: fault in domain fini calling a destructor: SIGSEGV" "$tmp/err" ||
			{ show "$tmp/err" stderr; fail "$mode mode, case $how: the crash was not reported"; }
		grep -qx "program destructor: guarded 42" "$tmp/out" ||
			{ show "$tmp/out" stdout; fail "$mode mode, case $how: the program's destructor did not run after it"; }
	done
done

say "read mode: a destructor's write into program memory is stopped"
run read 3
grep -q "error: fault in domain fini calling a destructor: SIGSEGV (SEGV_PKUERR, key 0) writing" "$tmp/err" ||
	{ show "$tmp/err" stderr; fail "read mode: the destructor's write was not a fault"; }
grep -qx "program destructor: guarded 42" "$tmp/out" || { show "$tmp/out" stdout; fail "read mode: program memory changed"; }
say "write mode: the same write lands (containment only)"
run write 3
grep -qx "program destructor: guarded 666" "$tmp/out" || { show "$tmp/out" stdout; fail "write mode: the write did not land"; }
say "PASS"
