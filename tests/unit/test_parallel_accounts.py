"""Accounts are synced side by side, and one account's refusal does not stop the others."""

from __future__ import annotations

import threading

import pytest

from hpsync.errors import GuardRefused
from hpsync.sync.parallel import each_account, raise_first


def test_accounts_run_at_the_same_time_and_keep_their_order() -> None:
    """Both runs must be inside ``run`` together to pass the barrier."""
    barrier = threading.Barrier(2, timeout=10)

    def run(name: str) -> str:
        barrier.wait()
        return name.upper()

    assert each_account(["nord", "sud"], run) == ["NORD", "SUD"]


def test_a_refused_account_does_not_stop_the_other() -> None:
    """The refusal takes its account's place; raise_first raises it after the others ran."""
    ran: list[str] = []

    def run(name: str) -> str:
        if name == "nord":
            raise GuardRefused("too many removals", record=f"account {name}")
        ran.append(name)
        return name

    results = each_account(["nord", "sud"], run)
    assert ran == ["sud"]
    assert isinstance(results[0], GuardRefused) and results[1] == "sud"
    with pytest.raises(GuardRefused, match="too many removals"):
        raise_first(results)
    assert raise_first(["a", "b"]) == ["a", "b"]


def test_a_bug_is_not_swallowed() -> None:
    """Only hpsync's own errors are per-account outcomes; anything else propagates."""

    def run(name: str) -> str:
        raise ZeroDivisionError(name)

    with pytest.raises(ZeroDivisionError):
        each_account(["nord", "sud"], run)
