#!/bin/sh
# sigterm: a SIGTERM that arrives while the program is inside a long
# library call (pkrbug_sleep_ms(10000), in nanosleep inside the domain)
# must reach the program's handler, which removes its temporary file and
# ends the process with status 42 - with _exit() and with exit() (which
# also runs the atexit handlers and so the shim's destructor, from inside
# the interrupted call).
#
# Asserts, without the shim (the reference) and under it (read mode with
# LD_PRELOAD and through the pkrewind command, write mode with
# LD_PRELOAD): status 42, the file is gone, "atexit handler ran" is
# printed exactly when the handler used exit(), and the shim reports no
# fault.  The signal is sent once /proc/PID/syscall shows the process in
# clock_nanosleep/nanosleep (the program itself never sleeps, so it is
# inside the library call).
. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/fault/common.sh"

need_pku
need_built "$progs/sigterm"
need_shim

# run_term HOW POLICY MODE: start sigterm in the background, wait until it
# sleeps inside pkrbug_sleep_ms, send SIGTERM, check the outcome.
run_term() {
	_how=$1 _pol=$2 _mode=$3
	_label="$_how${_pol:+, $(basename "$_pol" .policy)}, handler calls $_mode()"
	_file=$tmp/victim.$_how.$_mode
	rm -f "$_file" "$tmp/out" "$tmp/err"
	case $_how in
	plain) env "$progs/sigterm" "$_file" "$_mode" >"$tmp/out" 2>"$tmp/err" & ;;
	shim) env PKREWIND_POLICY="$_pol" LD_PRELOAD="$PKREWIND_SHIM" \
		"$progs/sigterm" "$_file" "$_mode" >"$tmp/out" 2>"$tmp/err" & ;;
	via_cmd) "$PKREWIND_BIN" -p "$_pol" -- "$progs/sigterm" "$_file" "$_mode" \
		>"$tmp/out" 2>"$tmp/err" & ;;
	esac
	_pid=$!
	# Up to 8 s for the program to reach the call (env and the pkrewind
	# command exec the program: $! is its pid).
	_i=0 _in=no
	while test $_i -lt 80; do
		if grep -q '^calling pkrbug_sleep_ms$' "$tmp/out" 2>/dev/null; then
			_sc=$(cut -d' ' -f1 "/proc/$_pid/syscall" 2>/dev/null)
			case $_sc in
			230|35) _in=yes; break ;;        # clock_nanosleep, nanosleep
			'') sleep 0.5; _in=assumed; break ;;  # /proc/PID/syscall unreadable
			esac
		fi
		sleep 0.1
		_i=$((_i + 1))
	done
	if test $_in = no; then
		kill -KILL $_pid 2>/dev/null
		wait $_pid
		show "$tmp/out" stdout; show "$tmp/err" stderr
		fail "$_label: the program did not get into pkrbug_sleep_ms within 8 s"
	fi
	kill -TERM $_pid
	# Up to 10 s to end; a hang (say, in the shim's exit path) fails.
	_i=0
	while kill -0 $_pid 2>/dev/null && test $_i -lt 100; do
		sleep 0.1
		_i=$((_i + 1))
	done
	if kill -0 $_pid 2>/dev/null; then
		kill -KILL $_pid
		wait $_pid
		show "$tmp/out" stdout; show "$tmp/err" stderr
		fail "$_label: still running 10 s after SIGTERM"
	fi
	st=0
	wait $_pid || st=$?
	_gone=yes
	test -e "$_file" && _gone=no
	_atexit=$(grep -c '^atexit handler ran$' "$tmp/out")
	_want_atexit=0
	test "$_mode" = exit && _want_atexit=1
	if test $st -ne 42 || test $_gone = no || test "$_atexit" -ne $_want_atexit ||
	   grep -q '^returned' "$tmp/out"; then
		show "$tmp/out" stdout; show "$tmp/err" stderr
		_msg="$(describe_status), file removed: $_gone, atexit handler ran $_atexit time(s)"
		test "$_how" = plain && hard_error "without the shim: $_msg"
		fail "$_label: expected status 42, the file removed and $_want_atexit atexit line(s); got $_msg"
	fi
	if grep -q 'pkrewind.*fault' "$tmp/err"; then
		show "$tmp/err" stderr
		fail "$_label: the shim reported a fault"
	fi
	say "  $_label: status 42, file removed (in the call: $_in)"
}

for mode in _exit exit; do
	say "SIGTERM during pkrbug_sleep_ms, handler ends with $mode()"
	run_term plain "" $mode
	run_term shim "$policies/rewind-read.policy" $mode
	run_term via_cmd "$policies/rewind-read.policy" $mode
	run_term shim "$policies/rewind-write.policy" $mode
done

say "PASS"
