#!/bin/sh
# sodium: the shipped libsodium policy is read mode with argument
# annotations (issue 11), and real, unmodified programs run under it
# unchanged, with no fault and no refused call:
#  1. minisign (Debian's): a key pair made under the shim signs and
#     verifies; a file signed under the shim gets the byte-identical
#     signature file of the plain run (Ed25519 is deterministic; the
#     comments are fixed); verification under the shim succeeds, and
#     fails on a changed file as it does without the shim;
#  2. python3-nacl: an interpreter whose extension module links libsodium
#     (tests/data/args/naclcalls.py: sign, secretbox, box, sealed box,
#     BLAKE2b one-shot and streamed through its 384-byte state, SHA-512,
#     Argon2id and its string form, XChaCha20-Poly1305, key exchange,
#     scalar multiplication, random bytes) prints what it prints without
#     the shim;
#  3. the control: the same policy without its annotations faults on the
#     first call that writes the program's memory (so 1 and 2 show the
#     annotations at work).
. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/iso/common.sh"

need_pku
need_prog minisign
test -x /usr/bin/python3 && /usr/bin/python3 -c 'import nacl.bindings' 2>/dev/null ||
	skip "python3-nacl is not installed"
need_shim
pol=$top_srcdir/policy/libsodium.policy
grep -q '^[[:space:]]*trusted-memory[[:space:]][[:space:]]*read' "$pol" ||
	fail "policy/libsodium.policy is not in trusted-memory read mode"

# clean WHAT: the last run exited 0 with calls and no fault or refusal.
clean() {
	test $st -eq 0 || { show "$tmp/err" stderr; fail "$1: $(describe_status)"; }
	if grep -q 'fault in domain\|refused\|error:' "$tmp/err"; then
		show "$tmp/err" stderr; fail "$1: faults or refused calls under the shim"
	fi
	_calls=$(stats_clean_calls "$tmp/err")
	test -n "$_calls" && test "$_calls" -gt 0 ||
		{ show "$tmp/err" stderr; fail "$1: no calls, or faults, in the stats"; }
	say "  $1: $_calls calls, no fault"
}
under() {
	extra_env=PKREWIND_STATS=1 shim "$pol" "$@" >"$tmp/out" 2>"$tmp/err"
	extra_env=
}

make_data "$tmp/msg" 3000000
cd "$tmp" || hard_error "no $tmp"
say "minisign under policy/libsodium.policy (read mode)"
under minisign -G -W -p "$tmp/pk" -s "$tmp/sk"
clean "minisign -G (key pair)"
sign="minisign -S -s $tmp/sk -m $tmp/msg -t fixed-trusted-comment -c fixed-comment -x"
plain $sign "$tmp/plain.minisig" >/dev/null 2>&1
test $st -eq 0 || hard_error "minisign -S failed without the shim ($(describe_status))"
under $sign "$tmp/shim.minisig"
clean "minisign -S"
cmp -s "$tmp/plain.minisig" "$tmp/shim.minisig" ||
	{ diff "$tmp/plain.minisig" "$tmp/shim.minisig"; fail "minisign -S: the signature differs from the plain run's"; }
under minisign -V -p "$tmp/pk" -m "$tmp/msg" -x "$tmp/shim.minisig"
clean "minisign -V"
grep -q 'Signature and comment signature verified' "$tmp/out" ||
	{ show "$tmp/out" stdout; fail "minisign -V: not verified"; }
printf x >>"$tmp/msg"
plain minisign -V -p "$tmp/pk" -m "$tmp/msg" -x "$tmp/shim.minisig" >/dev/null 2>&1
want=$st
test $want -ne 0 || hard_error "minisign -V accepted a changed file without the shim"
under minisign -V -p "$tmp/pk" -m "$tmp/msg" -x "$tmp/shim.minisig"
test $st -eq $want || { show "$tmp/err" stderr; fail "minisign -V of a changed file: status $st, $want without the shim"; }
grep -q 'fault in domain' "$tmp/err" && { show "$tmp/err" stderr; fail "minisign -V of a changed file faulted"; }
say "  minisign -V of a changed file: rejected (status $st) as without the shim"

say "python3-nacl under policy/libsodium.policy (read mode)"
plain /usr/bin/python3 "$top_srcdir/tests/data/args/naclcalls.py" >"$tmp/want" 2>"$tmp/want.err"
test $st -eq 0 || { show "$tmp/want.err" stderr; hard_error "naclcalls.py failed without the shim"; }
under /usr/bin/python3 "$top_srcdir/tests/data/args/naclcalls.py"
clean "python3 naclcalls.py"
cmp -s "$tmp/want" "$tmp/out" || { diff "$tmp/want" "$tmp/out"; fail "naclcalls.py: output differs from the plain run"; }

say "control: without the annotations, read mode faults"
sed 's/^\([[:space:]]*function[[:space:]][[:space:]]*[a-z0-9_]*\)[[:space:]]*([^)]*)/\1/' "$pol" >"$tmp/bare.policy"
! grep -q '^[[:space:]]*function.*(' "$tmp/bare.policy" ||
	hard_error "could not strip the annotations"
extra_env=PKREWIND_STATS=1 shim "$tmp/bare.policy" /usr/bin/python3 "$top_srcdir/tests/data/args/naclcalls.py" \
	>"$tmp/out" 2>"$tmp/err"
extra_env=
grep -q 'fault in domain sodium calling crypto_sign_seed_keypair' "$tmp/err" ||
	{ show "$tmp/err" stderr; fail "control: no fault in crypto_sign_seed_keypair without annotations"; }
say "PASS"
