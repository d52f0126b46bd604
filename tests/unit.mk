## tests/unit.mk
