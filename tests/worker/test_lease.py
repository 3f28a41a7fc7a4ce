"""The Redis account lease: exclusive, renewable, and fenced against stale holders."""

from __future__ import annotations

import time
from typing import Any

import pytest

from hpsync.errors import LeaseHeld
from hpsync.worker.lease import Held, RedisLeases


def _take_over(leases: RedisLeases, scope: str, holder: str, deadline: float = 5.0) -> Held:
    """Poll until the previous lease expires and ``holder`` gets it."""
    end = time.monotonic() + deadline
    while time.monotonic() < end:
        held = leases.acquire(scope, holder, 60_000)
        if held is not None:
            return held
        time.sleep(0.02)
    raise AssertionError("the expired lease was never taken over")


def test_second_holder_is_refused_while_the_first_is_live(redis_client: Any, prefix: str) -> None:
    """Two workers never hold the same account: the second acquire returns None."""
    leases = RedisLeases(redis_client, prefix)
    first = leases.acquire("s/nord", "w1", 60_000)
    assert first is not None
    assert leases.acquire("s/nord", "w2", 60_000) is None
    assert leases.holder_of("s/nord") == "w1"
    assert leases.acquire("s/sud", "w2", 60_000) is not None  # other accounts are free


def test_release_frees_the_account_and_tokens_only_grow(redis_client: Any, prefix: str) -> None:
    """After a release the next holder gets a larger fencing token."""
    leases = RedisLeases(redis_client, prefix)
    first = leases.acquire("s/nord", "w1", 60_000)
    assert first is not None and leases.release(first)
    second = leases.acquire("s/nord", "w2", 60_000)
    assert second is not None and second.token > first.token
    leases.check_fence(second)


def test_stale_holder_is_fenced_after_a_takeover(redis_client: Any, prefix: str) -> None:
    """A worker whose lease expired and was taken over cannot write, renew or release."""
    leases = RedisLeases(redis_client, prefix)
    stale = leases.acquire("s/nord", "w1", 50)
    assert stale is not None
    fresh = _take_over(leases, "s/nord", "w2")
    assert fresh.token > stale.token
    with pytest.raises(LeaseHeld, match="stale"):
        leases.check_fence(stale)
    assert not leases.renew(stale, 60_000)
    assert not leases.release(stale)
    assert leases.holder_of("s/nord") == "w2"
    leases.check_fence(fresh)


def test_expired_lease_without_takeover_is_fenced(redis_client: Any, prefix: str) -> None:
    """A lease that expired refuses writes even before anyone else takes the account."""
    leases = RedisLeases(redis_client, prefix)
    held = leases.acquire("s/nord", "w1", 30)
    assert held is not None
    end = time.monotonic() + 5
    while leases.holder_of("s/nord") is not None and time.monotonic() < end:
        time.sleep(0.01)
    with pytest.raises(LeaseHeld, match="expired"):
        leases.check_fence(held)


def test_hold_keeps_a_short_lease_alive_and_releases_it(redis_client: Any, prefix: str) -> None:
    """While held, a 300 ms lease outlives several TTLs; on exit the account is free."""
    leases = RedisLeases(redis_client, prefix)
    held = leases.acquire("s/nord", "w1", 300)
    assert held is not None
    with leases.hold(held, 300) as fence:
        end = time.monotonic() + 1.0  # three TTLs: only renewal keeps it
        while time.monotonic() < end:
            fence()
            assert leases.acquire("s/nord", "w2", 300) is None
            time.sleep(0.05)
    assert leases.holder_of("s/nord") is None
