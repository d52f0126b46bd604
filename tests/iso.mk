## tests/iso.mk
