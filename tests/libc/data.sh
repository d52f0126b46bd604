#!/bin/sh
# data: data objects an isolated library exports and the program uses
# (libpkrdata.so: an int, an array, a function-pointer variable set to a
# library function, and pointers to the C library's free and malloc),
# reached through copy relocations (dataprog, R_X86_64_COPY: a PIE as GCC
# builds it) and through GOT slots (dataprog-got, R_X86_64_GLOB_DAT).
# Each is one copy (src/shared.h).  Asserts, for both programs:
#  - write mode: every write of either side is seen by the other; the
#    program calls the library's function through the variable (through
#    the gate: counted); the library calls the program's function the
#    program stored, also one that writes the program's memory (with the
#    program's rights: a callback stub made at the next crossing); the
#    program calls, through the gate, a function of the library's the
#    library stored there after start-up; memory from the library's malloc, through the
#    variables, is freed by the program through them; the library frees
#    and reallocates blocks the program allocated (ownership passed in:
#    the program's allocator does it): output identical to the plain
#    run, and no warning or error;
#  - read mode, copy relocations: the same, except that the library's two
#    writes are rewound (reported), and the program still sees its own
#    values, and the library may not change the program's heap: its free
#    leaves the block allocated (a warning), its realloc fails; the
#    program's hook that writes the program's memory still works (a
#    callback); the library's store of its own function is rewound;
#    with the program's own allocator installed in the variables (as
#    xmlMemSetup does; write mode: the library's string in its block,
#    freed by it), the library's copy into that program memory is a
#    reported fault, rewound (fault-return 0);
#  - read mode, GOT slots: the int and the array are the library's copy
#    (the program's references point there), so the library's writes
#    succeed and the program sees them; the function-pointer variables
#    stay the program's copy (trampolines); the heap as above;
#  - none mode: the program does not start (status 127), and the error
#    names the data object (a function-pointer variable for dataprog-got);
#  - the plain case runs "isolated" with nothing on stderr, under
#    LD_PRELOAD and under the pkrewind command.
. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/iso/common.sh"

need_pku
need_prog readelf
need_built "$progs/dataprog" "$progs/dataprog-got" "$progs/sigprog"
need_shim
pols=$top_srcdir/tests/data/libc
# Read mode: a block from the program's own allocator (installed into
# pkrdata_malloc) is program memory, which the library may not fill.
alloc_refused='s/^library.s string in a block of the program.s allocator: .*/library'"'"'s copy into the program allocator'"'"'s block refused (allocations 1)/'

for prog in dataprog:R_X86_64_COPY dataprog-got:R_X86_64_GLOB_DAT; do
	reloc=${prog#*:} prog=${prog%%:*}
	say "readelf: $prog reaches the variables through $reloc"
	readelf -rW "$progs/$prog" >"$tmp/rel" 2>&1 || hard_error "readelf -r $prog failed"
	for v in pkrdata_counter pkrdata_array pkrdata_hook pkrdata_free pkrdata_malloc; do
		grep -q "$reloc.*$v" "$tmp/rel" || {
			grep pkrdata "$tmp/rel" | sed 's/^/    /'
			hard_error "$prog has no $reloc relocation for $v"; }
	done

	plain "$progs/$prog" share >"$tmp/want" 2>"$tmp/want.err"
	test $st -eq 0 && ! test -s "$tmp/want.err" ||
		{ show "$tmp/want" stdout; hard_error "$prog share without the shim: $(describe_status)"; }

	say "$prog, write mode: one copy of each variable"
	extra_env=PKREWIND_STATS=1 shim "$pols/data-write.policy" "$progs/$prog" share >"$tmp/out" 2>"$tmp/err"
	extra_env=
	check_run "$tmp/want" "$tmp/out" "$tmp/err" "$prog share (write)"
	! grep -v ': stats: ' "$tmp/err" | grep -q . ||
		{ show "$tmp/err" stderr; fail "$prog (write): messages besides the stats"; }
	test "$(stats_calls "$tmp/err" pkrdata_twice)" = 2 ||
		{ show "$tmp/err" stderr; fail "$prog (write): the program's call through pkrdata_hook did not go through the gate"; }

	if test $prog = dataprog; then
		say "$prog, read mode: the library's writes are rewound, the rest is shared"
		sed -e 's/^program reads the counter the library wrote: .*/library'"'"'s write refused (-1); program reads 7/' \
		    -e 's/^program reads the array element the library wrote: .*/library'"'"'s array write refused (-1); program reads 2/' \
		    -e 's/^library reallocates a block the program allocated: .*/library'"'"'s realloc of the program'"'"'s block refused/' \
		    -e 's/^program calls the library.s function the library stored: .*/library'"'"'s store of its function refused (-1)/' \
		    -e "$alloc_refused" -e '/^the program.s allocator freed it: /d' \
		    "$tmp/want" >"$tmp/want.read"
	else
		# Reached through GOT slots only: the int and the array are
		# the library's copy, which it writes in every mode.
		say "$prog, read mode: the library writes its own copy of the int and the array"
		sed -e 's/^library reallocates a block the program allocated: .*/library'"'"'s realloc of the program'"'"'s block refused/' \
		    -e 's/^program calls the library.s function the library stored: .*/library'"'"'s store of its function refused (-1)/' \
		    -e "$alloc_refused" -e '/^the program.s allocator freed it: /d' \
		    "$tmp/want" >"$tmp/want.read"
	fi
	extra_env=PKREWIND_LOG=info shim "$pols/data-read.policy" "$progs/$prog" share >"$tmp/out" 2>"$tmp/err"
	extra_env=
	check_run "$tmp/want.read" "$tmp/out" "$tmp/err" "$prog share (read)"
	for fn in pkrdata_set pkrdata_array_set; do
		if test $prog = dataprog; then
			grep -q "fault in domain data calling $fn: SIGSEGV (SEGV_PKUERR, key 0) writing" "$tmp/err" ||
				{ show "$tmp/err" stderr; fail "$prog (read): the write of $fn was not reported"; }
		else
			! grep -q "fault in domain data calling $fn" "$tmp/err" ||
				{ show "$tmp/err" stderr; fail "$prog (read): $fn faulted writing the library's own copy"; }
		fi
	done
	if test $prog = dataprog-got; then
		for v in pkrdata_counter pkrdata_array; do
			grep -q "domain data: data object '$v' ([0-9]* bytes) is shared: one copy, the library's at 0x[0-9a-f]*; [1-9][0-9]* references\{0,1\} of the program point there" "$tmp/err" ||
				{ show "$tmp/err" stderr; fail "$prog (read): $v is not the library's copy"; }
		done
		grep -q "data object 'pkrdata_hook' .* one copy in program memory" "$tmp/err" ||
			{ show "$tmp/err" stderr; fail "$prog (read): the function-pointer variable is not the program's copy"; }
	fi
	grep -q "fault in domain data calling pkrdata_strdup: SIGSEGV (SEGV_PKUERR, key 0) writing" "$tmp/err" ||
		{ show "$tmp/err" stderr; fail "$prog (read): the library's copy into the program allocator's block was not a reported fault"; }
	grep -q "warning: domain data: the library frees a block the program allocated (0x[0-9a-f]*); in trusted-memory read it may not change the program's heap, so the block stays allocated" "$tmp/err" ||
		{ show "$tmp/err" stderr; fail "$prog (read): no warning for the library's free of the program's block"; }

	say "$prog, none mode: fails closed"
	shim "$pols/data-none.policy" "$progs/$prog" share >"$tmp/out" 2>"$tmp/err"
	test $st -eq 127 || { show "$tmp/err" stderr; fail "$prog (none): $(describe_status), expected 127"; }
	grep -q "error: domain data: the program uses data object 'pkrdata_.*' of the library, which in trusted-memory none could not read the one copy" "$tmp/err" ||
		{ show "$tmp/err" stderr; fail "$prog (none): no error naming the data object"; }
	! test -s "$tmp/out" || { show "$tmp/out" stdout; fail "$prog (none): the program ran"; }

	plain "$progs/$prog" >"$tmp/ref.out" 2>"$tmp/ref.err"
	sed 's/^not isolated$/isolated/' "$tmp/ref.out" >"$tmp/want.out"
	for how in shim via_cmd; do
		say "$prog under the shim ($how, read mode): isolated, nothing on stderr"
		$how "$pols/data-read.policy" "$progs/$prog" >"$tmp/out" 2>"$tmp/err"
		check_run "$tmp/want.out" "$tmp/out" "$tmp/err" "$prog ($how)"
		! test -s "$tmp/err" || { show "$tmp/err" stderr; fail "$prog ($how): messages on stderr"; }
	done
done

say "control: sigprog (functions only) draws no data message"
extra_env=PKREWIND_LOG=info shim "$policies/sig-read.policy" "$progs/sigprog" pkru >"$tmp/out" 2>"$tmp/err"
extra_env=
test $st -eq 0 || { show "$tmp/err" stderr; fail "sigprog pkru under the shim: $(describe_status)"; }
! grep -q 'data object' "$tmp/err" || {
	show "$tmp/err" stderr
	fail "sigprog draws a data-object message, but libpkrsig.so exports no data"; }
say "PASS"
