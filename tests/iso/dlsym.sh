#!/bin/sh
# dlsym: every way a program gets a function pointer into an isolated
# library must give a trampoline (tests/data/iso/dlsym.policy: libpkrsig.so
# and the versioned fixture libpkrver.so, each in its own domain,
# trusted-memory read).
#  a) tests/progs/dlsymprog, linked with both libraries, in four parts:
#     got       &pkrsig_nop, &pkrver_vfn (the program's GLOB_DAT slots) and
#               a call of pkrver_vfn through its PLT (the default version);
#     default   dlsym(RTLD_DEFAULT, "pkrsig_nop");
#     next      dlsym(RTLD_NEXT, "pkrsig_nop") from the program;
#     versions  dlvsym(handle, "pkrver_vfn", "PKRVER_1"/"PKRVER_2"),
#               dlsym(handle, "pkrver_vfn"), dlvsym(RTLD_DEFAULT, ...).
#  b) tests/progs/dlrunprog, linked with neither library, whose only way
#     to the fixture's directory is its DT_RUNPATH: dlopen("libpkrsig.so")
#     by bare name, then dlsym.
# Every pointer line says whether the pointer lies in a file mapping of
# the library ("in the library") and whether the code behind it runs with
# a PKRU other than the program's ("isolated").  Asserts, for every part:
# without the shim, each pointer is "in the library, not isolated" and
# every value right; under the shim, status 0 and the same lines, except
# that each pointer is "outside the library, isolated" (a trampoline) and
# a call is "isolated"; the versions reach the right implementation
# (vfn(7) = 71 for PKRVER_1, 72 for PKRVER_2), and pointers that must be
# equal are (dlsym = &function, dlvsym PKRVER_2 = the default).
# Also (readelf) dlrunprog has a DT_RUNPATH (not DT_RPATH) and no NEEDED
# libpkrsig.so, and tests/progs/dlprog, which has no RUNPATH, cannot
# dlopen("libpkrsig.so") by bare name, with or without the shim.
. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/iso/common.sh"

need_pku
need_prog readelf
need_built "$progs/dlsymprog" "$progs/dlrunprog" "$progs/dlprog"
need_shim
pol=$policies/dlsym.policy
# Parts that failed; reported together at the end, so that one broken
# part does not hide the others.
failed=

# part_fail WHAT: record a failure of the last run (status $st, stdout
# $tmp/out, stderr $tmp/err).
part_fail() {
	say "  FAILED: $1"
	show "$tmp/err" stderr
	failed="$failed
  - $1"
}

# expect_isolated REF: what the run under the shim must print.
expect_isolated() {
	sed 's/, in the library, not isolated$/, outside the library, isolated/
	     s/, not isolated$/, isolated/' "$1"
}

say "readelf: dlrunprog finds the fixture through DT_RUNPATH only"
readelf -dW "$progs/dlrunprog" >"$tmp/dyn" 2>&1 || hard_error "readelf -d dlrunprog failed"
grep -q '(RUNPATH).*/tests/fixtures/\.libs' "$tmp/dyn" && ! grep -q '(RPATH)' "$tmp/dyn" &&
	! grep -q 'NEEDED.*libpkrsig' "$tmp/dyn" || {
	show "$tmp/dyn" "readelf -d dlrunprog"
	hard_error "dlrunprog should have a DT_RUNPATH to tests/fixtures/.libs, no DT_RPATH, and not need libpkrsig.so"; }
readelf -dW "$progs/dlprog" >"$tmp/dyn" 2>&1 || hard_error "readelf -d dlprog failed"
! grep -q 'R\(UN\)\{0,1\}PATH.*fixtures' "$tmp/dyn" ||
	hard_error "dlprog has a run path to the fixture: it cannot serve as the control"

for part in got default next versions runpath; do
	case $part in
	runpath) cmd="$progs/dlrunprog" ;;
	*) cmd="$progs/dlsymprog $part" ;;
	esac
	say "${cmd#"$progs"/} without the shim"
	# shellcheck disable=SC2086
	plain $cmd >"$tmp/ref.out" 2>"$tmp/ref.err"
	test $st -eq 0 || { show "$tmp/ref.out" stdout; show "$tmp/ref.err" stderr;
		hard_error "${cmd#"$progs"/} fails without the shim ($(describe_status))"; }
	grep -q 'isolated$' "$tmp/ref.out" && ! grep -q ', isolated$' "$tmp/ref.out" &&
		! grep -q 'outside the library' "$tmp/ref.out" || {
		show "$tmp/ref.out" stdout
		hard_error "${cmd#"$progs"/} without the shim: a pointer outside the library, or isolated code"; }
	expect_isolated "$tmp/ref.out" >"$tmp/want.out"

	for how in shim via_cmd; do
		say "${cmd#"$progs"/} under the shim ($how, trusted-memory read)"
		# shellcheck disable=SC2086
		$how "$pol" $cmd >"$tmp/out" 2>"$tmp/err"
		if test $st -eq 0 && cmp -s "$tmp/want.out" "$tmp/out"; then
			sed 's/^/    /' "$tmp/out"
			continue
		fi
		say "  expected (- ) and got (+):"
		diff -u "$tmp/want.out" "$tmp/out" | sed '1,2d; s/^/    /' | head -n 40
		part_fail "${cmd#"$progs"/} ($how): $(describe_status), $(cmp -s "$tmp/want.out" "$tmp/out" && echo 'expected output' || echo 'wrong output')"
	done
done

say "control: dlprog (no run path) cannot dlopen(\"libpkrsig.so\") by bare name"
plain "$progs/dlprog" libpkrsig.so >"$tmp/out" 2>"$tmp/err"
test $st -eq 1 && grep -q 'dlopen' "$tmp/err" || {
	show "$tmp/out" stdout; show "$tmp/err" stderr
	hard_error "without the shim, dlprog libpkrsig.so: $(describe_status), expected a dlopen failure"; }
shim "$pol" "$progs/dlprog" libpkrsig.so >"$tmp/out" 2>"$tmp/err"
test $st -eq 1 && grep -q 'dlopen' "$tmp/err" ||
	part_fail "under the shim, dlprog (no run path) libpkrsig.so: $(describe_status), expected the same dlopen failure as without the shim"

test -z "$failed" || fail "these runs failed:$failed"
say "PASS"
