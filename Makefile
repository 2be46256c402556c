# Everything creates .venv itself on a fresh machine: `make demo`, `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint typecheck bench clean system-deps

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $(STAMP)

# What pip cannot install, from Debian's packages (as root, or with sudo): Chromium for the
# real-browser test of report.html, Pango and HarfBuzz for WeasyPrint's PDF reports.
SYSTEM_PACKAGES := chromium libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
system-deps:
	$(SUDO) apt-get update -qq
	$(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $(SYSTEM_PACKAGES)

demo: $(STAMP)
	$(BIN)/spytrace demo --output demo-output --force

test: $(STAMP)
	$(BIN)/pytest

lint: $(STAMP)
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/mypy

typecheck: $(STAMP)
	$(BIN)/mypy

# BENCH_ARGS=--full adds size L and 1M indicators (hours, with MVT); --quick is a smoke test.
BENCH_ARGS ?=
$(VENV)/.bench-installed: pyproject.toml $(STAMP)
	$(BIN)/pip install --quiet -e ".[dev,bench]"
	touch $@

bench: $(VENV)/.bench-installed
	$(BIN)/python -m bench.run_all $(BENCH_ARGS)

clean:
	rm -rf $(VENV) demo-output bench/out .pytest_cache .mypy_cache .ruff_cache
