# tests/cli/vim.sh - the Vim syntax and filetype detection of policy files
# (support/vim/): vim in Ex mode loads a file and the test asserts the
# syntax group (synIDattr(synID(line, col, 1), 'name')) at chosen places
# of tests/data/vim/sample.policy; every directive, mode and argument
# kind the parser knows (read from its tables in src/) is highlighted as
# one; no line of the shipped policies starts with what the syntax calls
# an unknown directive.  vim (the Debian package) is a test dependency.
. "$top_srcdir/tests/cli/lib.sh"

command -v vim >/dev/null 2>&1 || { echo "FAIL: vim is missing: install the Debian package vim (scripts/deps.sh)"; exit 99; }
rtp="$top_srcdir/support/vim"
sample="$top_srcdir/tests/data/vim/sample.policy"

# The checker: SPEC holds "LINE COL GROUP" lines (GROUP "-" for none);
# LINE "*" means the first non-blank of every line, which must not be
# GROUP.  Writes one "ok: ..." or "FAIL: ..." line each to OUT, and the
# filetype first.
cat >"$tmp/check.vim" <<'VIM'
let out = ['filetype ' . &filetype]
for s in readfile($SPEC)
  let [l, c, want] = split(s)
  if l ==# '*'
    for n in range(1, line('$'))
      let col = match(getline(n), '\S') + 1
      if col > 0 && getline(n)[col - 1] !=# '#'
        let got = synIDattr(synID(n, col, 1), 'name')
        if got ==# want
          call add(out, 'FAIL: ' . expand('%:t') . ':' . n . ' starts with ' . want . ': ' . getline(n))
        endif
      endif
    endfor
    call add(out, 'ok: ' . expand('%:t') . ': no line starts with ' . want)
    continue
  endif
  let got = synIDattr(synID(str2nr(l), str2nr(c), 1), 'name')
  let got = got ==# '' ? '-' : got
  let word = matchstr(getline(str2nr(l)), '\%' . c . 'c\S*')
  call add(out, (got ==# want ? 'ok: ' : 'FAIL: ') . l . ':' . c . ' (' . word . ') is ' . got
        \ . (got ==# want ? '' : ', expected ' . want))
endfor
call writefile(out, $OUT)
qa!
VIM

# vim_check FILE SPEC: run the checker on FILE; its lines become checks.
# -n: no swap file (distcheck's source tree is read-only).
vim_check() {
	rm -f "$tmp/out"
	SPEC=$2 OUT="$tmp/out" vim -es -n -N -u NONE -i NONE --cmd "set rtp^=$rtp" \
		-c 'filetype on' -c 'syntax on' -c "edit $1" -S "$tmp/check.vim" </dev/null >/dev/null 2>&1
	if [ ! -s "$tmp/out" ]; then
		fail "vim wrote no result for $1"
		return
	fi
	if [ "$(head -n 1 "$tmp/out")" = "filetype pkrewind" ]; then
		pass "$(basename "$1"): filetype pkrewind"
	else
		fail "$(basename "$1"): $(head -n 1 "$tmp/out"), expected filetype pkrewind"
	fi
	tail -n +2 "$tmp/out" | while IFS= read -r r; do echo "$r"; done
	checks=$((checks + $(tail -n +2 "$tmp/out" | wc -l)))
	failures=$((failures + $(grep -c '^FAIL' "$tmp/out")))
}

echo "the sample: the group at chosen places"
cat >"$tmp/spec" <<'SPEC'
1 1 pkrComment
1 76 pkrTodo
2 1 pkrInclude
2 9 pkrPath
3 1 pkrDirective
3 8 pkrDomainName
4 5 pkrDirective
4 13 pkrLibrary
5 5 pkrDirective
5 20 pkrMode
6 14 pkrMode
7 16 pkrMode
8 16 pkrMode
9 5 pkrDirective
9 16 pkrNumber
10 10 pkrSize
11 11 pkrSize
12 16 pkrSize
13 5 pkrDirective
13 18 pkrValueNum
13 21 pkrErrnoWord
13 27 pkrErrno
14 5 pkrDirective
14 12 pkrStructName
14 24 pkrSizeWord
14 29 pkrSize
15 9 pkrDirective
15 15 pkrFieldName
15 26 pkrFieldOffset
15 29 pkrArgKind
15 33 pkrLength
16 29 pkrArgKind
17 29 pkrArgKind
17 40 pkrComment
18 14 pkrFunction
18 25 pkrStructArg
18 32 pkrStructRef
18 45 pkrArgNone
18 48 pkrReturnWord
18 61 pkrValueNum
18 64 pkrErrnoWord
18 70 pkrErrno
19 43 pkrArgKind
19 61 pkrValue
20 14 pkrFunction
20 20 pkrArgKind
20 25 pkrLenArg
20 35 pkrLenOp
20 37 pkrArgNum
20 39 pkrLenOp
20 46 pkrArgKind
20 61 pkrLenArg
20 72 pkrErrnoWord
20 78 pkrErrno
21 17 pkrArgKind
21 22 pkrArgNum
21 26 pkrArgNone
21 29 pkrArgKind
21 39 pkrArgKind
21 60 pkrValue
21 71 pkrErrnoNum
22 17 pkrArgKind
22 21 pkrArgKind
22 29 pkrArgKind
22 35 pkrArgKind
22 58 pkrValueNum
22 70 pkrErrno
23 13 pkrLibrary
23 16 pkrLibrary
24 1 pkrUnknown
25 8 pkrDomainName
26 20 pkrMode
27 14 pkrMode
28 16 pkrMode
29 16 pkrMode
30 18 pkrValue
30 29 pkrErrno
SPEC
vim_check "$sample" "$tmp/spec"

echo "true to the parser: its directive, mode and argument tables"
src="$top_srcdir/src"
# `[D_X] = "name",` and `[PKR_..._X] = "word",` in policy_directives.c
directives=$(sed -n 's/^\t\[D_[A-Z_]*\] = "\([a-z-]*\)",$/\1/p' "$src/policy_directives.c")
modes=$(sed -n 's/^\t\[PKR_\(TRUST\|ON_FAULT\|NO_KEYS\|EXC\)_[A-Z_]*\] = "\([a-z-]*\)",$/\2/p' "$src/policy_directives.c")
# the annotation words of policy_args.c (its spelling-suggestion lists)
kinds=$(sed -n '/^\t"in", "out"/{s/[",]/ /g;p}' "$src/policy_args.c" | tr ' \t' '\n\n' | grep -v '^$' | sort -u)
# the errno names of spell.c: its table for C libraries without
# strerrorname_np, and its aliases
errnos=$(grep -o 'E(E[A-Z0-9]*)\|{ "E[A-Z0-9]*", E' "$src/spell.c" | grep -o 'E[A-Z0-9][A-Z0-9]*' | sort -u)
ndir=$(echo "$directives" | wc -w); nmode=$(echo "$modes" | wc -w)
nkind=$(echo "$kinds" | wc -w); nerr=$(echo "$errnos" | wc -w)
if [ "$ndir" -ge 15 ] && [ "$nmode" -ge 10 ] && [ "$nkind" -ge 8 ] && [ "$nerr" -ge 30 ]; then
	pass "read $ndir directives, $nmode modes, $nkind argument words, $nerr errno names from src/"
else
	fail "read $ndir directives, $nmode modes, $nkind argument words, $nerr errno names from src/ (a table changed shape?)"
fi
: >"$tmp/words.policy"
: >"$tmp/spec"
n=0
for d in $directives; do
	n=$((n + 1))
	echo "$d x" >>"$tmp/words.policy"
	if [ "$d" = include ]; then echo "$n 1 pkrInclude"; else echo "$n 1 pkrDirective"; fi >>"$tmp/spec"
done
for m in $modes; do
	n=$((n + 1))
	echo "    on-fault $m" >>"$tmp/words.policy"
	echo "$n 14 pkrMode" >>"$tmp/spec"
done
for k in $kinds; do
	n=$((n + 1))
	echo "    function f ($k)" >>"$tmp/words.policy"
	if [ "$k" = struct ]; then echo "$n 17 pkrStructArg"; else echo "$n 17 pkrArgKind"; fi >>"$tmp/spec"
done
for e in $errnos; do
	n=$((n + 1))
	echo "    fault-return 1 errno $e" >>"$tmp/words.policy"
	echo "$n 28 pkrErrno" >>"$tmp/spec"
done
vim_check "$tmp/words.policy" "$tmp/spec"

echo "the shipped policies and examples: no line starts with an unknown directive"
echo "* 0 pkrUnknown" >"$tmp/spec"
for f in "$top_srcdir"/policy/*.policy "$top_srcdir"/policy/examples/*.policy; do
	vim_check "$f" "$tmp/spec"
done

echo "filetype detection: the system and user policy file names"
mkdir -p "$tmp/etc/pkrewind"
cp "$sample" "$tmp/etc/pkrewind/policy"
printf '3 1 pkrDirective\n' >"$tmp/spec"
vim_check "$tmp/etc/pkrewind/policy" "$tmp/spec"

finish
