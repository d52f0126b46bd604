## tests/unit.mk: Check unit tests of the policy language and the logger,
## the layer check of src/ (tests/layers.sh, scripts/layers), and the policy parser's fuzz target (make fuzz / make fuzz-run, not
## part of make check).

check_PROGRAMS += tests/check_policy tests/check_log
TESTS += tests/check_policy tests/check_log tests/layers.sh
EXTRA_DIST += tests/layers.sh

tests_check_policy_SOURCES = tests/check_policy.c
tests_check_policy_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
tests_check_policy_LDADD = src/libpkrcommon.la $(CHECK_LIBS)

tests_check_log_SOURCES = tests/check_log.c
tests_check_log_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
tests_check_log_LDADD = src/libpkrcommon.la $(CHECK_LIBS)

EXTRA_DIST += tests/data/policy tests/fuzz/fuzz_policy.c tests/fuzz/policy.dict

# ---- fuzzing (libFuzzer; needs clang) ---------------------------------
# make fuzz                      build tests/fuzz/fuzz_policy
# make fuzz-run FUZZ_SECONDS=600 run it on tests/fuzz/corpus, seeded from
#                                tests/data/policy/ and policy/
FUZZ_SECONDS = 60
FUZZ_FLAGS = -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined -g -O1 \
	-iquote $(top_srcdir)/src -I$(top_builddir)
FUZZ_SRC = $(srcdir)/tests/fuzz/fuzz_policy.c $(srcdir)/src/policy.c \
	$(srcdir)/src/policy_lex.c $(srcdir)/src/policy_directives.c \
	$(srcdir)/src/arena.c $(srcdir)/src/diag.c $(srcdir)/src/spell.c \
	$(srcdir)/src/libmatch.c $(srcdir)/src/log.c

fuzz: tests/fuzz/fuzz_policy

tests/fuzz/fuzz_policy: $(FUZZ_SRC) $(srcdir)/src/policy.h $(srcdir)/src/policy_int.h $(srcdir)/src/log.h config.h
	@if test -z "$(CLANG)"; then \
	  echo "make fuzz: clang was not found by configure (install clang)" >&2; exit 1; fi
	@$(MKDIR_P) tests/fuzz
	$(AM_V_CC)$(CLANG) $(FUZZ_FLAGS) -o $@ $(FUZZ_SRC)

fuzz-run: tests/fuzz/fuzz_policy
	@$(MKDIR_P) tests/fuzz/corpus
	@for f in $(srcdir)/tests/data/policy/*.policy $(srcdir)/policy/*.policy; do \
	  if test -f "$$f"; then cp "$$f" tests/fuzz/corpus/; fi; done
	tests/fuzz/fuzz_policy -max_total_time=$(FUZZ_SECONDS) -max_len=4096 \
	  -dict=$(srcdir)/tests/fuzz/policy.dict -artifact_prefix=tests/fuzz/ \
	  -print_final_stats=1 tests/fuzz/corpus

.PHONY: fuzz fuzz-run
CLEANFILES += tests/fuzz/fuzz_policy
