#!/bin/sh
# tls: thread-local storage of isolated libraries, in write, read and none
# modes: a module in dynamic TLS (libpkrtls.so: general-dynamic accesses),
# one in static TLS (libpkrtlsie.so: an initial-exec variable), and one in
# dynamic TLS reached through TLS descriptors (libpkrtlsdesc.so,
# -mtls-dialect=gnu2), whose function also checks that a value it keeps
# in a vector register across the accesses survives them.
# Asserts:
#  - from the main thread and from 8 threads at once (2000 calls each),
#    every thread sees its own variables starting from their initial
#    values (5 and zeros): output byte-identical to the plain run, no
#    fault, and the calls went through the gate;
#  - after a crash of the library in the middle of a call, rewinding keeps
#    the thread's TLS (15, rewound to -1, then 19), and on-fault reset
#    starts it again from its initial values (6).
. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/iso/common.sh"

need_pku
tlsprog=$top_builddir/tests/progs/tlsprog
need_built "$tlsprog"
need_shim
policies=$top_srcdir/tests/data/libc

plain "$tlsprog" threads 8 2000 >"$tmp/want" 2>"$tmp/want.err"
test $st -eq 0 || fail "tlsprog threads failed without the shim ($(describe_status))"

for mode in write read none; do
	say "$mode mode: 9 threads, each with its own TLS in the three libraries"
	extra_env=PKREWIND_STATS=1 shim "$policies/tls-$mode.policy" "$tlsprog" threads 8 2000 \
		>"$tmp/out" 2>"$tmp/err"
	extra_env=
	test $st -eq 0 || { show "$tmp/err" stderr; fail "$mode mode: tlsprog threads: $(describe_status)"; }
	cmp -s "$tmp/want" "$tmp/out" || { diff "$tmp/want" "$tmp/out" | head -n 20;
		show "$tmp/err" stderr; fail "$mode mode: the threads' TLS differs from the plain run"; }
	for fn in pkrtls_bump pkrtlsie_bump pkrtlsdesc_bump; do
		test "$(stats_calls "$tmp/err" $fn)" = 16004 ||
			{ show "$tmp/err" stderr; fail "$mode mode: $fn was not called 16004 times through the gate"; }
		test "$(stats_faults "$tmp/err" $fn)" = 0 ||
			{ show "$tmp/err" stderr; fail "$mode mode: $fn faulted"; }
	done

	say "$mode mode: a crash after changing TLS is rewound, the TLS kept"
	shim "$policies/tls-$mode.policy" "$tlsprog" crash >"$tmp/out" 2>"$tmp/err"
	test $st -eq 0 || { show "$tmp/err" stderr; fail "$mode mode: tlsprog crash: $(describe_status)"; }
	test "$(cat "$tmp/out")" = "before 15, crash -1, after 19" ||
		{ show "$tmp/out" stdout; show "$tmp/err" stderr; fail "$mode mode: wrong TLS after a rewind"; }
	grep -q "fault in domain tls calling pkrtls_crash: SIGSEGV" "$tmp/err" ||
		{ show "$tmp/err" stderr; fail "$mode mode: the crash was not reported"; }
done

say "read mode, on-fault reset: the thread's TLS starts again"
shim "$policies/tls-reset.policy" "$tlsprog" crash >"$tmp/out" 2>"$tmp/err"
test $st -eq 0 || { show "$tmp/err" stderr; fail "reset: tlsprog crash: $(describe_status)"; }
test "$(cat "$tmp/out")" = "before 15, crash -1, after 6" ||
	{ show "$tmp/out" stdout; show "$tmp/err" stderr; fail "reset: TLS not back to its initial values"; }
say "PASS"
