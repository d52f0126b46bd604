#!/bin/sh
# sig-read: the signature fixture under `trusted-memory read`.
# Asserts (LD_PRELOAD runs and runs through the pkrewind command):
#  1. sigprog pkru says "not isolated" without the shim and "isolated"
#     under it (the library runs with a PKRU other than the program's);
#  2. sigprog readsafe passes its own checks and prints the same lines with
#     and without the shim.
# `readsafe` leaves out the one call that writes program memory (a large
# struct returned through a hidden pointer into the caller's stack): in
# read mode that call faults, by design.
. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/iso/common.sh"

sig_mode read readsafe
