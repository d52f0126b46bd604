#!/bin/sh
# nested: a program signal handler that calls into the domain its thread
# was interrupted in, and faults inside those nested calls (issue 9: the
# nested call started at the domain stack's top, over the live frames of
# the interrupted call; a fault in it landed over the outer signal frame).
#
# Asserts:
#  1. without the shim (handler without the faulting call): pkrmis_spin
#     returns pkrmis_spin_expect() although >= 20 SIGALRMs arrived during
#     it, each calling pkrmis_stackfill (32 KiB of stack) correctly - the
#     harness itself is sound;
#  2. under the shim, read and write mode, with every other handler run
#     also calling pkrmis_null: misprog exits 0 with "nested: ok": the
#     spin checksum is the same as without signals (its stack was not
#     overwritten), every nested pkrmis_stackfill returned its sum, every
#     nested pkrmis_null returned -207; the shim printed one fault
#     diagnostic and one "rewound" line per nested fault (the count
#     misprog reports) and none for pkrmis_spin or pkrmis_stackfill.
. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/boundary/common.sh"

need_pku
need_built "$misprog"
need_shim
iters=20000000

say "without the shim: spin interrupted by handlers that call pkrmis_stackfill"
mis_plain nested $iters nofault
test $st -eq 0 && grep -q '^nested: ok$' "$tmp/out" || {
	show_run; hard_error "without the shim, misprog nested $iters nofault: $(describe_status)"; }
say "  $(grep '^misprog: nested' "$tmp/out")"

for mode in read write; do
	nested_case nested $mode $iters
done
say "PASS"
