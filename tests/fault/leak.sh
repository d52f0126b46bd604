#!/bin/sh
# leak: many faults, no leak.  `bugprog leak N` runs the 11 bug classes
# 10 times to warm up, then N rounds more with every result checked
# (fault-return, errno, checksums of the program's memory, signal mask),
# and reports VmRSS, the line count of /proc/self/maps and the open
# descriptors before and after the N rounds.
#
# Asserts, with on-fault rewind (rewind-read.policy, N = 100000: 1.1
# million faults) and on-fault reset (reset-read.policy, N = 100000: 1.1
# million faults and as many resets):
#  - every call passed its checks (status 0, no BAD line);
#  - VmRSS grew by less than 2 MiB.  Why that bound: the smallest leak a
#    fault could cause is one heap chunk (32 bytes in the domain runtime,
#    more in glibc) or one descriptor or mapping; 2 MiB over 1.1 million
#    faults is under 2 bytes per fault, so any per-fault leak shows, while the slack absorbs what does
#    not depend on the count (stdio buffers, the kernel's batched RSS
#    accounting).  Measured on the development machine: +4 to +68 kB;
#  - /proc/self/maps has no more lines and no descriptor was added;
#  - the shim printed exactly one diagnostic and one "rewound" line per
#    fault, and PKREWIND_STATS counts N + 10 faults for each function (and
#    as many resets in the reset run).
#
# A reset copies the domain's writable memory back on every fault (about
# 140 KiB here: the namespace's C library data and the runtime's own).
# Measured on the shared 2-core development machine: 8 s for the rewind
# run, 11 s for the reset run, 20 s in all, depending on the load.
# PKREWIND_LEAK_ROUNDS and PKREWIND_LEAK_RESET_ROUNDS override the counts.
. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/fault/common.sh"

need_pku
need_built "$bugprog"
need_shim
# At least 120 s per run; more when the caller allows more (the QEMU guest
# emulates the CPU: tests/guest.mk sets PKREWIND_TEST_TIMEOUT, and fewer
# rounds).
test "${PKREWIND_TEST_TIMEOUT:-0}" -gt 120 2>/dev/null || PKREWIND_TEST_TIMEOUT=120
max_growth_kb=2048

# leak_run POLICY ROUNDS LABEL: run, check, report.
leak_run() {
	_pol=$1 _n=$2 _label=$3
	say "bugprog leak $_n ($_label)"
	_t0=$(date +%s)
	# stderr (two lines per fault) is counted on the fly, not stored.
	{
		extra_env=PKREWIND_STATS=1
		shim "$_pol" "$bugprog" leak "$_n"
		echo "$st" >"$tmp/st"
	} 2>&1 >"$tmp/out" |
		awk '/^pkrewind\[[0-9]*\]: error: fault in domain / { f++; next }
		     /^pkrewind\[[0-9]*\]: error: domain [^ ]*: call to .* rewound/ { r++; next }
		     { print }
		     END { print "fault-lines " f + 0 " rewound-lines " r + 0 }' >"$tmp/err"
	_t1=$(date +%s)
	st=$(cat "$tmp/st")
	if test "$st" -ne 0 || grep -q BAD "$tmp/out"; then
		show "$tmp/out" stdout
		show "$tmp/err" "stderr (without the fault lines)"
		fail "bugprog leak $_n ($_label): $(describe_status)"
	fi
	set -- $(sed -n 's/^rss-kb \([0-9]*\) \([0-9]*\)$/\1 \2/p' "$tmp/out") \
	       $(sed -n 's/^maps \([0-9]*\) \([0-9]*\)$/\1 \2/p' "$tmp/out") \
	       $(sed -n 's/^fds \([0-9]*\) \([0-9]*\)$/\1 \2/p' "$tmp/out")
	test $# -eq 6 || { show "$tmp/out" stdout; fail "cannot read bugprog's figures"; }
	say "  VmRSS $1 -> $2 kB ($(($2 - $1)) kB), maps lines $3 -> $4, fds $5 -> $6, $((_t1 - _t0)) s"
	test $(($2 - $1)) -lt $max_growth_kb ||
		fail "$_label: VmRSS grew by $(($2 - $1)) kB over $_n rounds (bound: $max_growth_kb kB)"
	test "$4" -le "$3" || fail "$_label: /proc/self/maps grew from $3 to $4 lines"
	test "$6" -le "$5" || fail "$_label: open descriptors grew from $5 to $6"

	_faults=$((11 * (_n + 10)))
	grep -q "^fault-lines $_faults rewound-lines $_faults\$" "$tmp/err" || {
		show "$tmp/err" "stderr (without the fault lines)"
		fail "$_label: expected $_faults fault diagnostics and as many 'rewound' lines"; }
	for _fn in pkrbug_wild_write pkrbug_heap_overflow pkrbug_stack_smash pkrbug_null_deref \
		   pkrbug_read_unmapped pkrbug_use_after_free pkrbug_double_free pkrbug_recurse \
		   pkrbug_trap pkrbug_divide pkrbug_write_other; do
		test "$(stats_faults "$tmp/err" "$_fn")" = $((_n + 10)) || {
			show "$tmp/err" "stderr (without the fault lines)"
			fail "$_label: the stats should count $((_n + 10)) faults of $_fn"; }
	done
	say "  $_faults faults: $_faults diagnostics, stats agree"
}

leak_run "$policies/rewind-read.policy" "${PKREWIND_LEAK_ROUNDS:-100000}" "on-fault rewind"
leak_run "$policies/reset-read.policy" "${PKREWIND_LEAK_RESET_ROUNDS:-100000}" "on-fault reset"
resets=$(sed -n 's/^pkrewind\[[0-9]*\]: stats: domain bug: calls [0-9]*, faults \([0-9]*\), resets \([0-9]*\)$/\1 \2/p' "$tmp/err")
set -- $resets
test $# -eq 2 && test "$1" = "$2" && test "$1" -gt 0 ||
	fail "on-fault reset: the stats should count one reset per fault, got '$resets'"

say "PASS"
