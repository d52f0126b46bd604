#!/bin/sh
# nss: an isolated library's user, group and host lookups (getpwnam,
# getpwuid, getgrnam, getgrgid and their _r forms, getaddrinfo and
# freeaddrinfo, gethostbyname), in write, read and none modes (fixture
# libpkrconv, program convprog).  glibc's NSS code loads its modules and
# reads its configuration with ld.so's internal dlopen, writing ld.so's
# data (program memory): in read and none modes that faulted.  Cases:
# root by name and number, small buffers (ERANGE), names that do not
# exist, localhost with and without hints, numeric hosts, errors.
# Asserts output byte-identical to the plain run, every call through
# the gate, no fault.
. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/iso/common.sh"

need_pku
convprog=$top_builddir/tests/progs/convprog
need_built "$convprog"
need_shim
policies=$top_srcdir/tests/data/libc

plain "$convprog" nss >"$tmp/want" 2>"$tmp/want.err"
test $st -eq 0 || hard_error "convprog nss failed without the shim ($(describe_status))"
grep -q 'getpwuid(0): root:' "$tmp/want" && grep -q 'getgrgid(0): root:' "$tmp/want" &&
	grep -q 'getpwnam_r small: ERANGE' "$tmp/want" && grep -q '^  ai: family' "$tmp/want" ||
	{ show "$tmp/want" stdout; hard_error "convprog nss: the plain run does not show the cases (root, localhost)"; }

for mode in write read none; do
	say "$mode mode: users, groups, hosts"
	extra_env=PKREWIND_STATS=1 shim "$policies/conv-$mode.policy" "$convprog" nss \
		>"$tmp/out" 2>"$tmp/err"
	check_run "$tmp/want" "$tmp/out" "$tmp/err" "$mode mode: convprog nss"
	test "$(stats_calls "$tmp/err" pkrconv_nss)" = 10 && test "$(stats_faults "$tmp/err" pkrconv_nss)" = 0 ||
		{ show "$tmp/err" stderr; fail "$mode mode: pkrconv_nss not called 10 times through the gate without a fault"; }
done
say "PASS"
