#!/bin/sh
# sig-none: the signature fixture under `trusted-memory none`.
# Asserts (LD_PRELOAD runs and runs through the pkrewind command):
#  1. sigprog pkru says "not isolated" without the shim and "isolated"
#     under it (the library runs with a PKRU other than the program's);
#  2. sigprog nonesafe passes its own checks and prints the same lines with
#     and without the shim.
# `nonesafe` also leaves out strerror (it reads loader data, which none
# mode hides) and the callback (program code reading its own GOT with the
# library's rights), and copies string arguments into the library's
# scratch buffer first (the library cannot read program memory at all).
. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/iso/common.sh"

sig_mode none nonesafe
