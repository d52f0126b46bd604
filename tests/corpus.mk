## tests/corpus.mk: the real-program corpus (issue 10): Debian programs
## run plainly and with their library isolated by a policy that names
## only the library, compared byte for byte (README.md lists them).
## They need keys (KEY_TESTS, tests/guest.mk) and the programs, which
## scripts/check installs (PKR_CORPUS_PKGS in scripts/deps.sh).
## `make check-corpus` runs only these.

CORPUS_TESTS = \
	tests/corpus/xml.sh \
	tests/corpus/tools.sh \
	tests/corpus/python.sh \
	tests/corpus/plugin.sh

EXTRA_DIST += $(CORPUS_TESTS) \
	tests/corpus/common.sh \
	tests/data/corpus/doc.xml \
	tests/data/corpus/latin2.xml \
	tests/data/corpus/sort.xsl \
	tests/data/corpus/bad.xml \
	tests/data/corpus/in.json \
	tests/data/corpus/bad.json

check-corpus:
	$(MAKE) $(AM_MAKEFLAGS) check TESTS='$(CORPUS_TESTS)'
.PHONY: check-corpus
