# Two commands do all the set-up (README): `make edition` builds, `make test` runs the tests.
# Each creates .venv from pyproject.toml on first use (and again when pyproject.toml changes).
PYTHON ?= python3
VENV := .venv
STAMP := $(VENV)/.installed

.PHONY: edition check test a11y reading clean

edition: $(STAMP)
	$(VENV)/bin/python build.py

check: $(STAMP)
	$(VENV)/bin/python build.py check

test: $(STAMP)
	$(VENV)/bin/python -m pytest

# Optional: DAISY Ace checks the EPUB's accessibility (WCAG, via axe-core) in Debian's Chromium
# (apt-get install chromium); Ace comes from npm, pinned in tools/ace/package-lock.json.
a11y: edition tools/ace/node_modules
	for epub in build/*.epub; do \
	  PUPPETEER_EXECUTABLE_PATH=$(CURDIR)/tools/ace/chromium node tools/ace/node_modules/@daisy/ace-cli/bin/ace.js \
	    --exiterror2 --force --outdir build/ace "$$epub" || exit 1; \
	done

# Optional: the EPUB read in a real reading engine (foliate-js, pinned in tools/reader/package-lock.json)
# in Debian's Chromium, at phone and tablet sizes and 100-200% font, and converted by Calibre
# (apt-get install chromium calibre): tests/test_reading.py, which builds the edition once.
reading: $(STAMP) tools/reader/node_modules
	READING=1 $(VENV)/bin/python -m pytest tests/test_reading.py

tools/reader/node_modules: tools/reader/package-lock.json
	cd tools/reader && npm ci --silent
	touch tools/reader/node_modules

tools/ace/node_modules: tools/ace/package-lock.json
	cd tools/ace && PUPPETEER_SKIP_DOWNLOAD=1 npm ci --silent
	touch tools/ace/node_modules

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/python -m pip install --quiet --upgrade pip
	$(VENV)/bin/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

clean:
	rm -rf build
