#!/bin/sh
# free: the program free()s a string the library returned (allocated on
# the domain heap), mallocs blocks of the same size holding secrets, and
# the library then writes through its stale pointer (issue 9: glibc
# accepted the domain chunk into the program's heap).
#
# Asserts:
#  1. without the shim the mistake is real: malloc hands the freed string
#     back and the library's stale write overwrites the secret;
#  2. under the shim, read, none and write mode: misprog exits 0 with
#     "free: ok": no block malloc returned is the library's string (free()
#     either went to the domain allocator or was refused) and every secret
#     is intact; the process did not die (a refusal may print a pkrewind
#     diagnostic, which is shown).
. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/boundary/common.sh"

need_pku
need_built "$misprog"
need_shim

say "without the shim, the freed string comes back and the stale write hits the secret"
mis_plain free
test $st -eq 1 && grep -q '^free: BAD (.*secret [0-9] overwritten' "$tmp/out" || {
	show_run; hard_error "without the shim, misprog free: $(describe_status), expected an overwritten secret"; }

for mode in read none write; do
	say "misprog free under the shim (trusted-memory $mode)"
	mis $mode free
	not_killed "free ($mode)"
	need_ok free "free ($mode)"
	need_active "$tmp/err" pkrmis_stale_write
	say "  free: ok$(grep -v ': stats: ' "$tmp/err" | grep -m1 '^pkrewind' | sed 's/^/ - /')"
done
say "PASS"
