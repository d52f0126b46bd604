#!/bin/sh
# stress: randomized misbehaviour for a fixed time (issue 9).  `misprog
# stress SECONDS SEED`: 4 threads loop random operations - ordinary calls
# (results checked), faults of five classes (NULL read, write to
# read-only program memory, division by zero, ud2, an abort() from the
# runtime's free), library mallocs and frees (contents checked), callbacks
# that call back into the library (ordinary and faulting), long calls -
# while a SIGALRM timer (every 2 ms) runs a handler that calls into the
# library and faults every fourth time, and a watcher thread checksums
# 4 MiB of program heap and 64 KiB of globals continuously.
#
# Without the shim the faults would kill it: there is no run without the
# shim.  Asserts, read and write mode, $PKREWIND_STRESS_SECONDS (default
# 8) seconds each:
#  1. misprog exits 0 with "stress: ok": no wrong result in any thread or
#     in the handler, the watcher never saw program memory change, the
#     checksums at the end match, the timer fired;
#  2. one fault diagnostic and one "rewound" line per fault misprog
#     caused (the count it prints): every fault diagnosed.
. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/boundary/common.sh"

need_pku
need_built "$misprog"
need_shim
: "${PKREWIND_STRESS_SECONDS:=8}"
# Slack for start-up and the end: a QEMU guest (TCG) sharing a loaded
# host is many times slower.  A hang still fails, with every thread's
# state in the log (tests/boundary/common.sh, hang_watch).
if test -n "${PKREWIND_IN_GUEST:-}"; then
	PKREWIND_TEST_TIMEOUT=$((PKREWIND_STRESS_SECONDS + 90))
else
	PKREWIND_TEST_TIMEOUT=$((PKREWIND_STRESS_SECONDS + 30))
fi
seed=${PKREWIND_STRESS_SEED:-$(date +%s)}

for mode in read write; do
	say "misprog stress $PKREWIND_STRESS_SECONDS $seed under the shim (trusted-memory $mode)"
	mis $mode stress "$PKREWIND_STRESS_SECONDS" "$seed"
	not_killed "stress ($mode, seed $seed)"
	need_ok stress "stress ($mode, seed $seed)"
	n=$(sed -n 's/^misprog: stress: [0-9]* calls, \([0-9]*\) faults caused.*/\1/p' "$tmp/out")
	f=$(grep -c '^pkrewind\[[0-9]*\]: error: fault in domain ' "$tmp/err")
	r=$(grep -c '^pkrewind\[[0-9]*\]: error: domain [A-Za-z0-9_.-]*: call to [A-Za-z0-9_]* rewound' "$tmp/err")
	if test "$f" -ne "$n" || test "$r" -ne "$n"; then
		show "$tmp/err" stderr
		fail "stress ($mode, seed $seed): $f fault diagnostics and $r 'rewound' lines for $n faults caused"
	fi
	say "  $(grep '^misprog: stress' "$tmp/out")"
done
say "PASS"
