## tests/cli.mk: integration tests of the pkrewind command (src/pkrewind).
## Each script runs the freshly built binary ($PKREWIND_BIN); lib.sh holds
## their shared helpers.

CLI_TESTS = \
	tests/cli/usage.sh \
	tests/cli/check-shipped.sh \
	tests/cli/check.sh \
	tests/cli/symbols.sh \
	tests/cli/run.sh \
	tests/cli/completion.sh \
	tests/cli/vim.sh

TESTS += $(CLI_TESTS)
EXTRA_DIST += $(CLI_TESTS) tests/cli/lib.sh tests/data/vim
