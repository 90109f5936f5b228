# qdms: the two commands a newcomer types are `make demo` and `make test`.
# Each target creates .venv if it is missing and installs what it needs.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP_RUN := $(VENV)/.qdms-installed
STAMP_TEST := $(VENV)/.qdms-test-installed
OUT ?= out

.PHONY: demo test test-slow test-deep bench lint format figures clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP_RUN): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(STAMP_TEST): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@ $(STAMP_RUN)

demo: $(STAMP_RUN)
	$(BIN)/qdms run examples/metro-sensing.yaml -o $(OUT)/metro-sensing
	@echo "open $(OUT)/metro-sensing/report.html (or report.md) to read the report"

# The report test screenshots report.html with Debian's headless chromium: install it once
# per machine when missing (best effort; the test skips with a message where it cannot).
test: $(STAMP_TEST)
	@command -v chromium >/dev/null 2>&1 || { \
		echo "installing Debian's chromium for the report screenshot test (once per machine)..."; \
		(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium) >/dev/null 2>&1 \
		|| echo "chromium could not be installed: the screenshot test will be skipped"; }
	$(BIN)/python -m pytest -q

test-slow: $(STAMP_TEST)
	$(BIN)/python -m pytest -q -m slow

# Property tests with 2000 fresh random examples each (CI's profile is fixed and small).
test-deep: $(STAMP_TEST)
	QDMS_HYPOTHESIS_PROFILE=deep $(BIN)/python -m pytest -q -p no:cacheprovider $$( \
		grep -rl --include='*.py' '@given' tests)

bench: $(STAMP_RUN)
	$(BIN)/python -m benchmarks

lint: $(STAMP_TEST)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks

format: $(STAMP_TEST)
	$(BIN)/ruff format src tests benchmarks
	$(BIN)/ruff check --fix src tests benchmarks

figures: $(STAMP_RUN)
	$(BIN)/qdms figures $(OUT)/figures

clean:
	rm -rf $(VENV) $(OUT) .pytest_cache .ruff_cache
