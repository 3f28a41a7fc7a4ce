"""Per-account leases: one run per account, expiry, takeover and fencing."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest

from hpsync.errors import LeaseHeld
from hpsync.state import StateStore
from state.conftest import FakeClock


def test_second_holder_is_refused_with_a_clear_message(store: StateStore) -> None:
    """While a live lease exists, another run is refused, told who holds it and until when."""
    lease = store.acquire_lease("nord", "worker-1:4242", 300)
    assert (lease.account, lease.holder, lease.token) == ("nord", "worker-1:4242", 1)
    with pytest.raises(LeaseHeld) as info:
        store.acquire_lease("nord", "cli:777", 300)
    assert info.value.message == (
        "account 'nord' is being synced by worker-1:4242 since 2026-03-02 08:00:00 UTC "
        "(lease expires 2026-03-02 08:05:00 UTC)"
    )
    assert info.value.hint
    assert info.value.exit_code == 3


def test_expired_lease_is_taken_over_with_a_higher_token(
    store: StateStore, clock: FakeClock
) -> None:
    """Once a lease expires, another run takes it and gets a larger fencing token."""
    first = store.acquire_lease("nord", "a", 60)
    clock.advance(61)
    second = store.acquire_lease("nord", "b", 60)
    assert second.holder == "b"
    assert second.token > first.token


def test_fencing_rejects_the_stale_holder(store: StateStore, clock: FakeClock) -> None:
    """After a takeover the old holder fails check_fence and renew; the new one passes."""
    stale = store.acquire_lease("nord", "a", 60)
    store.check_fence(stale)
    clock.advance(120)
    with pytest.raises(LeaseHeld, match="expired"):
        store.check_fence(stale)
    fresh = store.acquire_lease("nord", "b", 60)
    with pytest.raises(LeaseHeld, match="taken over by b"):
        store.check_fence(stale)
    with pytest.raises(LeaseHeld):
        store.renew_lease(stale, 60)
    store.release_lease(stale)  # a lost lease's release does not free the new holder's
    store.check_fence(fresh)


def test_renew_extends_the_lease(store: StateStore, clock: FakeClock) -> None:
    """A renewed lease outlives its first expiry and still refuses others."""
    lease = store.acquire_lease("nord", "a", 60)
    clock.advance(50)
    renewed = store.renew_lease(lease, 60)
    assert renewed.token == lease.token
    assert renewed.expires_at == clock.now + timedelta(seconds=60)
    clock.advance(50)
    store.check_fence(renewed)
    with pytest.raises(LeaseHeld):
        store.acquire_lease("nord", "b", 60)


def test_release_frees_the_account_and_tokens_keep_growing(store: StateStore) -> None:
    """After a release the account can be taken at once, with a larger token."""
    first = store.acquire_lease("nord", "a", 60)
    store.release_lease(first)
    with pytest.raises(LeaseHeld):
        store.check_fence(first)
    second = store.acquire_lease("nord", "b", 60)
    assert second.token > first.token


def test_two_threads_racing_for_a_lease_exactly_one_wins(store_url: str, clock: FakeClock) -> None:
    """Two stores racing for the same accounts from two threads: one winner per account."""
    stores = [StateStore.open(store_url, clock=clock) for _ in range(2)]
    accounts = [f"acc{i}" for i in range(8)]
    barrier = threading.Barrier(2)
    wins: dict[str, list[str]] = {a: [] for a in accounts}
    refusals: dict[str, list[str]] = {a: [] for a in accounts}
    errors: list[BaseException] = []

    def contend(name: str, store: StateStore) -> None:
        try:
            for account in accounts:
                barrier.wait()
                try:
                    store.acquire_lease(account, name, 60)
                    wins[account].append(name)
                except LeaseHeld:
                    refusals[account].append(name)
        except BaseException as exc:
            errors.append(exc)
            barrier.abort()

    threads = [threading.Thread(target=contend, args=(f"w{i}", s)) for i, s in enumerate(stores)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for s in stores:
        s.close()
    assert errors == []
    for account in accounts:
        assert len(wins[account]) == 1, wins
        assert len(refusals[account]) == 1, refusals


def test_nonpositive_ttl_is_refused(store: StateStore) -> None:
    """A lease must last some time."""
    with pytest.raises(ValueError, match="ttl"):
        store.acquire_lease("nord", "a", 0)
