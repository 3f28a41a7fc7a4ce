"""Shared test setup: Hypothesis profiles and the rule for external services.

Services (PostgreSQL, Redis, Chromium) are real. When one is missing a test fails under
``CI=true`` and skips with a visible reason elsewhere: CI never silently skips.
"""

from __future__ import annotations

import os
import socket

import pytest
from hypothesis import HealthCheck, settings

settings.register_profile(
    "fast", max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile(
    "thorough", max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "fast"))


def port_open(host: str, port: int, timeout: float = 0.5) -> bool:
    """True when something accepts TCP connections on host:port."""
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


def require(condition: bool, reason: str) -> None:
    """Fail under CI, skip elsewhere, when a real dependency of the test is missing."""
    if condition:
        return
    if os.environ.get("CI", "").lower() in {"1", "true", "yes"}:
        pytest.fail(f"required service missing under CI: {reason}")
    pytest.skip(reason)


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--clock",
        default=os.environ.get("HPSYNC_TEST_CLOCK", ""),
        help="Run the tests as if now were this ISO-8601 instant (with its offset): hpsync's "
        "one clock, in this process and every process a test starts, starts from it.",
    )


def pytest_configure(config: pytest.Config) -> None:
    """Set hpsync's clock for the whole session when ``--clock`` is given."""
    from datetime import datetime

    from hpsync import clock

    instant = config.getoption("--clock")
    if instant:
        os.environ[clock.ENV] = clock.environment_value(datetime.fromisoformat(instant))


def pytest_report_header(config: pytest.Config) -> str:
    from hpsync import clock

    return f"hpsync clock: {clock.now().isoformat(timespec='seconds')}"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """The long M-school tests first: with several workers (``-n``) they start at once
    and the short ones fill the other workers around them, instead of trailing at the end."""
    items.sort(key=lambda item: 0 if item.get_closest_marker("slow") else 1)
