#!/bin/sh
# cxx: a C++ library isolated in write and read modes (libpkrcxx.so,
# tests/progs/cxxprog).  Asserts, against the plain run, byte for byte:
#  - exceptions the library throws and does not catch (its own type, and
#    std::out_of_range) reach the program's catch blocks, three times in
#    a row, and the library works after them: the gate catches them at
#    the boundary, the library's frames are unwound inside the domain,
#    and the program's unwinder raises them again from the call site;
#  - an exception the library throws and catches itself stays inside;
#  - write mode: an exception a program callback (annotated `callback`)
#    throws reaches the library's catch, which runs with the domain's
#    rights (its PKRU as at the call), three times; one the library does
#    not catch goes on to the program's catch, through the library's
#    frames; read mode: such an exception is a fault (the domain's
#    unwinder would write the program's exception object), rewound;
#  - an object the program made (its class implements the library's
#    shape, its vtable the program's) is used by the library (a virtual
#    call) and deleted by it (its virtual destructor, which writes
#    program memory), in write and read modes, both with the program's
#    rights (the callback gate);
#  - an object with virtual functions made by the library is used and
#    deleted by the program; in write mode a std::string result;
#  - containers by reference: a std::vector the library sums (both
#    modes); in write mode one it grows by 1000 elements (the program's
#    buffer freed by the library's operator delete, the library's freed
#    later by the program's) and a std::string it rewrites three times;
#  - the library's virtual functions run with the domain's rights when
#    the program calls them (a class in an anonymous namespace, whose
#    vtable has no symbol, and an exported class), and the exception
#    object's what() and destructor when the program's catch uses and
#    ends it; the gate counts the program's call of meter::read and not
#    the library's own two; a fault in a virtual function the program
#    called is rewound (fault-return -1) and the program goes on;
#  - no fault is reported, and the calls went through the gate;
#  - with `exceptions fault`, each uncaught exception is said, counted as
#    a fault, and its call returns the function's fault-return value.
. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/iso/common.sh"

need_pku
cxxprog=$top_builddir/tests/progs/cxxprog
need_built "$cxxprog"
need_shim
policies=$top_srcdir/tests/data/libc

for mode in write read; do
	arg=all
	test $mode = read && arg=read
	plain "$cxxprog" $arg >"$tmp/want" 2>"$tmp/want.err"
	test $st -eq 0 || hard_error "cxxprog $arg failed without the shim ($(describe_status))"
	grep -q "caught the library's error: negative: -7 (code -7)" "$tmp/want" ||
		hard_error "cxxprog $arg: unexpected plain output"
	say "$mode mode: exceptions across the gate, objects, strings"
	extra_env=PKREWIND_STATS=1 shim "$policies/cxx-$mode.policy" "$cxxprog" $arg >"$tmp/out" 2>"$tmp/err"
	extra_env=
	test $st -eq 0 || { show "$tmp/out" stdout; show "$tmp/err" stderr;
		fail "$mode mode: cxxprog: $(describe_status)"; }
	cmp -s "$tmp/want" "$tmp/out" || { diff "$tmp/want" "$tmp/out"; show "$tmp/err" stderr;
		fail "$mode mode: output differs from the plain run"; }
	! grep -q "fault in domain" "$tmp/err" || { show "$tmp/err" stderr; fail "$mode mode: a fault"; }
	c=$(stats_calls "$tmp/err" _ZN6pkrcxx5twiceEi)
	test "$c" = 5 || { show "$tmp/err" stderr; fail "$mode mode: twice() called $c times through the gate, not 5"; }
	# The program's one call of meter::read went through the gate; the
	# library's own two (twice_read) went straight on.
	c=$(stats_calls "$tmp/err" _ZNK6pkrcxx5meter4readEi)
	test "$c" = 1 || { show "$tmp/err" stderr; fail "$mode mode: meter::read counted $c times by the gate, not 1 (the program's call only)"; }
	for line in "the square's area ran with the library's rights: yes" \
		    "the library measures its square: 72, with its rights: yes" \
		    "its what() and destructor ran with the library's rights: yes"; do
		grep -qF "$line" "$tmp/out" || { show "$tmp/out" stdout; fail "$mode mode: not said: $line"; }
	done

	say "$mode mode: a virtual function of the library that faults, called by the program, is rewound"
	vc=vcrash
	test $mode = read && vc=read-vcrash
	shim "$policies/cxx-$mode.policy" "$cxxprog" $vc >"$tmp/out" 2>"$tmp/err"
	test $st -eq 0 || { show "$tmp/out" stdout; show "$tmp/err" stderr;
		fail "$mode mode: cxxprog vcrash: $(describe_status)"; }
	grep -qx "a virtual call that crashes: -1" "$tmp/out" ||
		{ show "$tmp/out" stdout; show "$tmp/err" stderr; fail "$mode mode: the faulting virtual call did not return -1"; }
	grep -qx "twice(4) after all that = 8" "$tmp/out" ||
		{ show "$tmp/out" stdout; fail "$mode mode: the program did not go on after the rewound virtual call"; }
	grep -q "call to _ZNK6pkrcxx5meter4readEi rewound: returns -1" "$tmp/err" ||
		{ show "$tmp/err" stderr; fail "$mode mode: the rewind of meter::read was not said"; }
done
say "read mode: an exception from a program callback is a fault, rewound"
plain "$cxxprog" read-cb >"$tmp/want" 2>/dev/null
sed -e 's/^caught by the library: .*/caught by the library: -1 (), with its own rights: NO/' \
    -e 's/^back in the program: .*/no exception: -1/' "$tmp/want" >"$tmp/want.cb"
shim "$policies/cxx-read.policy" "$cxxprog" read-cb >"$tmp/out" 2>"$tmp/err"
test $st -eq 0 || { show "$tmp/err" stderr; fail "read mode: cxxprog read-cb: $(describe_status)"; }
cmp -s "$tmp/want.cb" "$tmp/out" || { diff "$tmp/want.cb" "$tmp/out"; show "$tmp/err" stderr;
	fail "read mode: exceptions from callbacks were not rewound as faults"; }
test "$(grep -c "call to _ZN6pkrcxx1[02]call_\(catch\|through\)EPFiiEi rewound: returns -1" "$tmp/err")" = 4 ||
	{ show "$tmp/err" stderr; fail "read mode: not 4 rewound calls reported"; }
! grep -q "call to _ZN6pkrcxx7destroyEPNS_5shapeE rewound" "$tmp/err" ||
	{ show "$tmp/err" stderr; fail "read mode: the library's delete of the program's object was rewound (its destructor should run with the program's rights)"; }
for line in "with the program's rights: yes" \
	    "circles deleted by the library: 1, with the program's rights: yes"; do
	grep -qxF "$line" "$tmp/out" || { show "$tmp/out" stdout; fail "read mode: not said: $line"; }
done

say "read mode, exceptions fault: an uncaught exception is rewound"
plain "$cxxprog" read >"$tmp/want" 2>/dev/null
sed -e 's/^caught the library.s error: negative: .*/no exception: -99/' \
    -e 's/^caught std::out_of_range: above 100$/no exception: checked(500) = -1/' \
    -e '/^caught noisy /d' \
    -e "s/^\\(its what() and destructor ran with the library's rights:\\) yes/\\1 NO/" "$tmp/want" >"$tmp/want.fault"
extra_env=PKREWIND_STATS=1 shim "$policies/cxx-fault.policy" "$cxxprog" read >"$tmp/out" 2>"$tmp/err"
extra_env=
test $st -eq 0 || { show "$tmp/err" stderr; fail "exceptions fault: cxxprog: $(describe_status)"; }
cmp -s "$tmp/want.fault" "$tmp/out" || { diff "$tmp/want.fault" "$tmp/out"; show "$tmp/err" stderr;
	fail "exceptions fault: the calls did not return their fault-return values"; }
test "$(grep -c "error: domain cxx: _ZN6pkrcxx5twiceEi threw a C++ exception it did not catch: rewound (exceptions fault), returns -99" "$tmp/err")" = 3 ||
	{ show "$tmp/err" stderr; fail "exceptions fault: not said once per exception"; }
test "$(stats_faults "$tmp/err" _ZN6pkrcxx5twiceEi)" = 3 ||
	{ show "$tmp/err" stderr; fail "exceptions fault: not counted as faults"; }
say "PASS"
