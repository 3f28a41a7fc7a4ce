"""Leases that live and runs that end: a run longer than its lease keeps it; a run whose
process died is marked interrupted by the next one."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from hpsync.errors import LeaseHeld
from hpsync.state import StateStore
from hpsync.sync.runs import INTERRUPTED, leased


def test_a_run_longer_than_its_lease_keeps_it(tmp_path: Path) -> None:
    """A 1-second lease held for 2.5 seconds of work is still ours (heartbeat), and nobody
    else can take the account meanwhile."""
    with StateStore.open(f"sqlite:///{tmp_path / 's.db'}") as store:
        with leased(store, "nord", "me:1", seconds=1.0) as lease:
            time.sleep(2.5)
            store.check_fence(lease)  # raises LeaseHeld if the lease had expired
            with pytest.raises(LeaseHeld):
                store.acquire_lease("nord", "other:2", 1.0)
        assert store.lease_holder("nord") is None  # released at the end


def test_without_renewal_the_lease_is_lost_and_the_fence_says_so(tmp_path: Path) -> None:
    """The same wait with a bare lease (no heartbeat) loses it: the fence refuses."""
    with StateStore.open(f"sqlite:///{tmp_path / 's.db'}") as store:
        lease = store.acquire_lease("nord", "me:1", 1.0)
        time.sleep(1.3)
        with pytest.raises(LeaseHeld, match="expired"):
            store.check_fence(lease)


def test_a_run_left_running_by_a_dead_process_is_marked_interrupted(tmp_path: Path) -> None:
    """A run row still 'running' when the next run takes the lease ends as interrupted,
    with why; finished runs are left as they are."""
    with StateStore.open(f"sqlite:///{tmp_path / 's.db'}") as store:
        dead = store.start_run("nord", "down")
        done = store.start_run("nord", "up")
        store.finish_run(done, "ok", {})
        other = store.start_run("sud", "down")
        with leased(store, "nord", "me:1", seconds=5.0):
            pass
        rows = {r.run_id: r for r in store.runs(None)}
        assert rows[dead].outcome == "interrupted" and rows[dead].error == INTERRUPTED
        assert rows[dead].finished_at is not None
        assert rows[done].outcome == "ok" and rows[other].outcome is None
