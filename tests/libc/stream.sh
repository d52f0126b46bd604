#!/bin/sh
# stream: the program's FILE * streams in an isolated library, and the
# library's standard streams, in write, read and none modes.
# Asserts, for each mode, against the same program run without the shim:
#  - write: the library's fprintf/fputs/fputc/putc/fwrite on the program's
#    stdout and stderr, and its printf/puts/putchar on its own stdout,
#    land in the program's streams in program order: stdout (a file, so
#    fully buffered) and stderr byte-identical to the plain run;
#  - read: the library reads a stream the program opened and already read
#    from (fgets, getline of a line longer than getline's first buffer,
#    fscanf, fgetc, ungetc then fgets), and the program reads on where the
#    library stopped: byte-identical output;
#  - probe: fseek, write, fflush, rewind, fread to the end, fileno, ftell,
#    feof, ferror, clearerr on the program's stream: identical report and
#    identical file contents;
#  - open: the library opens a file (fopen, then fdopen) and hands the
#    stream to the program; they write it in turn and the program closes
#    it, 300 times (more streams than the runtime has stand-ins): the
#    file is byte-identical to the plain run;
#  - tmp: tmpfile and freopen by the library, streams the program reads,
#    writes and closes; popen and pclose (the command's status) in the
#    library: identical output;
#  - bad: fputs to a pointer that is no stream returns EOF with a
#    diagnostic naming the domain; the program's memory is unchanged and
#    the process goes on;
#  - every run went through the gate (PKREWIND_STATS) without a fault.
. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/iso/common.sh"

need_pku
ioprog=$top_builddir/tests/progs/ioprog
need_built "$ioprog"
need_shim
policies=$top_srcdir/tests/data/libc

long=$(printf '%0400d' 7)
printf 'first line\nsecond line\nthird line, longer than the others %s\n42 and the rest\nprogram line 4\nprogram line 5\nprogram line 6\n' "$long" >"$tmp/in"

# expect CASE [FILE]: the plain run's stdout, stderr and file
expect() {
	plain "$ioprog" "$@" >"$tmp/want.out" 2>"$tmp/want.err"
	test $st -eq 0 || fail "ioprog $* failed without the shim ($(describe_status))"
}

# check MODE FUNC CASE [ARGS]: the same under the shim, compared
check() {
	_m=$1 _fn=$2; shift 2
	extra_env=PKREWIND_STATS=1 shim "$policies/io-$_m.policy" "$ioprog" "$@" \
		>"$tmp/out" 2>"$tmp/err.all"
	extra_env=
	grep -v '^pkrewind\[' "$tmp/err.all" >"$tmp/err"
	test $st -eq 0 || { show "$tmp/err.all" stderr;
		fail "$_m mode: ioprog $* under the shim: $(describe_status)"; }
	cmp -s "$tmp/want.out" "$tmp/out" || { diff "$tmp/want.out" "$tmp/out" | head -n 20;
		show "$tmp/err.all" stderr; fail "$_m mode: ioprog $*: stdout differs from the plain run"; }
	cmp -s "$tmp/want.err" "$tmp/err" || { diff "$tmp/want.err" "$tmp/err" | head -n 20;
		fail "$_m mode: ioprog $*: stderr differs from the plain run"; }
	c=$(stats_calls "$tmp/err.all" "$_fn")
	test -n "$c" && test "$c" -gt 0 || { show "$tmp/err.all" stderr;
		fail "$_m mode: $_fn was not called through the gate (not isolated?)"; }
	test "$(stats_faults "$tmp/err.all" "$_fn")" = 0 ||
		{ show "$tmp/err.all" stderr; fail "$_m mode: $_fn faulted"; }
}

for mode in write read none; do
	say "$mode mode: the library writes the program's stdout/stderr and its own stdout"
	expect write
	check $mode pkrio_write write

	say "$mode mode: the library reads on in a stream the program opened"
	expect read "$tmp/in"
	check $mode pkrio_read read "$tmp/in"

	say "$mode mode: seek, write, flush, read, fileno, ftell, feof on the program's stream"
	expect probe "$tmp/plain.txt"
	cp "$tmp/plain.txt" "$tmp/want.txt"
	check $mode pkrio_probe probe "$tmp/shim.txt"
	cmp -s "$tmp/want.txt" "$tmp/shim.txt" ||
		fail "$mode mode: the file the library and the program wrote differs from the plain run"

	say "$mode mode: the library opens streams and hands them to the program"
	expect open "$tmp/opened" 300
	check $mode pkrio_open open "$tmp/opened" 300
	expect tmp "$tmp/reopened"
	check $mode pkrio_tmpfile tmp "$tmp/reopened"

	say "$mode mode: a pointer that is no stream"
	extra_env=PKREWIND_STATS=1 shim "$policies/io-$mode.policy" "$ioprog" bad >"$tmp/out" 2>"$tmp/err"
	extra_env=
	test $st -eq 0 || { show "$tmp/err" stderr; fail "$mode mode: ioprog bad: $(describe_status)"; }
	grep -qx 'library returned -1, memory unchanged' "$tmp/out" ||
		{ show "$tmp/out" stdout; fail "$mode mode: fputs to a non-stream did not return EOF with memory unchanged"; }
	grep -q "error: domain io: stream 0x[0-9a-f]* is neither the library's nor one of the program's open streams: EBADF" "$tmp/err" ||
		{ show "$tmp/err" stderr; fail "$mode mode: no diagnostic for the stream that is none"; }
done
say "PASS"
