#!/bin/sh
# exit: a library function that calls exit(5) while the program has
# buffered output and an atexit handler (issue 9: the process ended
# without flushing the program's stdio or running its atexit handlers).
#
# Asserts, without the shim and under it in read and write mode: status 5,
# and stdout (a file: fully buffered) holds both "buffered text;" (the
# program's unflushed printf) and "atexit ran" (its atexit handler).
. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/boundary/common.sh"

need_pku
need_built "$misprog"
need_shim

check_exit() {
	if test $st -ne 5 || ! grep -q 'buffered text;' "$tmp/out" || ! grep -q 'atexit ran' "$tmp/out"; then
		show_run
		fail "$1: $(describe_status) (expected 5), buffered text $(grep -q 'buffered text;' "$tmp/out" && echo present || echo LOST), atexit line $(grep -q 'atexit ran' "$tmp/out" && echo present || echo MISSING)"
	fi
}

say "without the shim"
mis_plain exit
(check_exit "exit (without the shim)") || hard_error "misprog exit fails without the shim"

for mode in read write; do
	say "misprog exit under the shim (trusted-memory $mode)"
	mis $mode exit
	check_exit "exit ($mode)"
	say "  status 5, buffered text and atexit line present"
done
say "PASS"
