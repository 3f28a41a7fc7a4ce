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

# Time is an input: after the run on today's clock, the date-sensitive suites (engine,
# flows, stores, alerts, the calendar scenarios, the demo, schedules and the dashboard) run
# again with hpsync's clock on a summer night, and the core once more in New Year's small
# hours. The main run prints its slowest tests: `make test` must stay well under 20 min.
CLOCK_FULL ?= 2027-07-20T03:00:00+02:00
CLOCK_CORE ?= 2027-01-01T00:30:00+01:00
CORE_TESTS ?= tests/unit tests/integration tests/proof tests/trust tests/alerts tests/state tests/config
CLOCK_TESTS ?= $(CORE_TESTS) tests/e2e/test_calendar_e2e.py tests/e2e/test_demo.py \
	tests/e2e/test_incremental_attendance_e2e.py tests/worker/test_quiet_hours.py \
	tests/worker/test_schedule.py tests/worker/test_cli_e2e.py tests/web

# Tests run on every core (pytest-xdist; PYTEST_JOBS=1 runs them in one process).
PYTEST_JOBS ?= auto
XDIST := -n $(PYTEST_JOBS)

pytest: $(STAMP) services browser
	$(BIN)/python -m pytest $(XDIST) --durations=25 $(PYTEST_ARGS)
	@echo "== date-sensitive tests at $(CLOCK_FULL)"
	$(BIN)/python -m pytest $(XDIST) -q -p no:cacheprovider -m "not slow" --clock=$(CLOCK_FULL) $(PYTEST_ARGS) $(CLOCK_TESTS)
	@echo "== core tests at $(CLOCK_CORE)"
	$(BIN)/python -m pytest $(XDIST) -q -p no:cacheprovider -m "not slow" --clock=$(CLOCK_CORE) $(PYTEST_ARGS) $(CORE_TESTS)

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
