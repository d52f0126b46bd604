#!/bin/sh
# threads: threads an isolated library starts, in write, read and none
# modes (before, read and none refused them and a crash in one killed the
# process in write mode).  Asserts, with tests/progs/thrprog:
#  - 4 and 8 threads started and joined by the library compute their sums
#    (with thread-local variables of their own);
#  - pthread_exit in a library thread gives its value to the join; a
#    stack size the library asks for is used;
#  - a crash in a library thread ends that thread only, with the domain's
#    fault-return value (-1), is reported, and the library starts threads
#    again afterwards;
#  - a detached thread runs;
#  - a start routine that is not the library's code is refused (EINVAL,
#    with a diagnostic), and a join of an id that is not the library's
#    thread fails with ESRCH, not a crash of the program's C library;
#  - a program thread that calls pthread_exit inside the library ends,
#    and the program joins it with the value;
#  - the library's thread-specific data (a key with a destructor, values
#    in 4 threads) works, its destructor runs for its 3 threads, and the
#    program's own key and value set before are untouched;
#  - pthread_cancel of the library's threads: one sleeping in a
#    cancellation point, one with cancellation disabled (it goes on, then
#    acts at pthread_testcancel), one blocked in read(): each is joined
#    with PTHREAD_CANCELED and its cleanup handler ran (none mode: each
#    ends as a reported fault, its handlers not run: unwinding reads
#    ld.so's records);
#  - the process exits 0, and every call went through the gate.
. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/iso/common.sh"

need_pku
thrprog=$top_builddir/tests/progs/thrprog
need_built "$thrprog"
need_shim
policies=$top_srcdir/tests/data/libc

cat >"$tmp/want" <<'END'
sum 100
pthread_exit 770
own stack size 550
crash -1
sum after the crash 360
detached 1
program code as start routine: EINVAL
join of a bogus id: No such process
program thread ended inside the library with 33
library keys 301
program's key value kept: yes
cancelled threads 11123
sum at the end 30
END

for mode in write read none; do
	say "$mode mode: the library's own threads"
	extra_env=PKREWIND_STATS=1 shim "$policies/thr-$mode.policy" "$thrprog" >"$tmp/out" 2>"$tmp/err"
	extra_env=
	test $st -eq 0 || { show "$tmp/out" stdout; show "$tmp/err" stderr;
		fail "$mode mode: thrprog: $(describe_status)"; }
	faults=1
	if test $mode = none; then
		# Unwinding a cancelled thread needs ld.so's records
		# (_dl_find_object), which none mode may not read: each of
		# the three ends as a fault, reported, with the fault-return
		# value (-1, which is PTHREAD_CANCELED), its cleanup handlers
		# not run (only the shielded thread's own bit, 4).
		sed 's/^cancelled threads .*/cancelled threads 11104/' "$tmp/want" >"$tmp/want.mode"
		faults=4
	else
		cp "$tmp/want" "$tmp/want.mode"
	fi
	cmp -s "$tmp/want.mode" "$tmp/out" || { diff "$tmp/want.mode" "$tmp/out"; show "$tmp/err" stderr;
		fail "$mode mode: wrong results"; }
	test "$(grep -c 'fault in domain thr calling a thread it started: SIGSEGV' "$tmp/err")" = $faults ||
		{ show "$tmp/err" stderr; fail "$mode mode: not $faults faults reported in the library's threads"; }
	grep -q "error: domain thr: pthread_create with a start routine (0x[0-9a-f]*) that is not the library's code: refused" "$tmp/err" ||
		{ show "$tmp/err" stderr; fail "$mode mode: no diagnostic for the foreign start routine"; }
	test "$(stats_calls "$tmp/err" pkrthr_sum)" = 3 ||
		{ show "$tmp/err" stderr; fail "$mode mode: pkrthr_sum was not called 3 times through the gate"; }
done
say "PASS"
