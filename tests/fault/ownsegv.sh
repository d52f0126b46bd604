#!/bin/sh
# ownsegv: the program's own SIGSEGV handling is not the shim's business.
#
# Asserts:
#  1. `ownsegv handler` (a SIGSEGV handler installed with sigaction and
#     SA_SIGINFO that siglongjmp()s out): under the shim (LD_PRELOAD and
#     the pkrewind command) the handler gets the program's own NULL write,
#     twice, with the right si_addr and si_code, before and after a
#     library fault; the library's fault (pkrbug_null_deref) is rewound
#     with the policy's value and errno and never reaches the handler; the
#     shim reports that one fault only.  Without the shim the handler also
#     gets the library's fault (the reference that shows the difference).
#  2. `ownsegv nohandler`: after a rewound library fault, the program's
#     own NULL write with no handler installed still kills it with
#     SIGSEGV (status 139), under LD_PRELOAD and the pkrewind command, in
#     read and write mode; the shim reports only the library's fault.
#     Likewise its own abort(), division by zero and trap instruction end
#     it with SIGABRT, SIGFPE and SIGILL (134, 136, 132), as without the
#     shim.
. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/fault/common.sh"

need_pku
need_built "$progs/ownsegv"
need_shim
pol=$policies/rewind-read.policy
set -- $(policy_return pkrbug_null_deref)
val=$1
lib_line="library call returned $1 errno $2"

say "ownsegv handler without the shim (the library's fault reaches the handler)"
plain "$progs/ownsegv" handler >"$tmp/out" 2>"$tmp/err"
test $st -eq 1 && grep -q "^own handler ran for the library's fault" "$tmp/out" || {
	show "$tmp/out" stdout; show "$tmp/err" stderr
	hard_error "without the shim, ownsegv handler: $(describe_status), expected status 1 and the handler run for the library's fault"; }

want="own handler ran (address 0x18, SEGV_MAPERR)
$lib_line
own handler ran (address 0x18, SEGV_MAPERR)
handler runs: 2"
for how in shim via_cmd; do
	say "ownsegv handler under the shim ($how, trusted-memory read)"
	$how "$pol" "$progs/ownsegv" handler >"$tmp/out" 2>"$tmp/err"
	out=$(cat "$tmp/out")
	test $st -eq 0 && test "$out" = "$want" || {
		show "$tmp/out" stdout; show "$tmp/err" stderr
		fail "ownsegv handler ($how): $(describe_status); expected the output:
$want"; }
	test "$(grep -c 'error: fault in domain ' "$tmp/err")" -eq 1 &&
	test "$(fault_count "$tmp/err" pkrbug_null_deref)" -eq 1 || {
		show "$tmp/err" stderr
		fail "ownsegv handler ($how): expected one fault diagnostic, for pkrbug_null_deref (the program's own faults are not the shim's)"; }
	only_fault_lines "$tmp/err"
	echo "$out" | sed 's/^/  /'
done

say "ownsegv nohandler without the shim"
plain "$progs/ownsegv" nohandler >"$tmp/out" 2>"$tmp/err"
test $st -eq 139 || hard_error "without the shim, ownsegv nohandler: $(describe_status), expected SIGSEGV"

for mode in read write; do
	for how in shim via_cmd; do
		say "ownsegv nohandler under the shim ($how, trusted-memory $mode): dies of SIGSEGV"
		$how "$policies/rewind-$mode.policy" "$progs/ownsegv" nohandler >"$tmp/out" 2>"$tmp/err"
		first=$(sed -n 1p "$tmp/out")
		# The errno of a call rewound in write mode is classes-write.sh's
		# business: here only the value.
		case $mode in
		read) want_first=$lib_line ;;
		write) want_first="library call returned $val errno ${first##* errno }" ;;
		esac
		test $st -eq 139 && test "$first" = "$want_first" &&
		test "$(sed -n '2,$p' "$tmp/out")" = crashing || {
			show "$tmp/out" stdout; show "$tmp/err" stderr
			fail "ownsegv nohandler ($how, $mode): $(describe_status), expected SIGSEGV (139) after '$want_first' and 'crashing'"; }
		test "$(grep -c 'error: fault in domain ' "$tmp/err")" -eq 1 || {
			show "$tmp/err" stderr
			fail "ownsegv nohandler ($how, $mode): the shim must report the library's fault only"; }
		say "  $(describe_status)"
	done
done

for kind in abort:134 fpe:136 trap:132; do
	k=${kind%%:*} want=${kind#*:}
	say "ownsegv nohandler $k: dies as without the shim"
	plain "$progs/ownsegv" nohandler "$k" >"$tmp/out" 2>"$tmp/err"
	test $st -eq 139 || hard_error "without the shim, ownsegv nohandler $k: $(describe_status) (the library call should have crashed first)"
	shim "$pol" "$progs/ownsegv" nohandler "$k" >"$tmp/out" 2>"$tmp/err"
	test $st -eq "$want" && test "$(sed -n '$p' "$tmp/out")" = crashing &&
	test "$(grep -c 'error: fault in domain ' "$tmp/err")" -eq 1 || {
		show "$tmp/out" stdout; show "$tmp/err" stderr
		fail "ownsegv nohandler $k: $(describe_status), expected status $want after 'crashing', and one fault diagnostic (the library's)"; }
	say "  $(describe_status)"
done

say "PASS"
