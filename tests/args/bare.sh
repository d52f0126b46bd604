#!/bin/sh
# bare: a policy of two lines (`domain`, `library`) runs real programs
# byte-identically (issue 10, "defaults that work"): a domain without
# function and struct lines takes the annotations of the shipped policy
# for its library (PKREWIND_POLICIES), and with them its trusted-memory
# mode, read.  Asserts:
#  - xz -6 of 1 MB and xz -d, bzip2 -9 and -d, git hash-object -w (zlib)
#    under two-line policies: output and status identical to the plain
#    run, calls through the gate, no fault;
#  - without shipped policies the same xz -6 is read mode without
#    annotations: liblzma's write of the caller's lzma_stream faults and
#    is rewound (xz reports an error) - so the shipped lines are what
#    makes the bare policy work, and the default stays read;
#  - what takes nothing: a domain with one function line of its own, a
#    domain whose libraries are in two shipped policies; `trusted-memory
#    write` given is kept (pkrewind check says what each domain took);
#  - a shipped policy that does not parse fails closed: status 127, the
#    error with FILE:LINE:COL, the program not run.
. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/iso/common.sh"

need_pku
need_prog xz
need_prog bzip2
need_prog git
need_shim
shipped=$top_srcdir/policy

make_data "$tmp/data" 1048576
bare() {   # bare FILE DOMAIN LIBRARY...
	_f=$1 _d=$2; shift 2
	{ echo "domain $_d"; for _l in "$@"; do echo "    library $_l"; done; } >"$_f"
}
bare "$tmp/lzma.policy" lzma liblzma.so.5
bare "$tmp/bz2.policy" bz2 libbz2.so.1.0
bare "$tmp/z.policy" zlib libz.so.1
test "$(wc -l <"$tmp/lzma.policy")" -eq 2 || hard_error "the bare policy is not two lines"

# run NAME POLICY FUNC CMD...: plain and under the shim with the shipped
# policies; identical stdout and status, FUNC called, no fault.
run() {
	_n=$1 _p=$2 _fn=$3; shift 3
	plain "$@" >"$tmp/want" 2>"$tmp/want.err"
	_wst=$st
	test $_wst -eq 0 || hard_error "$_n failed without the shim ($(describe_status))"
	extra_env="PKREWIND_POLICIES=$shipped PKREWIND_STATS=1" shim "$_p" "$@" >"$tmp/out" 2>"$tmp/err"
	extra_env=
	test $st -eq $_wst || { show "$tmp/err" stderr; fail "$_n: $(describe_status) under a bare policy"; }
	cmp -s "$tmp/want" "$tmp/out" || { show "$tmp/err" stderr; fail "$_n: output differs from the plain run"; }
	_c=$(stats_calls "$tmp/err" "$_fn")
	test -n "$_c" && test "$_c" -gt 0 || { show "$tmp/err" stderr; fail "$_n: $_fn not called through the gate"; }
	grep -q 'faults [1-9]' "$tmp/err" && { show "$tmp/err" stderr; fail "$_n: faults under the bare policy"; }
	say "ok: $_n: identical, $_fn called $_c times, no fault"
}

xz -6 -c "$tmp/data" >"$tmp/data.xz" || hard_error "xz failed"
run "xz -6" "$tmp/lzma.policy" lzma_code xz -6 -c "$tmp/data"
run "xz -d" "$tmp/lzma.policy" lzma_code xz -d -c "$tmp/data.xz"
bzip2 -9 -c "$tmp/data" >"$tmp/data.bz2" || hard_error "bzip2 failed"
run "bzip2 -9" "$tmp/bz2.policy" BZ2_bzWrite bzip2 -9 -c "$tmp/data"
run "bzip2 -d" "$tmp/bz2.policy" BZ2_bzRead bzip2 -d -c "$tmp/data.bz2"

# zlib: git deflates the loose object (only under the shim: a plain run
# first would leave nothing to write); plain git reads it back.
git init -q "$tmp/repo" || hard_error "git init failed"
head -c 200000 "$tmp/data" >"$tmp/repo/blob"
want=$(git -C "$tmp/repo" hash-object blob) || hard_error "git hash-object failed"
extra_env="PKREWIND_POLICIES=$shipped PKREWIND_STATS=1" shim "$tmp/z.policy" \
	git -C "$tmp/repo" hash-object -w blob >"$tmp/out" 2>"$tmp/err"
extra_env=
test $st -eq 0 && test "$(cat "$tmp/out")" = "$want" ||
	{ show "$tmp/err" stderr; fail "git hash-object -w: $(describe_status), hash $(cat "$tmp/out") for $want"; }
c=$(stats_calls "$tmp/err" deflate)
test -n "$c" && test "$c" -gt 0 && ! grep -q 'faults [1-9]' "$tmp/err" ||
	{ show "$tmp/err" stderr; fail "git hash-object -w: deflate not called through the gate, or faults"; }
git -C "$tmp/repo" cat-file -p "$want" | cmp -s - "$tmp/repo/blob" ||
	fail "git hash-object -w: the object written under the bare policy does not read back"
say "ok: git hash-object -w: the same object, deflate called $c times, no fault"

say "without shipped policies, the bare policy is read mode without annotations"
extra_env="PKREWIND_POLICIES=" shim "$tmp/lzma.policy" xz -6 -c "$tmp/data" >"$tmp/out" 2>"$tmp/err"
test $st -ne 0 && test $st -lt 128 || { show "$tmp/err" stderr;
	fail "xz -6 without annotations: $(describe_status), expected a rewound fault and xz's error"; }
grep -q "error: domain lzma: call to lzma_[a-z_]* rewound" "$tmp/err" ||
	{ show "$tmp/err" stderr; fail "xz -6 without annotations: no rewound fault reported"; }

say "what pkrewind check says each domain took"
check_says() {   # check_says POLICY PATTERN|-
	PKREWIND_POLICIES=$shipped "$PKREWIND_BIN" check "$1" >"$tmp/check" 2>&1 ||
		{ show "$tmp/check" output; fail "pkrewind check $1 failed"; }
	if test "$2" = -; then
		grep -q 'the function and struct lines of' "$tmp/check" &&
			{ show "$tmp/check" output; fail "$1 took a shipped policy's lines"; }
	else
		grep -q "$2" "$tmp/check" || { show "$tmp/check" output; fail "$1: pkrewind check does not say '$2'"; }
	fi
	return 0
}
check_says "$tmp/lzma.policy" "domain lzma: the function and struct lines of $shipped/liblzma.policy ([0-9]* and [0-9]*), trusted-memory read"
{ cat "$tmp/lzma.policy"; echo "    trusted-memory write"; } >"$tmp/write.policy"
check_says "$tmp/write.policy" "domain lzma: the function and struct lines of .*, trusted-memory write"
{ cat "$tmp/lzma.policy"; echo "    function lzma_version_string fault-return 0"; } >"$tmp/own.policy"
check_says "$tmp/own.policy" -
bare "$tmp/mixed.policy" both liblzma.so.5 libbz2.so.1.0
check_says "$tmp/mixed.policy" -

say "a shipped policy that does not parse fails closed"
mkdir "$tmp/shipped" && cp "$shipped"/*.policy "$tmp/shipped/" || hard_error "cannot copy the policies"
echo "    frobnicate yes" >>"$tmp/shipped/libbz2.policy"
n=$(wc -l <"$tmp/shipped/libbz2.policy")
extra_env="PKREWIND_POLICIES=$tmp/shipped" shim "$tmp/lzma.policy" xz -6 -c "$tmp/data" >"$tmp/out" 2>"$tmp/err"
extra_env=
test $st -eq 127 || { show "$tmp/err" stderr; fail "a broken shipped policy: $(describe_status), expected 127"; }
grep -q "$tmp/shipped/libbz2.policy:$n:5: unknown directive .frobnicate." "$tmp/err" ||
	{ show "$tmp/err" stderr; fail "a broken shipped policy: no error naming its file, line and column"; }
test ! -s "$tmp/out" || fail "a broken shipped policy: the program ran"
say "PASS"
