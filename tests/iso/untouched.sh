#!/bin/sh
# untouched: a process that links none of the policy's libraries is left
# alone.  With LD_PRELOAD exported, the shim is loaded into every process
# a program starts (shells, coreutils); a policy meant for one library
# must not cost them a domain.  Asserts:
#  1. the shim itself needs only the C library and the dynamic loader
#     (readelf -d: no libelf, no libz: otherwise every process would link
#     zlib, and a zlib policy would isolate it everywhere);
#  2. /bin/sh and /bin/true under a zlib policy (PKREWIND_LOG=debug) run
#     normally and the shim creates no domain and rewrites nothing;
# (The positive case, a domain for a library the program links, is every
# other test in tests/iso.)
. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/iso/common.sh"

need_prog readelf
need_shim

say "readelf: what the shim needs"
readelf -dW "$PKREWIND_SHIM" >"$tmp/dyn" 2>&1 || hard_error "readelf -d $PKREWIND_SHIM failed"
needed=$(sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p' "$tmp/dyn" | tr '\n' ' ')
say "  NEEDED: $needed"
for lib in $needed; do
	case $lib in
	libc.so.6|ld-linux-x86-64.so.2) ;;
	*) fail "the shim needs $lib (only libc.so.6 and ld-linux-x86-64.so.2 expected)" ;;
	esac
done

for prog in /bin/sh /bin/true; do
	say "$prog under a zlib policy"
	PKREWIND_LOG=debug PKREWIND_POLICY="$policies/zlib.policy" LD_PRELOAD="$PKREWIND_SHIM" \
		"$prog" -c 'exit 0' >"$tmp/out" 2>"$tmp/err"
	st=$?
	test $st -eq 0 || { show "$tmp/err" stderr; fail "$prog failed under the shim (status $st)"; }
	grep -q 'policy .*zlib.policy: 1 domains' "$tmp/err" ||
		{ show "$tmp/err" stderr; hard_error "the shim did not read the policy (no debug line)"; }
	if grep -Eq 'creating the domain|GOT entries|domain zlib: key' "$tmp/err"; then
		show "$tmp/err" stderr
		fail "$prog links no zlib, yet the shim created the zlib domain"
	fi
done
say "PASS"
