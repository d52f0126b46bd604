#!/bin/sh
# man/lint.sh - lint the man pages: any message fails the test.
#
# groff -man -ww -z (all warnings, no output) must print nothing, on its
# default device and on the terminal device man(1) uses; so must
# mandoc -T lint -W warning when mandoc is installed.  Exit 77 (skip)
# when groff is missing.

top_srcdir=${top_srcdir:-$(dirname "$0")/..}
pages="man/pkrewind.1 man/pkrewind.policy.5 man/libpkrewind.7"

groff=${GROFF:-$(command -v groff)}
if [ -z "$groff" ]; then
	echo "man/lint.sh: groff not found; skipping (Debian: apt-get install groff)"
	exit 77
fi
mandoc=${MANDOC:-$(command -v mandoc)}

status=0
for page in $pages; do
	file=$top_srcdir/$page
	if [ ! -r "$file" ]; then
		echo "$page: missing"
		status=1
		continue
	fi
	for dev in "" -Tutf8; do
		out=$(LC_ALL=C "$groff" -man -ww -z $dev "$file" 2>&1)
		if [ -n "$out" ]; then
			echo "groff -man -ww -z${dev:+ $dev} $page:"
			printf '%s\n' "$out"
			status=1
		fi
	done
	if [ -n "$mandoc" ]; then
		out=$("$mandoc" -T lint -W warning "$file" 2>&1)
		if [ -n "$out" ]; then
			echo "mandoc -T lint -W warning $page:"
			printf '%s\n' "$out"
			status=1
		fi
	fi
done
exit $status
