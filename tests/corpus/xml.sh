#!/bin/sh
# xml: Debian's xsltproc and xmllint with libxml2 (and libxslt, libexslt)
# isolated by a policy that names only the libraries.  Covers: a FILE *
# API (xsltSaveResultToFile(stdout)), data objects the program uses
# through copy relocations (xmlFree, xsltMaxDepth, version numbers), a
# library used by another, non-isolated library (libxml2 alone: libxslt
# calls it), C++ in the namespace (libxml2 needs ICU), an error path,
# a document in ISO-8859-2 (libxml2's iconv needs a gconv module, which
# glibc loads itself: it faulted in read mode before the runtime sent
# iconv to the program's C library), and two domains where one library
# needs the other (refused, status 127, with the reason).
. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/corpus/common.sh"

need_pku
need_shim
need_progs xsltproc xmllint

corpus_case xsltproc write,read libxml2.so.2 libxslt.so.1 libexslt.so.0 -- \
	xsltproc "$data/sort.xsl" "$data/doc.xml"
corpus_case xmllint-format write,read libxml2.so.2 -- xmllint --format "$data/doc.xml"
corpus_case xmllint-xpath write,read libxml2.so.2 -- xmllint --xpath '//book[year>1990]/title/text()' "$data/doc.xml"
corpus_case xmllint-bad write,read libxml2.so.2 -- xmllint --noout "$data/bad.xml"
corpus_case xmllint-latin2 write,read libxml2.so.2 -- xmllint "$data/latin2.xml"
corpus_case xmllint-latin2-utf8 write,read libxml2.so.2 -- xmllint --encode UTF-8 "$data/latin2.xml"
corpus_case xmllint-latin2-xpath write,read libxml2.so.2 -- \
	xmllint --xpath '//book[@lang="cs"]/title/text()' "$data/latin2.xml"
corpus_case xsltproc-libxml2-only write libxml2.so.2 -- \
	xsltproc "$data/sort.xsl" "$data/doc.xml"

say "two domains, libxslt's needing libxml2's: refused"
printf 'domain xml\n    library libxml2.so.2\n    trusted-memory write\ndomain xslt\n    library libxslt.so.1\n    trusted-memory write\n' >"$tmp/two.policy"
shim "$tmp/two.policy" xsltproc "$data/sort.xsl" "$data/doc.xml" >"$tmp/out" 2>"$tmp/err"
test $st -eq 127 || { show "$tmp/err" stderr; fail "two dependent domains: $(describe_status), expected 127"; }
grep -q "error: domain xslt needs .*libxml2.so.2, which domain xml isolates: name both libraries in one domain" "$tmp/err" ||
	{ show "$tmp/err" stderr; fail "two dependent domains: no error saying why"; }
! test -s "$tmp/out" || fail "two dependent domains: the program ran"
say "PASS"
