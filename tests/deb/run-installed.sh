# tests/deb/run-installed.sh - the part of tests/deb/installed.sh that runs
# programs under the shim, so needs protection keys: installed.sh runs it
# natively where the processor and kernel have them, else in a QEMU guest
# (scripts/guest), which sees the host's root and so the installed package.
#
# Everything runs from the installed files only: /usr/bin/pkrewind with a
# clean environment (env -i: no PKREWIND_SHIM, PKREWIND_RUNTIME, LD_*), in
# a directory of its own, with an empty HOME.  Prints "ok: ..." and
# "FAIL: ..." lines; exit 1 if any check failed.
set -u
policies=/usr/share/pkrewind/policies
dropins=/etc/pkrewind/policy.d
multiarch=${1:?usage: run-installed.sh MULTIARCH}
shim=/usr/lib/$multiarch/pkrewind/libpkrewind.so

failures=0
checks=0
pass() { checks=$((checks + 1)); printf 'ok: %s\n' "$*"; }
fail() { checks=$((checks + 1)); failures=$((failures + 1)); printf 'FAIL: %s\n' "$*"; }

tmp=$(mktemp -d /tmp/pkrewind-installed.XXXXXX) || { echo "FAIL: mktemp"; exit 99; }
cleanup() {
	rm -f "$dropins/50-pkrtest-lzma.policy" "$dropins/60-pkrtest-dup.policy" \
		"$dropins/60-pkrtest-bad.policy"
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' HUP INT TERM
mkdir "$tmp/home"
cd "$tmp" || exit 99

# clean CMD...: run with only PATH, HOME and LC_ALL; stdout to out,
# stderr to err, status in rc.
clean() {
	env -i PATH=/usr/bin:/bin HOME="$tmp/home" LC_ALL=C "$@" >"$tmp/out" 2>"$tmp/err"
	rc=$?
}
show() { sed 's/^/    stderr: /' "$tmp/err" | head -n 20; }
expect_rc() {
	if [ "$rc" -eq "$1" ]; then pass "$2 (exit $rc)"; else fail "$2: exit $rc, expected $1"; show; fi
}
expect_grep() {
	if grep -Eq -- "$2" "$1"; then pass "$3"; else fail "$3: no line matches /$2/"; show; fi
}
expect_same() {
	if cmp -s "$1" "$2"; then pass "$3"; else fail "$3: $1 and $2 differ"; fi
}
# The stats line of domain lzma: calls > 0, faults 0.
expect_isolated() {
	if grep -Eq '^pkrewind\[[0-9]+\]: stats: domain lzma: calls [1-9][0-9]*, faults 0' "$tmp/err"; then
		pass "$1: liblzma ran in domain lzma, no fault ($(grep -Eo 'calls [0-9]+' "$tmp/err" | head -n 1))"
	else
		fail "$1: no 'domain lzma: calls N, faults 0' line"
		show
	fi
}

seq 1 300000 >in
xz -9 -c in >plain.xz || { echo "FAIL: plain xz failed"; exit 99; }

echo "xz under the installed liblzma policy: byte-identical to plain xz"
clean pkrewind -v -p "$policies/liblzma.policy" --stats xz -9 -c in
cp "$tmp/out" iso.xz
expect_rc 0 "pkrewind -p $policies/liblzma.policy xz -9 -c"
expect_same plain.xz iso.xz "compressed output byte-identical to plain xz"
expect_isolated "xz -9"
expect_grep "$tmp/err" "preload $shim, policy $policies/liblzma\\.policy" \
	"the installed shim is preloaded ($shim)"
clean pkrewind -p "$policies/liblzma.policy" --stats xz -dc iso.xz
cp "$tmp/out" back
expect_rc 0 "pkrewind ... xz -dc"
expect_same in back "decompressed output is the input"
expect_isolated "xz -dc"

echo "the system policy: $dropins/*.policy, read after /etc/pkrewind/policy"
printf '# tests/deb/run-installed.sh\ninclude %s/liblzma.policy\n' "$policies" \
	>"$dropins/50-pkrtest-lzma.policy"
clean pkrewind check --system
expect_rc 0 "pkrewind check --system with one drop-in"
grep -Eq "^/etc/pkrewind/policy \\+ [0-9]+ files? of $dropins: ok \\(" "$tmp/out" &&
	pass "check --system: $(cat "$tmp/out")" || { fail "check --system printed: $(cat "$tmp/out")"; show; }
clean pkrewind --stats xz -9 -c in
cp "$tmp/out" sys.xz
expect_rc 0 "pkrewind xz without -p: the drop-in is the policy"
expect_same plain.xz sys.xz "output byte-identical under the drop-in"
expect_isolated "the drop-in through pkrewind"
clean env LD_PRELOAD="$shim" PKREWIND_STATS=1 xz -9 -c in
cp "$tmp/out" shim.xz
expect_rc 0 "the shim alone (LD_PRELOAD) reads the drop-in"
expect_same plain.xz shim.xz "output byte-identical with the shim alone"
expect_isolated "the drop-in through LD_PRELOAD"

echo "a duplicate domain name in a later drop-in: FILE:LINE:COL, nothing runs"
printf '# same name as liblzma.policy\ndomain lzma\n    library liblzma.so.5\n' \
	>"$dropins/60-pkrtest-dup.policy"
clean pkrewind xz -9 -c in
expect_rc 127 "pkrewind xz with a duplicate domain in policy.d"
expect_grep "$tmp/err" "^pkrewind: $dropins/60-pkrtest-dup\\.policy:2:8: duplicate domain 'lzma' \\(first at $policies/liblzma\\.policy:[0-9]+\\)\$" \
	"the error names the duplicate's file:line:col and the first"
[ -s "$tmp/out" ] && fail "xz wrote output although the policy has an error" || pass "xz did not run"
clean env LD_PRELOAD="$shim" xz -9 -c in
expect_rc 127 "the shim alone fails closed on the duplicate (status 127 before main)"
expect_grep "$tmp/err" "60-pkrtest-dup\\.policy:2:8: duplicate domain 'lzma'" "the shim names it too"
clean pkrewind check --system
expect_rc 1 "pkrewind check --system finds the duplicate"
clean pkrewind -p "$policies/liblzma.policy" --stats xz -9 -c in
expect_rc 0 "-p: the drop-ins are not read"
expect_isolated "-p with a broken policy.d"
rm -f "$dropins/60-pkrtest-dup.policy"

echo "a bad drop-in fails closed"
printf 'domain other\n    library libbz2.so.1.0\n    heep 1M\n' >"$dropins/60-pkrtest-bad.policy"
clean pkrewind xz -9 -c in
expect_rc 127 "pkrewind xz with a bad drop-in"
expect_grep "$tmp/err" "^pkrewind: $dropins/60-pkrtest-bad\\.policy:3:5: unknown directive 'heep'" \
	"the error names the bad file:line:col"
rm -f "$dropins/60-pkrtest-bad.policy" "$dropins/50-pkrtest-lzma.policy"
clean pkrewind check --system
expect_grep "$tmp/out" "no system policy" "with the drop-ins gone there is no system policy again"

if [ "$failures" -gt 0 ]; then
	echo "$failures of $checks checks failed"
	exit 1
fi
echo "all $checks checks passed"
