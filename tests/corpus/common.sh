# tests/corpus/common.sh - sourced by the real-program corpus tests (not
# a test itself).
#
# Everything tests/iso/common.sh provides, plus:
#   $data                   tests/data/corpus (inputs)
#   need_progs PROG...      each program is installed, else a hard error
#                           (scripts/check installs them: the corpus must
#                           never pass by not running)
#   policy FILE MODE LIB... write a policy of one domain naming LIBs, in
#                           trusted-memory MODE (what a new user writes)
#   corpus_case NAME MODES LIB... -- CMD...
#                           run CMD plainly, then under the shim for each
#                           mode in MODES (comma-separated: write,read),
#                           with a policy naming only LIBs; fail unless
#                           the status, stdout and stderr (without the
#                           shim's stats lines) are byte-identical, the
#                           domain took calls through the gate, and none
#                           faulted.  Says one "ok" line per mode.
. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/iso/common.sh"

data=$top_srcdir/tests/data/corpus

need_progs() {
	for p in "$@"; do
		command -v "$p" >/dev/null 2>&1 ||
			hard_error "'$p' is not installed: scripts/check installs the corpus's programs (scripts/deps.sh)"
	done
}

policy() {
	_f=$1 _m=$2; shift 2
	{ echo "domain corpus"
	  for _l in "$@"; do echo "    library $_l"; done
	  echo "    trusted-memory $_m"; } >"$_f"
}

corpus_case() {
	_name=$1 _modes=$2; shift 2
	_libs=
	while test "$1" != --; do _libs="$_libs $1"; shift; done
	shift
	plain "$@" >"$tmp/plain.out" 2>"$tmp/plain.err"
	_pst=$st
	case $_pst in 124|12[89]|1[3-9][0-9]) show "$tmp/plain.err" stderr
		hard_error "$_name: the program itself failed without the shim ($(describe_status))" ;;
	esac
	for _m in $(echo "$_modes" | tr , ' '); do
		# shellcheck disable=SC2086
		policy "$tmp/$_name-$_m.policy" "$_m" $_libs
		extra_env=PKREWIND_STATS=1 shim "$tmp/$_name-$_m.policy" "$@" >"$tmp/out" 2>"$tmp/err.all"
		extra_env=
		grep -v '^pkrewind\[[0-9]*\]: stats: ' "$tmp/err.all" >"$tmp/err"
		test "$st" = "$_pst" || { show "$tmp/err.all" stderr;
			fail "$_name ($_m): $(describe_status), without the shim status $_pst"; }
		cmp -s "$tmp/plain.out" "$tmp/out" || { show "$tmp/err.all" stderr;
			fail "$_name ($_m): standard output differs from the plain run"; }
		cmp -s "$tmp/plain.err" "$tmp/err" || { diff "$tmp/plain.err" "$tmp/err" | head -n 10;
			fail "$_name ($_m): standard error differs from the plain run"; }
		_line=$(grep '^pkrewind\[[0-9]*\]: stats: domain corpus: ' "$tmp/err.all" | tail -n 1)
		_calls=$(echo "$_line" | sed -n 's/.*: calls \([0-9]*\), faults \([0-9]*\).*/\1/p')
		_faults=$(echo "$_line" | sed -n 's/.*: calls \([0-9]*\), faults \([0-9]*\).*/\2/p')
		test -n "$_calls" && test "$_calls" -gt 0 || { show "$tmp/err.all" stderr;
			fail "$_name ($_m): no call went through the gate (not isolated?)"; }
		test "$_faults" = 0 || { show "$tmp/err.all" stderr; fail "$_name ($_m): $_faults faults"; }
		say "ok: $_name ($_m): identical, $_calls calls through the gate, status $_pst"
	done
}
