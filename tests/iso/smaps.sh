#!/bin/sh
# smaps: the kernel's view of the tagging.  Under the shim, the mapping
# that holds a global of the isolated library (its copy in the domain's
# namespace, whose address pkrsig_self_addr() returns through the
# trampoline) carries a nonzero protection key in /proc/self/smaps, and
# the mapping that holds a program global keeps key 0.  Without the shim
# both are 0 (this also checks that the kernel reports ProtectionKey).
. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/iso/common.sh"

need_pku
need_built "$progs/sigprog"
need_shim

say "sigprog smaps without the shim"
plain "$progs/sigprog" smaps >"$tmp/ref.out" 2>"$tmp/ref.err"
out=$(cat "$tmp/ref.out")
test $st -eq 0 || { show "$tmp/ref.err" stderr; hard_error "sigprog smaps: $(describe_status)"; }
case $out in
"lib-key=0 prog-key=0") ;;
"lib-key=-1 prog-key=-1") skip "/proc/self/smaps has no ProtectionKey field" ;;
*) hard_error "without the shim, sigprog smaps says '$out', expected 'lib-key=0 prog-key=0'" ;;
esac

for mode in read write none; do
	say "sigprog smaps under the shim (trusted-memory $mode)"
	shim "$policies/sig-$mode.policy" "$progs/sigprog" smaps >"$tmp/out" 2>"$tmp/err"
	out=$(cat "$tmp/out")
	test $st -eq 0 || { show "$tmp/err" stderr; fail "sigprog smaps under the shim: $(describe_status)"; }
	lib=$(echo "$out" | sed -n 's/^lib-key=\([0-9-]*\) prog-key=\([0-9-]*\)$/\1/p')
	prog=$(echo "$out" | sed -n 's/^lib-key=\([0-9-]*\) prog-key=\([0-9-]*\)$/\2/p')
	test -n "$lib" && test -n "$prog" || fail "unexpected output '$out'"
	test "$prog" -eq 0 || fail "the program global is in a mapping with key $prog, expected 0 ($out)"
	test "$lib" -gt 0 || fail "the library global is in a mapping with key $lib, expected a nonzero key ($out)"
	say "  $out"
done

say "PASS"
