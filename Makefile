# Two commands do all the set-up (README): `make edition` builds, `make test` runs the tests.
# Each creates .venv from pyproject.toml on first use (and again when pyproject.toml changes).
PYTHON ?= python3
VENV := .venv
STAMP := $(VENV)/.installed

.PHONY: edition check test clean

edition: $(STAMP)
	$(VENV)/bin/python build.py

check: $(STAMP)
	$(VENV)/bin/python build.py check

test: $(STAMP)
	$(VENV)/bin/python -m pytest

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/python -m pip install --quiet --upgrade pip
	$(VENV)/bin/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

clean:
	rm -rf build
