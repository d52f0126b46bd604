# tests/cli/completion.sh - the bash completion (support/bash-completion/
# pkrewind): `complete -p`, then scripted completions: COMP_WORDS,
# COMP_CWORD, COMP_LINE and COMP_POINT set as bash sets them, _pkrewind
# called, COMPREPLY compared.  With bash-completion loaded (the Debian
# package is a test dependency: _command_offset completes commands and
# their arguments) and, for the subcommands and files, without it.
. "$top_srcdir/tests/cli/lib.sh"

comp_file="$top_srcdir/support/bash-completion/pkrewind"
bc=/usr/share/bash-completion/bash_completion
command -v bash >/dev/null 2>&1 || { echo "FAIL: bash is missing"; exit 99; }
[ -f "$bc" ] || { echo "FAIL: $bc is missing: install the Debian package bash-completion (scripts/deps.sh)"; exit 99; }

# A command of our own on PATH, and policy files to offer.
mkdir -p "$tmp/bin" "$tmp/pol/sub.d"
printf '#!/bin/sh\n' >"$tmp/bin/pkrtestcmd"
chmod +x "$tmp/bin/pkrtestcmd"
: >"$tmp/pol/a.policy"
: >"$tmp/pol/b.policy"
: >"$tmp/pol/notes.txt"

cat >"$tmp/comp.bash" <<'BASH'
# comp.bash FILE WITH_BC LINE: source the completion, complete LINE with
# the cursor at its end, print COMPREPLY sorted, one per line.
[[ $2 == yes ]] && . /usr/share/bash-completion/bash_completion
. "$1"
line=$3
read -ra COMP_WORDS <<<"$line"
[[ $line == *" " ]] && COMP_WORDS+=("")
COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
COMP_LINE=$line
COMP_POINT=${#line}
COMPREPLY=()
_pkrewind pkrewind "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}" 2>/dev/null
printf '%s\n' "${COMPREPLY[@]}" | sort -u
BASH

# expect_comp WITH_BC LINE WANT WHAT: COMPREPLY for LINE is exactly WANT
# (words separated by spaces, sorted).
expect_comp() {
	got=$(cd "$tmp/pol" && PATH="$tmp/bin:$PATH" bash --norc --noprofile "$tmp/comp.bash" \
		"$comp_file" "$1" "$2" | tr '\n' ' ' | sed 's/ $//')
	if [ "$got" = "$3" ]; then
		pass "$4: '$2' -> '$got'"
	else
		fail "$4: '$2' -> '$got', expected '$3'"
	fi
}
# expect_comp_has WITH_BC LINE WORD WHAT: COMPREPLY for LINE holds WORD.
expect_comp_has() {
	if (cd "$tmp/pol" && PATH="$tmp/bin:$PATH" bash --norc --noprofile "$tmp/comp.bash" \
		"$comp_file" "$1" "$2") | grep -qx -- "$3"; then
		pass "$4: '$2' offers '$3'"
	else
		fail "$4: '$2' does not offer '$3'"
	fi
}

echo "complete -p: the function is registered for pkrewind"
got=$(bash --norc --noprofile -c '. "$1"; complete -p pkrewind' bash "$comp_file" 2>&1)
if [ "$got" = "complete -F _pkrewind pkrewind" ]; then
	pass "complete -p pkrewind: $got"
else
	fail "complete -p pkrewind: '$got'"
fi

for bcl in yes no; do
	echo "subcommands, options and policies (bash-completion loaded: $bcl)"
	expect_comp $bcl "pkrewind sym" "symbols" "a subcommand"
	expect_comp $bcl "pkrewind ch" "check" "a subcommand"
	expect_comp $bcl "pkrewind " "check learn symbols" "the subcommands"
	expect_comp $bcl "pkrewind -p " "a.policy b.policy sub.d" "-p: policy files and directories"
	expect_comp $bcl "pkrewind --policy " "a.policy b.policy sub.d" "--policy: the same"
	expect_comp $bcl "pkrewind -v -p a" "a.policy" "-p after another option"
	expect_comp $bcl "pkrewind check " "a.policy b.policy sub.d" "check: policy files"
	expect_comp $bcl "pkrewind check a.policy b" "b.policy" "check: more policy files"
	expect_comp $bcl "pkrewind check -" "--help --quiet --system -h -q" "check's options"
	expect_comp $bcl "pkrewind check --s" "--system" "check --system"
	expect_comp $bcl "pkrewind --st" "--stats" "a run option"
	expect_comp $bcl "pkrewind --ver" "--verbose --version" "run options"
	expect_comp $bcl "pkrewind symbols -" "--help --policy -h" "symbols' options"
	expect_comp $bcl "pkrewind learn -" "-- --output --policy -o -p" "learn's options"
	expect_comp $bcl "pkrewind learn -o " "a.policy b.policy notes.txt sub.d" "learn -o: any file"
	expect_comp $bcl "pkrewind learn -p " "a.policy b.policy sub.d" "learn -p: policy files"
	echo "library sonames for symbols (ldconfig -p)"
	expect_comp_has $bcl "pkrewind symbols liblzma.so" "liblzma.so.5" "a soname from ldconfig -p"
	expect_comp_has $bcl "pkrewind symbols --policy libc.so" "libc.so.6" "after --policy"
	expect_comp $bcl "pkrewind symbols ./a.p" "./a.policy" "a path: files"
	echo "commands"
	expect_comp_has $bcl "pkrewind pkrtest" "pkrtestcmd" "no subcommand matches: a command"
	expect_comp_has $bcl "pkrewind -- pkrtest" "pkrtestcmd" "after --"
	expect_comp_has $bcl "pkrewind -p a.policy pkrtest" "pkrtestcmd" "after the options"
	expect_comp_has $bcl "pkrewind learn -p a.policy -o o.policy -- pkrtest" "pkrtestcmd" "learn: after --"
done

echo "the command's own completion after it (_command_offset)"
expect_comp_has yes "pkrewind -p a.policy xz --ke" "--keep" "xz's options"
expect_comp_has yes "pkrewind -- xz --ke" "--keep" "xz's options after --"
expect_comp_has yes "pkrewind -p a.policy -- check " "notes.txt" \
	"a command named check after --: any file, not check's policies"

finish
