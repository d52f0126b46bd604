#!/bin/sh
# nofsgsbase: the read and none modes without the FSGSBASE instructions.
# PKREWIND_FSGSBASE=0 makes the shim switch the thread pointer with
# arch_prctl(ARCH_SET_FS), the path it takes on a CPU or kernel without
# FSGSBASE.  Asserts:
#  1. sigprog readsafe (read mode) and nonesafe (none mode) print the same
#     lines as without the shim, and the calls run isolated;
#  2. the system-call path is really taken: strace counts two arch_prctl
#     calls per call into the library (skipped without strace);
#  3. a fault in the library is rewound on that path too (the fault
#     handler restores the caller's thread pointer with arch_prctl).
. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/iso/common.sh"

need_pku
need_built "$progs/sigprog"
need_shim
PKREWIND_FSGSBASE=0
export PKREWIND_FSGSBASE

for mode in read none; do
	pol=$policies/sig-$mode.policy
	say "sigprog ${mode}safe without the shim"
	plain "$progs/sigprog" "${mode}safe" >"$tmp/ref.out" 2>"$tmp/ref.err"
	test $st -eq 0 || hard_error "sigprog ${mode}safe fails without the shim ($(describe_status))"
	say "sigprog ${mode}safe under the shim, arch_prctl path"
	shim "$pol" "$progs/sigprog" "${mode}safe" >"$tmp/shim.out" 2>"$tmp/shim.err"
	check_run "$tmp/ref.out" "$tmp/shim.out" "$tmp/shim.err" "sigprog ${mode}safe (arch_prctl)"
	shim "$pol" "$progs/sigprog" pkru >"$tmp/pkru.out" 2>&1
	test "$(cat "$tmp/pkru.out")" = isolated ||
		fail "$mode mode, arch_prctl path: sigprog pkru says '$(cat "$tmp/pkru.out")', expected 'isolated'"
done

if command -v strace >/dev/null 2>&1; then
	say "strace: arch_prctl per call"
	PKREWIND_POLICY=$policies/sig-read.policy strace -f -qq -c -e trace=arch_prctl \
		-E LD_PRELOAD="$PKREWIND_SHIM" -o "$tmp/strace.out" \
		"$progs/sigprog" loop 1000 >/dev/null 2>"$tmp/strace.err" ||
		fail "sigprog loop 1000 under strace failed"
	n=$(awk '$NF == "arch_prctl" { print $4 }' "$tmp/strace.out")
	test -n "$n" && test "$n" -ge 2000 ||
		{ show "$tmp/strace.out" strace; fail "expected at least 2000 arch_prctl calls for 1000 library calls, got '${n:-none}'"; }
	say "  $n arch_prctl calls"
else
	say "strace not installed: not counting arch_prctl calls"
fi

say "sigprog poke (a rewound fault) under the shim, arch_prctl path"
shim "$policies/sig-read.policy" "$progs/sigprog" poke >"$tmp/poke.out" 2>"$tmp/poke.err"
grep -q '^global=7$' "$tmp/poke.out" && grep -q 'fault in domain sig calling pkrsig_poke' "$tmp/poke.err" ||
	{ show "$tmp/poke.out" stdout; show "$tmp/poke.err" stderr;
	  fail "the write was not stopped and rewound on the arch_prctl path ($(describe_status))"; }

say "PASS"
