#!/bin/sh
# sigbus: a library that reads a shared file mapping past the end of its
# (truncated) file: SIGBUS, BUS_ADRERR (issue 9: BUS_* codes were compared
# with SEGV_* constants for the diagnostic).
#
# Asserts:
#  1. without the shim `misprog sigbus DIR` dies of SIGBUS (135);
#  2. under the shim, read and write mode: misprog exits 0 with
#     "sigbus: ok" (the call returned -220, a later pkrmis_ok works); one
#     fault diagnostic and one "rewound" line for pkrmis_sigbus; the
#     diagnostic says "SIGBUS (BUS_ADRERR)" and names the address misprog
#     reports the library read, and does not call it unmapped memory.
. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/boundary/common.sh"

need_pku
need_built "$misprog"
need_shim

# The file must be on a local file system: over 9p (the guest's root,
# where $tmp is when the tree lies under /tmp) an unlinked file cannot be
# truncated and no SIGBUS comes.  /dev/shm is tmpfs on the host and in
# the guest.
dir=$tmp
if test -d /dev/shm && test -w /dev/shm; then
	dir=$(mktemp -d /dev/shm/pkr-sigbus.XXXXXX) || hard_error "cannot create a directory in /dev/shm"
	trap 'rm -rf "$tmp" "$dir"' EXIT
fi

say "without the shim"
mis_plain sigbus "$dir"
test $st -eq 135 || { show_run; hard_error "without the shim, misprog sigbus: $(describe_status), expected SIGBUS (135)"; }

for mode in read write; do
	say "misprog sigbus under the shim (trusted-memory $mode)"
	mis $mode sigbus "$dir"
	not_killed "sigbus ($mode)"
	need_ok sigbus "sigbus ($mode)"
	need_faults "$tmp/err" pkrmis_sigbus 1 "sigbus ($mode)"
	addr=$(sed -n 's/^misprog: sigbus reads \(0x[0-9a-f]*\)$/\1/p' "$tmp/err")
	line=$(fault_line "$tmp/err" pkrmis_sigbus)
	case $line in
	*"SIGBUS (BUS_ADRERR)"*"$addr "*) ;;
	*) fail "sigbus ($mode): the diagnostic should say 'SIGBUS (BUS_ADRERR)' and the address $addr: $line" ;;
	esac
	case $line in
	*"unmapped memory"*) fail "sigbus ($mode): the diagnostic calls the mapped page unmapped memory: $line" ;;
	esac
	say "  $(echo "$line" | sed 's/^pkrewind\[[0-9]*\]: error: //')"
done
say "PASS"
