## tests/fault.mk: rewind and reset tests (issue 4)
