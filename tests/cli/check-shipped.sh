# tests/cli/check-shipped.sh - every policy shipped in policy/ and
# policy/examples/ passes `pkrewind check` (warnings allowed).
. "$top_srcdir/tests/cli/lib.sh"

n=0
for f in "$top_srcdir"/policy/*.policy "$top_srcdir"/policy/examples/*.policy; do
	[ -e "$f" ] || continue        # an unmatched glob stays literal
	n=$((n + 1))
	echo "checking $f"
	run "$PKREWIND_BIN" check "$f"
	expect_rc 0 "pkrewind check $(basename "$f")"
	expect_grep "$tmp/out" "^$f: ok \\([0-9]+ domains?\\)\$" "$(basename "$f"): 'ok' line"
	nerr=$(count_errors "$tmp/err")
	if [ "$nerr" -eq 0 ]; then pass "$(basename "$f"): no error diagnostics"; else fail "$(basename "$f"): $nerr error diagnostics"; show; fi
done

if [ "$n" -eq 0 ]; then
	fail "no policy file found in $top_srcdir/policy/ or $top_srcdir/policy/examples/: nothing was checked"
else
	pass "$n shipped policy files checked"
	echo "all shipped policies at once"
	# shellcheck disable=SC2086
	run "$PKREWIND_BIN" check -q "$top_srcdir"/policy/*.policy "$top_srcdir"/policy/examples/*.policy
	# the unmatched glob (if one directory is empty) is a missing file: only
	# require success when both globs matched
	if ls "$top_srcdir"/policy/*.policy >/dev/null 2>&1 &&
	   ls "$top_srcdir"/policy/examples/*.policy >/dev/null 2>&1; then
		expect_rc 0 "pkrewind check -q on all $n files"
		if [ -s "$tmp/out" ]; then fail "check -q printed 'ok' lines"; show; else pass "check -q prints no 'ok' lines"; fi
	fi
fi

finish
