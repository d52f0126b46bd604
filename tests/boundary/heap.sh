#!/bin/sh
# heap: the domain heap's size, and what a full heap looks like.
#
# Asserts:
#  1. with the default heap (no `heap` line), the library can allocate
#     128 MiB (more than the old 64 MiB default: the default is now a
#     4 GiB reservation, and only the pages the library touches cost
#     memory);
#  2. with `heap 1M`, an allocation of 4 MiB fails (the library gets
#     NULL, no fault, the process goes on) and the shim says once that
#     domain mis's heap (1 MiB) is full, naming the size asked for;
#  3. a small allocation in that heap still works.
. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/boundary/common.sh"

need_pku
need_built "$misprog"
need_shim

say "default heap: a 128 MiB allocation"
shim "$policies/mis-defaultheap.policy" "$misprog" alloc 134217728 >"$tmp/out" 2>"$tmp/err"
test $st -eq 0 && grep -q '^alloc 134217728: ok$' "$tmp/out" || {
	show "$tmp/out" stdout; show "$tmp/err" stderr
	fail "default heap: $(describe_status), expected 'alloc 134217728: ok'"; }

say "heap 1M: a 4 MiB allocation fails, once said"
shim "$policies/mis-smallheap.policy" "$misprog" alloc 4194304 >"$tmp/out" 2>"$tmp/err"
test $st -eq 0 && grep -q '^alloc 4194304: NULL$' "$tmp/out" || {
	show "$tmp/out" stdout; show "$tmp/err" stderr
	fail "heap 1M: $(describe_status), expected 'alloc 4194304: NULL'"; }
grep -q "domain mis: its heap (1 MiB) is full: an allocation of 4194304 bytes fails with ENOMEM" "$tmp/err" ||
	{ show "$tmp/err" stderr; fail "no 'heap is full' message naming the domain, the heap and the size"; }
test "$(grep -c 'is full' "$tmp/err")" -eq 1 || { show "$tmp/err" stderr; fail "the message is not said exactly once"; }
grep -q 'fault in domain' "$tmp/err" && { show "$tmp/err" stderr; fail "a full heap was reported as a fault"; }
say "  $(grep -m1 'is full' "$tmp/err" | sed 's/^pkrewind\[[0-9]*\]: //')"

say "heap 1M: a 64 KiB allocation works"
shim "$policies/mis-smallheap.policy" "$misprog" alloc 65536 >"$tmp/out" 2>"$tmp/err"
test $st -eq 0 && grep -q '^alloc 65536: ok$' "$tmp/out" || {
	show "$tmp/out" stdout; show "$tmp/err" stderr; fail "heap 1M: 64 KiB: $(describe_status)"; }

say "PASS"
