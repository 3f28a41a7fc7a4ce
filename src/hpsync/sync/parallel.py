"""Accounts side by side: each Edusign account has its own API key, so its own rate budget.

Syncing them one after the other would leave every budget idle but one; they share
nothing but the state store (safe across threads) and the snapshot (read only).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

from hpsync.errors import HpsyncError

T = TypeVar("T")
R = TypeVar("R")


def each_account(accounts: Sequence[T], run: Callable[[T], R]) -> list[R | HpsyncError]:
    """``run`` on every account at once; results in the accounts' order.

    A refused or failed account does not stop the others: its error takes its place in the
    list. Anything else (a bug) is raised once every account has finished.
    """
    if len(accounts) <= 1:
        return [_guarded(run, account) for account in accounts]
    with ThreadPoolExecutor(max_workers=len(accounts), thread_name_prefix="account") as pool:
        futures = [pool.submit(_guarded, run, account) for account in accounts]
    return [future.result() for future in futures]


def _guarded(run: Callable[[T], R], account: T) -> R | HpsyncError:
    try:
        return run(account)
    except HpsyncError as exc:
        return exc


def raise_first(results: Sequence[R | HpsyncError]) -> list[R]:
    """The results, or the first account's error (after the others were reported)."""
    for result in results:
        if isinstance(result, HpsyncError):
            raise result
    return [r for r in results if not isinstance(r, HpsyncError)]
