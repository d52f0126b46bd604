#!/bin/sh
# nokeys: `if-no-keys refuse|rewind-only` on a process without protection
# keys.  Runs everywhere: PKREWIND_NO_KEYS=1 makes the shim behave as on a
# CPU or kernel without them (a guest with `-cpu max,pku=off` is the real
# thing: scripts/guest --no-pku).
#
# Asserts:
#  1. with the ordinary read-mode policy (no if-no-keys line: refuse), the
#     program is refused before main: status 127, the shim says why, and
#     bugprog printed nothing;
#  2. with tests/data/fault/rewind-nokeys.policy (if-no-keys rewind-only),
#     every crash class (NULL, unmapped read, use after free, double free,
#     recursion, trap, division by zero) x 3 returns its fault-return and
#     errno, each fault has one diagnostic and one 'rewound' line;
#  3. stderr says "memory is not protected" exactly once, and --stats (via
#     the command) says so too;
#  4. a wild write into program memory goes through (nothing protects it):
#     the test checks that the shim does not pretend otherwise.
. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/fault/common.sh"

need_built "$bugprog"
need_shim
PKREWIND_TEST_TIMEOUT=60
crashes=null,unmapped,use-after-free,double-free,recursion,trap,divzero
fns='pkrbug_null_deref pkrbug_read_unmapped pkrbug_use_after_free pkrbug_double_free
pkrbug_recurse pkrbug_trap pkrbug_divide'

# Without keys for real (no pku), or simulated.
nokeys_env=PKREWIND_NO_KEYS=1

say "no keys, policy without if-no-keys: refused with status 127"
extra_env=$nokeys_env
shim "$policies/rewind-read.policy" "$bugprog" null >"$tmp/out" 2>"$tmp/err"
extra_env=
test $st -eq 127 || { show "$tmp/out" stdout; show "$tmp/err" stderr;
	fail "expected status 127 (refused), got $(describe_status)"; }
test ! -s "$tmp/out" || { show "$tmp/out" stdout; fail "bugprog ran although it was refused"; }
grep -q 'not running .* without the isolation its policy asks for' "$tmp/err" ||
	{ show "$tmp/err" stderr; fail "no 'not running ... without the isolation' message"; }
say "  $(head -n 1 "$tmp/err")"

pol=$policies/rewind-nokeys.policy
say "no keys, if-no-keys rewind-only: bugprog $crashes 3"
extra_env="$nokeys_env PKREWIND_STATS=1"
shim "$pol" "$bugprog" "$crashes" 3 >"$tmp/out" 2>"$tmp/err"
extra_env=
n_ok=$(grep -c ': ok$' "$tmp/out")
if test $st -ne 0 || test "$n_ok" -ne 7 || test "$(wc -l <"$tmp/out")" -ne 7; then
	show "$tmp/out" stdout; show "$tmp/err" stderr
	fail "bugprog $crashes 3: $(describe_status), $n_ok of 7 classes ok"
fi
sed 's/^/  /' "$tmp/out"
for fn in $fns; do
	nf=$(fault_count "$tmp/err" "$fn")
	nr=$(rewound_count "$tmp/err" "$fn")
	test "$nf" -eq 3 && test "$nr" -eq 3 ||
		{ show "$tmp/err" stderr; fail "$fn: $nf fault diagnostics and $nr 'rewound' lines, expected 3 and 3"; }
done
n=$(grep -c 'memory is not protected' "$tmp/err")
test "$(grep -v 'stats:' "$tmp/err" | grep -c 'memory is not protected')" -eq 1 ||
	{ show "$tmp/err" stderr; fail "expected one 'memory is not protected' warning, found $n lines"; }
grep -q 'stats: domain bug: .*memory is not protected' "$tmp/err" ||
	{ show "$tmp/err" stderr; fail "the stats do not say that memory is not protected"; }
say "  $(grep -v 'stats:' "$tmp/err" | grep -m1 'memory is not protected')"

say "no keys, if-no-keys rewind-only, through the command with --stats"
extra_env=$nokeys_env
st=0
timeout -k 5 "$PKREWIND_TEST_TIMEOUT" env $extra_env "$PKREWIND_BIN" -p "$pol" --stats -- \
	"$bugprog" null,trap >"$tmp/out" 2>"$tmp/err" || st=$?
extra_env=
test $st -eq 0 && test "$(grep -c ': ok$' "$tmp/out")" -eq 2 ||
	{ show "$tmp/out" stdout; show "$tmp/err" stderr; fail "pkrewind --stats: $(describe_status)"; }
grep -q 'stats: domain bug: .*memory is not protected' "$tmp/err" ||
	{ show "$tmp/err" stderr; fail "pkrewind --stats does not say that memory is not protected"; }

say "no keys: a wild write into program memory is not stopped"
extra_env=$nokeys_env
shim "$pol" "$bugprog" wild-write >"$tmp/out" 2>"$tmp/err"
extra_env=
test $st -eq 1 && grep -q '^wild-write: BAD (call 1: returned 0, .*program globals changed' "$tmp/out" || {
	show "$tmp/out" stdout; show "$tmp/err" stderr
	fail "expected the wild write to go through without keys, got $(describe_status)"; }

say "PASS"
