#!/bin/sh
# sig-write: the signature fixture under `trusted-memory write`.
# Asserts (LD_PRELOAD runs and runs through the pkrewind command):
#  1. sigprog pkru says "not isolated" without the shim and "isolated"
#     under it (the library runs with a PKRU other than the program's);
#  2. sigprog all passes its own checks and prints the same lines with
#     and without the shim.
# `all` covers integer (0..12 arguments, narrow types), mixed int/double,
# float, long double, variadic, struct (in registers, on the stack,
# returned in rax:rdx and through a hidden pointer), errno in both
# directions, malloc/strdup/fopen/fread, snprintf, ctype, strerror (also
# glibc's per-thread buffer shared by the two C libraries), 256 KiB of
# recursion, and a callback into the program that calls the library again.
. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/iso/common.sh"

sig_mode write all
