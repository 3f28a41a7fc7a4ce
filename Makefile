# hpsync — the two commands: `make demo` (main job) and `make test` (lint, types, tests).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp

.PHONY: demo test lint typecheck pytest services browser chaos bench clean

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[dev]'
	@touch $(STAMP)

demo: $(STAMP)
	$(BIN)/hpsync demo

services:
	@bash scripts/services.sh

browser:
	@bash scripts/browser.sh

lint: $(STAMP)
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/lint-imports

typecheck: $(STAMP)
	$(BIN)/mypy

# Time is an input: after the run on today's clock, the suite (but its M-school runs) runs
# again with hpsync's clock set to fixed instants: a summer night, New Year's small hours.
CLOCKS ?= 2027-07-20T03:00:00+02:00 2027-01-01T00:30:00+01:00

pytest: $(STAMP) services browser
	$(BIN)/python -m pytest $(PYTEST_ARGS)
	@for at in $(CLOCKS); do \
		echo "== tests at $$at"; \
		$(BIN)/python -m pytest -q -p no:cacheprovider -m "not slow" --clock=$$at $(PYTEST_ARGS) || exit 1; \
	done

test: lint typecheck pytest

# SIGKILL `hpsync sync` / `hpsync attendance` at random instants, rerun, compare with an
# uninterrupted run; exits 1 on a duplicate or a lost mark (CHAOS_ARGS="--size M" ...).
chaos: $(STAMP) services
	HYPOTHESIS_PROFILE=thorough $(BIN)/python -m pytest tests/proof/test_sync_machine.py -p no:cacheprovider
	$(BIN)/python -m bench.chaos $(CHAOS_ARGS)

bench: $(STAMP)
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache
