# tests/boundary/common.sh - sourced by the boundary tests (not a test).
#
# Everything tests/iso/common.sh provides (skip/fail/hard_error, $tmp,
# need_pku, the runs `plain`, `shim`, `via_cmd` setting $st,
# describe_status, show, stats_calls/stats_faults), plus:
#   $policies              tests/data/boundary
#   $misprog               the driver (tests/progs/misprog)
#   mis MODE CASE [ARGS]   misprog under tests/data/boundary/mis-MODE.policy
#                          (LD_PRELOAD, PKREWIND_STATS=1), stdout in
#                          $tmp/out, stderr in $tmp/err, status in $st;
#                          near its time-out, the threads' states (and
#                          gdb backtraces) in $tmp/hang
#   mis_plain CASE [ARGS]  misprog without the shim, same files
#   fault_count FILE FN    "fault in domain D calling FN:" lines
#   rewound_count FILE FN  "call to FN rewound" lines
#   fault_line FILE FN     the first fault line for FN
#   need_ok CASE WHAT      the last run exited 0 and printed "CASE: ok",
#                          else fail (showing stdout and stderr)
#   need_status N WHAT     the last run's status is N, else fail
#   need_faults FILE FN N WHAT  exactly N fault diagnostics and N
#                          "rewound" lines for FN
#   need_active FILE FN    the stats show FN called through the gate (the
#                          shim really isolated libpkrmis in that run)
#   not_killed WHAT        fail if the last run died of a signal or timed
#                          out (a rewind was promised)
. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/iso/common.sh"

policies=$top_srcdir/tests/data/boundary
misprog=$progs/misprog
# Each run is quick; a hang is a failure, not a wait.
: "${PKREWIND_BOUNDARY_TIMEOUT:=30}"
if test "$PKREWIND_TEST_TIMEOUT" -gt "$PKREWIND_BOUNDARY_TIMEOUT"; then
	PKREWIND_TEST_TIMEOUT=$PKREWIND_BOUNDARY_TIMEOUT
fi

mis() {
	_mode=$1; shift
	st=0
	rm -f "$tmp/hang"
	timeout -k 5 "$PKREWIND_TEST_TIMEOUT" env PKREWIND_STATS=1 \
		PKREWIND_POLICY="$policies/mis-$_mode.policy" LD_PRELOAD="$PKREWIND_SHIM" \
		"$misprog" "$@" >"$tmp/out" 2>"$tmp/err" &
	_tpid=$!
	hang_watch "$_tpid" &
	_wpid=$!
	wait "$_tpid" || st=$?
	wait "$_wpid" 2>/dev/null
}

# hang_watch PID: PID is `timeout`; two seconds before it gives up, what
# each thread of its child is doing goes to $tmp/hang (not_killed shows
# it): a hang in a run that only fails now and then is otherwise
# undiagnosable.
hang_watch() {
	_n=0
	while kill -0 "$1" 2>/dev/null; do
		if test "$_n" -ge $((PKREWIND_TEST_TIMEOUT - 2)); then
			_c=$(pgrep -P "$1" | head -n 1)
			test -n "$_c" && hang_report "$_c" >"$tmp/hang" 2>&1
			return
		fi
		sleep 1
		_n=$((_n + 1))
	done
} >/dev/null 2>&1

# hang_report PID: state, kernel wait channel and system call of each
# thread; with gdb, every thread's backtrace.
hang_report() {
	for _t in /proc/"$1"/task/*; do
		echo "thread ${_t##*/} ($(cat "$_t/comm")): state $(cut -d' ' -f3 "$_t/stat"), wchan $(cat "$_t/wchan"), syscall $(cat "$_t/syscall")"
	done
	if command -v gdb >/dev/null 2>&1; then
		timeout 60 gdb -p "$1" -batch -nx -ex 'set pagination off' \
			-ex 'thread apply all bt 25' </dev/null 2>&1 |
			grep -v '^\[New LWP\|^warning: \|^Download'
	fi
}

mis_plain() {
	plain "$misprog" "$@" >"$tmp/out" 2>"$tmp/err"
}

fault_count() {
	grep -c "^pkrewind\[[0-9]*\]: error: fault in domain [A-Za-z0-9_.-]* calling $2: " "$1"
}

rewound_count() {
	grep -c "^pkrewind\[[0-9]*\]: error: domain [A-Za-z0-9_.-]*: call to $2 rewound" "$1"
}

fault_line() {
	grep -m1 "^pkrewind\[[0-9]*\]: error: fault in domain [A-Za-z0-9_.-]* calling $2: " "$1"
}

show_run() {
	show "$tmp/out" stdout
	show "$tmp/err" stderr
	# misprog's own complaints, which the shim's fault lines may bury
	if grep -q '^misprog: ' "$tmp/err"; then
		say "--- misprog's complaints on stderr (first 20)"
		grep '^misprog: ' "$tmp/err" | head -n 20 | sed 's/^/    /'
	fi
}

need_ok() {
	if test $st -ne 0 || ! grep -q "^$1: ok\$" "$tmp/out"; then
		show_run
		fail "$2: $(describe_status), $(grep -m1 "^$1: " "$tmp/out" || echo "no verdict from misprog")"
	fi
}

need_status() {
	if test $st -ne "$1"; then
		show_run
		fail "$2: $(describe_status), expected status $1"
	fi
}

need_faults() {
	_nf=$(fault_count "$1" "$2")
	_nr=$(rewound_count "$1" "$2")
	if test "$_nf" -ne "$3" || test "$_nr" -ne "$3"; then
		show "$1" stderr
		fail "$4: $_nf fault diagnostics and $_nr 'rewound' lines for $2, expected $3 and $3"
	fi
}

need_active() {
	_c=$(stats_calls "$1" "$2")
	if test -z "$_c" || test "$_c" -eq 0; then
		show "$1" stderr
		fail "the stats do not show $2 called through the gate: the shim did not isolate libpkrmis"
	fi
}

not_killed() {
	if test $st -eq 124; then
		show_run
		if test -s "$tmp/hang"; then
			say "--- the threads ${PKREWIND_TEST_TIMEOUT}s into the run (first 200 lines)"
			head -n 200 "$tmp/hang" | sed 's/^/    /'
		fi
		fail "$1: timed out after ${PKREWIND_TEST_TIMEOUT}s (a hang, not a rewind)"
	fi
	if test $st -gt 128; then
		show_run
		fail "$1: $(describe_status): the process died where a rewind was promised"
	fi
}

# excerpt FILE: the first pkrewind lines of FILE, for the log.
excerpt() {
	grep '^pkrewind' "$1" | grep -v ': stats: ' | head -n "${2:-3}" | sed 's/^/    /'
}

# nested_case CASE MODE ITERS: `misprog CASE ITERS` under the MODE policy
# runs the nested case (nested.sh, handlerfirst.sh): not killed, "CASE:
# ok", nested faults counted and each diagnosed and rewound, none for
# pkrmis_spin or pkrmis_stackfill.
nested_case() {
	say "misprog $1 $3 under the shim (trusted-memory $2)"
	mis "$2" "$1" "$3"
	not_killed "$1 ($2)"
	need_ok "$1" "$1 ($2)"
	_m=$(sed -n 's/^misprog: nested: [0-9]* signals, \([0-9]*\) nested faults$/\1/p' "$tmp/out")
	test -n "$_m" && test "$_m" -gt 0 || { show_run; fail "$1 ($2): no nested faults counted"; }
	need_faults "$tmp/err" pkrmis_null "$_m" "$1 ($2)"
	for _fn in pkrmis_spin pkrmis_stackfill; do
		test "$(fault_count "$tmp/err" $_fn)" -eq 0 || { show "$tmp/err" stderr; fail "$1 ($2): $_fn faulted"; }
	done
	say "  $(grep '^misprog: nested' "$tmp/out"), each rewound"
}
