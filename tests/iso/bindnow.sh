#!/bin/sh
# bindnow: the GOT rewriting on a program linked with full RELRO, whose
# GOT ld.so makes read-only before main runs, and on one linked lazily.
# sigprog-now is sigprog linked with -z now -z relro, sigprog-lazy with
# -z lazy, sigprog-nopie as a position-dependent executable (ET_EXEC).
# Asserts:
#  1. (readelf) sigprog-now has BIND_NOW (FLAGS BIND_NOW or FLAGS_1 NOW)
#     and a GNU_RELRO segment; sigprog-lazy has neither BIND_NOW nor NOW;
#  2. without the shim, `relro` finds sigprog-now's GOT slots of the
#     pkrsig_ functions all read-only (else the build is not what this test
#     is about);
#  3. under the shim (trusted-memory read), for both programs: `pkru` says
#     "isolated" (the slots were rewritten to trampolines), `readsafe`
#     prints the same lines as without the shim, and `relro` prints the
#     same line as without it: the shim left every RELRO slot read-only;
#  4. (readelf) sigprog-nopie is ET_EXEC, and under the shim `pkru` says
#     "isolated" and `readsafe` prints the same lines as without it, also
#     with a policy whose domain names a library the program does not link
#     (sig-read-extra.policy: once, such a domain made the shim skip the
#     executable, whose load address is 0, as "the program's own copy").
. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/iso/common.sh"

need_pku
need_prog readelf
need_built "$progs/sigprog-now" "$progs/sigprog-lazy" "$progs/sigprog-nopie"
need_shim
pol=$policies/sig-read.policy

say "readelf: sigprog-now is linked with full RELRO, sigprog-lazy lazily"
readelf -dW "$progs/sigprog-now" >"$tmp/now.dyn" 2>&1 || hard_error "readelf -d sigprog-now failed"
readelf -lW "$progs/sigprog-now" >"$tmp/now.phdr" 2>&1 || hard_error "readelf -l sigprog-now failed"
readelf -dW "$progs/sigprog-lazy" >"$tmp/lazy.dyn" 2>&1 || hard_error "readelf -d sigprog-lazy failed"
grep -Eq '\(FLAGS\).*BIND_NOW|\(FLAGS_1\).*[[:space:]]NOW' "$tmp/now.dyn" || {
	show "$tmp/now.dyn" "readelf -d sigprog-now"
	hard_error "sigprog-now has neither FLAGS BIND_NOW nor FLAGS_1 NOW"; }
grep -q 'GNU_RELRO' "$tmp/now.phdr" || {
	show "$tmp/now.phdr" "readelf -l sigprog-now"
	hard_error "sigprog-now has no GNU_RELRO segment"; }
if grep -Eq '\(FLAGS\).*BIND_NOW|\(FLAGS_1\).*[[:space:]]NOW' "$tmp/lazy.dyn" ||
   grep -q '(BIND_NOW)' "$tmp/lazy.dyn"; then
	show "$tmp/lazy.dyn" "readelf -d sigprog-lazy"
	hard_error "sigprog-lazy binds now (is -z now the toolchain's default?)"
fi
say "  sigprog-now: $(sed -n 's/.*(FLAGS_1) *//p' "$tmp/now.dyn" | head -n 1), GNU_RELRO"

for prog in sigprog-now sigprog-lazy; do
	say "$prog readsafe and relro without the shim"
	plain "$progs/$prog" readsafe >"$tmp/ref.out" 2>"$tmp/ref.err"
	test $st -eq 0 || { show "$tmp/ref.out" stdout; show "$tmp/ref.err" stderr;
		hard_error "$prog readsafe fails without the shim ($(describe_status))"; }
	plain "$progs/$prog" relro >"$tmp/ref.relro" 2>"$tmp/ref.err"
	test $st -eq 0 || { show "$tmp/ref.relro" stdout; show "$tmp/ref.err" stderr;
		hard_error "$prog relro fails without the shim ($(describe_status))"; }
	say "  $(cat "$tmp/ref.relro")"
	if test $prog = sigprog-now; then
		grep -q '^got: [1-9][0-9]* slots, all read-only$' "$tmp/ref.relro" ||
			hard_error "without the shim, sigprog-now's GOT is not read-only: '$(cat "$tmp/ref.relro")'"
	fi

	say "$prog pkru under the shim (trusted-memory read)"
	shim "$pol" "$progs/$prog" pkru -v >"$tmp/pkru.out" 2>"$tmp/pkru.err"
	test $st -eq 0 && test "$(cat "$tmp/pkru.out")" = isolated || {
		show "$tmp/pkru.err" stderr
		fail "$prog pkru under the shim says '$(cat "$tmp/pkru.out")' ($(describe_status)), expected 'isolated'"; }

	say "$prog readsafe under the shim (trusted-memory read)"
	shim "$pol" "$progs/$prog" readsafe >"$tmp/shim.out" 2>"$tmp/shim.err"
	check_run "$tmp/ref.out" "$tmp/shim.out" "$tmp/shim.err" "$prog readsafe"

	say "$prog relro under the shim (trusted-memory read)"
	shim "$pol" "$progs/$prog" relro >"$tmp/shim.relro" 2>"$tmp/shim.err"
	check_run "$tmp/ref.relro" "$tmp/shim.relro" "$tmp/shim.err" "$prog relro"
	say "  $(cat "$tmp/shim.relro")"
done

say "readelf: sigprog-nopie is a position-dependent executable"
readelf -hW "$progs/sigprog-nopie" >"$tmp/nopie.hdr" 2>&1 || hard_error "readelf -h sigprog-nopie failed"
grep -q 'Type:.*EXEC' "$tmp/nopie.hdr" || {
	show "$tmp/nopie.hdr" "readelf -h sigprog-nopie"
	hard_error "sigprog-nopie is not ET_EXEC"; }
plain "$progs/sigprog-nopie" readsafe >"$tmp/ref.out" 2>"$tmp/ref.err"
test $st -eq 0 || hard_error "sigprog-nopie readsafe fails without the shim ($(describe_status))"
for p in "$pol" "$policies/sig-read-extra.policy"; do
	say "sigprog-nopie pkru and readsafe under the shim ($(basename "$p"))"
	shim "$p" "$progs/sigprog-nopie" pkru -v >"$tmp/pkru.out" 2>"$tmp/pkru.err"
	test $st -eq 0 && test "$(cat "$tmp/pkru.out")" = isolated || {
		show "$tmp/pkru.err" stderr
		fail "sigprog-nopie pkru under $(basename "$p") says '$(cat "$tmp/pkru.out")' ($(describe_status)), expected 'isolated'"; }
	shim "$p" "$progs/sigprog-nopie" readsafe >"$tmp/shim.out" 2>"$tmp/shim.err"
	check_run "$tmp/ref.out" "$tmp/shim.out" "$tmp/shim.err" "sigprog-nopie readsafe ($(basename "$p"))"
done

say "PASS"
