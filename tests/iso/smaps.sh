#!/bin/sh
# smaps: the kernel's view of the tagging, from /proc/self/smaps.  Under
# the shim (read, write and none modes):
#  - the mapping that holds a global of the isolated library (its copy in
#    the domain's namespace: pkrsig_self_addr() is called through the
#    trampoline) has a nonzero protection key;
#  - the mapping that holds a program global keeps key 0;
#  - a block the library allocated with malloc (the domain runtime's heap)
#    and the library's stack (the domain stack) carry the library's key.
# Without the shim every key is 0 (this also checks that the kernel
# reports ProtectionKey).
. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/iso/common.sh"

need_pku
need_built "$progs/sigprog"
need_shim

# key NAME: the number after NAME= in $tmp/out.
key() {
	sed -n "s/.*\\<$1=\\([0-9-]*\\).*/\\1/p" "$tmp/out" | head -n 1
}

say "sigprog smaps without the shim"
plain "$progs/sigprog" smaps >"$tmp/out" 2>"$tmp/err"
out=$(cat "$tmp/out")
test $st -eq 0 || { show "$tmp/err" stderr; hard_error "sigprog smaps: $(describe_status)"; }
case $out in
"lib-key=0 prog-key=0
heap-key=0 stack-key=0") ;;
"lib-key=-1 prog-key=-1"*) skip "/proc/self/smaps has no ProtectionKey field" ;;
*) hard_error "without the shim, sigprog smaps says '$out', expected every key 0" ;;
esac

for mode in read write none; do
	say "sigprog smaps under the shim (trusted-memory $mode)"
	shim "$policies/sig-$mode.policy" "$progs/sigprog" smaps >"$tmp/out" 2>"$tmp/err"
	out=$(echo $(cat "$tmp/out"))
	test $st -eq 0 || { show "$tmp/err" stderr; fail "sigprog smaps under the shim: $(describe_status)"; }
	lib=$(key lib-key) prog=$(key prog-key) heap=$(key heap-key) stack=$(key stack-key)
	test -n "$lib" && test -n "$prog" && test -n "$heap" && test -n "$stack" ||
		fail "unexpected output '$out'"
	say "  $out"
	test "$prog" -eq 0 || fail "the program global is in a mapping with key $prog, expected 0"
	test "$lib" -gt 0 || fail "the library global is in a mapping with key $lib, expected a nonzero key"
	test "$heap" -eq "$lib" || fail "the library's malloc'd block has key $heap, expected the library's key $lib"
	test "$stack" -eq "$lib" || fail "the library's stack has key $stack, expected the library's key $lib"
done

say "PASS"
