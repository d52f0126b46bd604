#!/bin/sh
# xz-threads: the Debian xz with liblzma isolated in write mode (the
# shipped policy/liblzma.policy when it is a write-mode policy, else
# tests/data/iso/liblzma.policy), multi-threaded: `xz -T2` makes liblzma
# create its worker threads itself (lzma_stream_encoder_mt and
# lzma_stream_decoder_mt call pthread_create inside the namespace; the
# domain runtime lets that through in trusted-memory write mode only).
# 4 MiB of mixed data in 1 MiB blocks, so that both workers get blocks.
# Asserts: the .xz file is byte-identical to xz -T2's without the shim,
# the round trip with `xz -T2 -d` is exact (LD_PRELOAD and the pkrewind
# command), the stats count calls of lzma_stream_encoder_mt,
# lzma_stream_decoder_mt and lzma_code; when strace works here, it also
# sees threads created (clone with CLONE_THREAD) in the compressing
# process under the shim.  Every run is limited to 120 s.
. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/iso/common.sh"

need_pku
need_prog xz
need_shim
unset XZ_DEFAULTS XZ_OPT
PKREWIND_TEST_TIMEOUT=120
pol=$(shipped_policy liblzma.policy "$policies/liblzma.policy")
make_data "$tmp/data" 4194304
enc="xz -T2 -3 --block-size=1MiB -c"
dec="xz -T2 -dc"

# Without the shim, this xz must really use the threaded coder, or the
# test would prove nothing: `xz -vv` says how many threads it uses.
plain xz -T2 -3 --block-size=1MiB -vv -c <"$tmp/data" >/dev/null 2>"$tmp/vv.err"
test $st -eq 0 || { show "$tmp/vv.err" stderr; hard_error "xz -T2 -vv fails ($(describe_status))"; }
grep -q 'up to 2 threads' "$tmp/vv.err" || {
	show "$tmp/vv.err" "xz -vv"
	skip "this xz does not use 2 threads for -T2"; }

# codec_test leaves the reference compression (without the shim) in
# $tmp/ref.z; the strace run below compares against it.
codec_test "$pol" "$tmp/data" "$enc" "$dec" \
	"lzma_stream_encoder_mt lzma_code" "lzma_stream_decoder_mt lzma_code"

if command -v strace >/dev/null 2>&1 &&
   strace -f -qq -e trace=clone,clone3 -o "$tmp/probe" true >/dev/null 2>&1; then
	say "$enc under the shim, under strace -f: threads created"
	st=0
	# shellcheck disable=SC2086
	timeout -k 5 "$PKREWIND_TEST_TIMEOUT" strace -f -qq -e trace=clone,clone3 \
		-o "$tmp/strace" env PKREWIND_POLICY="$pol" LD_PRELOAD="$PKREWIND_SHIM" \
		$enc <"$tmp/data" >"$tmp/strace.z" 2>"$tmp/err" || st=$?
	test $st -eq 0 && cmp -s "$tmp/ref.z" "$tmp/strace.z" || {
		show "$tmp/err" stderr
		fail "$enc under the shim and strace: $(describe_status), output $(cmp -s "$tmp/ref.z" "$tmp/strace.z" && echo identical || echo differs)"; }
	n=$(grep -c 'CLONE_THREAD' "$tmp/strace")
	test "$n" -ge 1 || {
		show "$tmp/strace" "strace -e clone,clone3"
		fail "no thread was created under the shim: xz -T2 did not run multi-threaded"; }
	say "  $n thread(s) created, output identical"
else
	say "  (strace missing or not permitted here: thread creation not observed directly)"
fi

say "PASS"
