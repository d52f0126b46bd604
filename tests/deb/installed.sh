# tests/deb/installed.sh DEB [BUILDDIR] - the installed package works, and
# leaves nothing behind.  Run by scripts/deb after it built DEB; needs root
# (CI machines are throwaway).  Refuses to run if pkrewind is installed
# already: it installs the package and purges it, whatever happens.
#
# 1. apt-get install DEB; `dpkg -L` kept for step 6.
# 2. The layout: the command, the shim and the runtime in the multiarch
#    pkrewind/ directory, policies, man pages, completion, Vim files,
#    /etc/pkrewind/policy.d; each path the man pages' FILES sections give
#    for the package exists; `pkrewind --version` is the package's.
# 3. No RPATH/RUNPATH in the installed ELF files, and no build path in any
#    installed file (BUILDDIR, where the package was built, and this tree).
# 4. tests/deb/run-installed.sh: xz under the installed liblzma policy
#    byte-identical to plain xz, the policy.d semantics.  It needs
#    protection keys: natively where /proc/cpuinfo has pku and ospke, else
#    (or with PKREWIND_FORCE_GUEST=1) in the Linux 6.1 QEMU guest
#    (scripts/guest), never skipped.
# 5. bash-completion loads the installed completion (complete -p), and Vim
#    with Debian's runtimepath finds the installed syntax.
# 6. dpkg --purge: no file of the package is left.
set -u
deb=${1:?usage: tests/deb/installed.sh DEB [BUILDDIR]}
builddir=${2:-}
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
case $deb in /*) ;; *) deb=$PWD/$deb ;; esac

failures=0
checks=0
pass() { checks=$((checks + 1)); printf 'ok: %s\n' "$*"; }
fail() { checks=$((checks + 1)); failures=$((failures + 1)); printf 'FAIL: %s\n' "$*"; }
hard() { echo "FAIL: $*"; exit 99; }

[ "$(id -u)" -eq 0 ] || hard "needs root: it installs and purges the package"
[ -f "$deb" ] || hard "$deb: no such file"
if dpkg-query -W -f='${Status}\n' pkrewind 2>/dev/null | grep -q ' installed$'; then
	hard "the package pkrewind is installed already: this test would purge it (dpkg --purge pkrewind first)"
fi
multiarch=$(dpkg-architecture -qDEB_HOST_MULTIARCH 2>/dev/null || gcc -print-multiarch)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/pkrewind-deb-test.XXXXXX") || hard "mktemp -d failed"
installed=no
cleanup() {
	if [ "$installed" = yes ]; then
		rm -f /etc/pkrewind/policy.d/*pkrtest*
		dpkg --purge pkrewind >/dev/null 2>&1
	fi
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' HUP INT TERM

echo "1. install $(basename "$deb")"
if DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "$deb" >"$tmp/apt.log" 2>&1; then
	installed=yes
	pass "apt-get install ./$(basename "$deb")"
else
	sed 's/^/    /' "$tmp/apt.log" | tail -n 20
	hard "apt-get install $deb failed"
fi
dpkg -L pkrewind | sort >"$tmp/files"
version=$(dpkg-query -W -f='${Version}' pkrewind)

echo "2. the layout"
for f in /usr/bin/pkrewind \
	"/usr/lib/$multiarch/pkrewind/libpkrewind.so" \
	"/usr/lib/$multiarch/pkrewind/libpkrewind-rt.so" \
	/usr/share/pkrewind/policies/liblzma.policy \
	/usr/share/pkrewind/policies/libbz2.policy \
	/usr/share/pkrewind/policies/libz.policy \
	/usr/share/pkrewind/policies/brotli.policy \
	/usr/share/pkrewind/policies/libsodium.policy \
	/usr/share/pkrewind/policies/examples/domain.policy \
	/usr/share/man/man1/pkrewind.1.gz \
	/usr/share/man/man5/pkrewind.policy.5.gz \
	/usr/share/man/man7/libpkrewind.7.gz \
	/usr/share/bash-completion/completions/pkrewind \
	/usr/share/vim/vimfiles/syntax/pkrewind.vim \
	/usr/share/vim/vimfiles/ftdetect/pkrewind.vim \
	/etc/pkrewind/policy.d; do
	if grep -qxF "$f" "$tmp/files" && [ -e "$f" ]; then pass "installed: $f"; else fail "not installed: $f"; fi
done
bad=$(grep -E '\.la$|^/usr/local|^/usr/lib/[^/]*\.so' "$tmp/files")
[ -z "$bad" ] && pass "no .la file, nothing in /usr/local or on the linker's path" ||
	fail "unexpected files: $bad"
got=$(env -i PATH=/usr/bin:/bin /usr/bin/pkrewind --version)
[ "$got" = "pkrewind $version" ] && pass "pkrewind --version: '$got' is the package's version" ||
	fail "pkrewind --version: '$got', the package is $version"
env -i PATH=/usr/bin:/bin /usr/bin/pkrewind --help >"$tmp/help"
for p in /etc/pkrewind/policy /etc/pkrewind/policy.d "/usr/lib/$multiarch/pkrewind/libpkrewind.so"; do
	grep -qF "$p" "$tmp/help" && pass "--help names $p" || fail "--help does not name $p"
done
# Each path a FILES section gives for the package (not the /usr/local
# ones of a build from source) exists: a glob's directory, else the path.
for m in /usr/share/man/man1/pkrewind.1.gz /usr/share/man/man5/pkrewind.policy.5.gz \
	/usr/share/man/man7/libpkrewind.7.gz; do
	zcat "$m" | sed -n '/^\.SH FILES/,/^\.SH /p' | sed 's/\\-/-/g; s/\\fP//g; s/\\fI//g; s/\\fB//g' |
		grep -o '/\(usr\|etc\)/[^ ,;)"]*' | grep -v '^/usr/local' | sed 's/[.]$//' | sort -u >"$tmp/paths"
	n=0
	while IFS= read -r p; do
		case $p in *'*'*) p=${p%/*} ;; esac
		n=$((n + 1))
		if [ "$p" = /etc/pkrewind/policy ]; then
			# the administrator's file: not shipped, its directory is
			[ -d /etc/pkrewind ] && pass "$(basename "$m" .gz) FILES: $p (the administrator's; /etc/pkrewind exists)" ||
				fail "$(basename "$m" .gz) FILES names $p, but there is no /etc/pkrewind"
		elif [ -e "$p" ]; then
			pass "$(basename "$m" .gz) FILES: $p exists"
		else
			fail "$(basename "$m" .gz) FILES names $p, which the package does not install"
		fi
	done <"$tmp/paths"
	[ "$n" -gt 0 ] || fail "$(basename "$m" .gz): no path in its FILES section"
done

echo "3. no build directory in the installed binaries"
while IFS= read -r f; do
	[ -f "$f" ] && [ ! -L "$f" ] || continue
	if [ "$(head -c 4 "$f" | od -An -c | tr -d ' ')" = 177ELF ]; then
		if readelf -d "$f" | grep -Eq '\((RPATH|RUNPATH)\)'; then
			fail "$f has $(readelf -d "$f" | grep -E '\((RPATH|RUNPATH)\)')"
		else
			pass "$f: no RPATH or RUNPATH"
		fi
	fi
	for d in "$builddir" "$top_srcdir" "$(cd "$top_srcdir" && pwd -P)"; do
		[ -n "$d" ] || continue
		if grep -qaF -- "$d" "$f"; then
			fail "$f contains the build path $d"
			echo x >>"$tmp/pathhits"
		fi
	done
done <"$tmp/files"
[ -s "$tmp/pathhits" ] || pass "no installed file contains ${builddir:+$builddir or }$top_srcdir"

echo "4. programs under the installed shim"
if [ "${PKREWIND_FORCE_GUEST:-0}" != 1 ] && grep -qw pku /proc/cpuinfo && grep -qw ospke /proc/cpuinfo; then
	echo "(natively: this machine has protection keys)"
	sh "$top_srcdir/tests/deb/run-installed.sh" "$multiarch" >"$tmp/run.log" 2>&1
	rc=$?
else
	echo "(no protection keys here, or PKREWIND_FORCE_GUEST=1: in the Linux 6.1 QEMU guest)"
	sh "$top_srcdir/scripts/guest" --kernel 6.1 -- \
		sh "$top_srcdir/tests/deb/run-installed.sh" "$multiarch" >"$tmp/run.log" 2>&1
	rc=$?
fi
cat "$tmp/run.log"
checks=$((checks + $(grep -c '^\(ok\|FAIL\): ' "$tmp/run.log")))
failures=$((failures + $(grep -c '^FAIL: ' "$tmp/run.log")))
[ "$rc" -eq 0 ] || [ "$(grep -c '^FAIL: ' "$tmp/run.log")" -gt 0 ] || fail "run-installed.sh exited with $rc"

echo "5. completion and Vim, as installed"
got=$(bash --norc --noprofile -c '. /usr/share/bash-completion/bash_completion
	__load_completion pkrewind && complete -p pkrewind' 2>&1)
[ "$got" = "complete -F _pkrewind pkrewind" ] && pass "bash-completion loads it: $got" ||
	fail "bash-completion: '$got'"
got=$(cd /usr/share/pkrewind/policies && bash --norc --noprofile -c '
	. /usr/share/bash-completion/bash_completion; __load_completion pkrewind
	COMP_WORDS=(pkrewind -p libl); COMP_CWORD=2; COMP_LINE="pkrewind -p libl"; COMP_POINT=16
	_pkrewind pkrewind libl -p 2>/dev/null; printf "%s\n" "${COMPREPLY[@]}"')
[ "$got" = liblzma.policy ] && pass "pkrewind -p libl<TAB> -> liblzma.policy" ||
	fail "pkrewind -p libl<TAB> -> '$got'"
cat >"$tmp/vim.vim" <<'VIM'
call writefile([&filetype, get(b:, 'current_syntax', ''),
      \ synIDattr(synID(search('^domain'), 1, 1), 'name'),
      \ globpath(&rtp, 'syntax/pkrewind.vim')], $OUT)
qa!
VIM
# defaults.vim turns on filetype detection; syntax only with colours, so
# Ex mode turns it on itself.
OUT="$tmp/vim.out" HOME="$tmp" vim -es -n -N -u DEFAULTS -i NONE \
	-c 'syntax on' -c 'edit /usr/share/pkrewind/policies/liblzma.policy' -S "$tmp/vim.vim" </dev/null >/dev/null 2>&1
if [ "$(sed -n 1,3p "$tmp/vim.out" 2>/dev/null | tr '\n' ' ')" = "pkrewind pkrewind pkrDirective " ] &&
   grep -qx /usr/share/vim/vimfiles/syntax/pkrewind.vim "$tmp/vim.out"; then
	pass "vim (Debian's runtimepath) detects a policy and highlights it with /usr/share/vim/vimfiles/syntax/pkrewind.vim"
else
	fail "vim: $(tr '\n' ' ' <"$tmp/vim.out" 2>/dev/null)"
fi

echo "6. dpkg --purge leaves nothing"
rm -f /etc/pkrewind/policy.d/*pkrtest*
if dpkg --purge pkrewind >"$tmp/purge.log" 2>&1; then
	installed=no
	pass "dpkg --purge pkrewind"
else
	fail "dpkg --purge pkrewind: $(cat "$tmp/purge.log")"
fi
left=0
while IFS= read -r f; do
	[ -e "$f" ] || [ -L "$f" ] || continue
	[ "$f" != /. ] || continue
	if [ -d "$f" ] && dpkg-query -S "$f" >/dev/null 2>&1; then
		continue        # a directory another package owns (/usr/share/man, ...)
	fi
	fail "left behind: $f"
	left=$((left + 1))
done <"$tmp/files"
[ "$left" -eq 0 ] && pass "none of the $(wc -l <"$tmp/files") paths of dpkg -L is left (but directories other packages own)"
[ ! -e /etc/pkrewind ] && pass "/etc/pkrewind is gone" || fail "/etc/pkrewind is left"

if [ "$failures" -gt 0 ]; then
	echo "$failures of $checks checks failed"
	exit 1
fi
echo "all $checks checks passed"
