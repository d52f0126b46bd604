## tests/cli.mk
