"""Approved plans: applied exactly, or refused with the difference when either side moved."""

from __future__ import annotations

import dataclasses
from datetime import datetime
from pathlib import Path

import pytest

from hpsync.attendance.statuses import FinalPolicy
from hpsync.engine.guards import GuardPolicy
from hpsync.errors import GuardRefused
from hpsync.rules.policy import AccountRules
from hpsync.state import StateStore
from hpsync.sync.runs import AccountSetup, run_down
from hpsync.testing.builders import PARIS, at, small_snapshot
from hpsync.testing.fakes import FakeTarget

NOW = datetime(2026, 9, 1, tzinfo=PARIS)


def setup(target: FakeTarget) -> AccountSetup:
    return AccountSetup("a", AccountRules("a"), GuardPolicy(), FinalPolicy(), target)  # type: ignore[arg-type]


def test_approved_plan_is_applied_when_nothing_moved(tmp_path: Path) -> None:
    """The reviewed plan applies when a fresh plan is identical."""
    target = FakeTarget()
    with StateStore.open(f"sqlite:///{tmp_path / 's.db'}") as store:
        approved = run_down(store, small_snapshot(), setup(target), now=NOW, dry_run=True)
        body = approved.planned.plan.to_json()
        done = run_down(store, small_snapshot(), setup(target), now=NOW, approved=body)
    assert done.outcome == "ok" and target.writes == len(approved.planned.plan.writes())


def test_plan_invalidated_by_a_hyperplanning_edit_is_refused_with_the_difference(
    tmp_path: Path,
) -> None:
    """A session moved after approval makes sync refuse, naming that session, writing nothing."""
    target = FakeTarget()
    snap = small_snapshot()
    with StateStore.open(f"sqlite:///{tmp_path / 's.db'}") as store:
        body = run_down(store, snap, setup(target), now=NOW, dry_run=True).planned.plan.to_json()
        moved = dict(snap.sessions)
        moved["10-2"] = dataclasses.replace(moved["10-2"], start=at(0, 9), end=at(0, 11))
        with pytest.raises(GuardRefused) as info:
            run_down(
                store,
                dataclasses.replace(snap, sessions=moved),
                setup(target),
                now=NOW,
                approved=body,
            )
        assert "session:10-2" in str(info.value)
        assert target.writes == 0
        assert store.runs("a")[0].outcome == "plan changed"  # not a guard trip


def test_forced_release_is_recorded_with_who_and_why(tmp_path: Path) -> None:
    """--force with a reason is stored in the run's history."""
    target = FakeTarget()
    with StateStore.open(f"sqlite:///{tmp_path / 's.db'}") as store:
        run_down(store, small_snapshot(), setup(target), now=NOW, force=True, reason="rentrée")
        meta = store.runs("a")[0].meta
    assert meta["forced"] is True and meta["reason"] == "rentrée" and meta["by"]
