"""On a big base the accounts read and plan one at a time (docs/config.md,
``side_by_side_sessions``): their sheets are never held in memory together. Under the
threshold they read side by side. Each fake account's read waits (briefly) for the other's
at a barrier: side by side they meet there, one at a time each read is alone."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from hpsync.attendance.statuses import FinalPolicy
from hpsync.engine.guards import GuardPolicy
from hpsync.engine.remote import RemoteState
from hpsync.rules.policy import AccountRules
from hpsync.state import StateStore
from hpsync.sync.runs import AccountSetup, DownOutcome
from hpsync.sync.usecases import sync_down
from hpsync.testing.builders import PARIS, small_snapshot
from hpsync.testing.fakes import FakeTarget

NOW = datetime(2026, 9, 1, 6, tzinfo=PARIS)


@dataclass
class MeetingTarget(FakeTarget):
    """A fake account whose read waits at a barrier shared with the other account's."""

    barrier: threading.Barrier = field(default_factory=lambda: threading.Barrier(2))
    met: list[bool] = field(default_factory=list)

    def read(self, **kw: Any) -> RemoteState:
        try:
            self.barrier.wait(timeout=0.5)
            self.met.append(True)
        except threading.BrokenBarrierError:
            self.met.append(False)
        return super().read(**kw)


def _sync(tmp_path: Path, side_by_side_sessions: int) -> tuple[list[bool], list[bool]]:
    barrier = threading.Barrier(2)
    targets = [MeetingTarget(barrier=barrier), MeetingTarget(barrier=barrier)]
    setups = [
        AccountSetup(name, AccountRules(name), GuardPolicy(), FinalPolicy(), target)  # type: ignore[arg-type]
        for name, target in zip(("a", "b"), targets, strict=True)
    ]
    snapshot = small_snapshot()
    with StateStore.open(f"sqlite:///{tmp_path / 's.db'}") as store:
        outcomes = sync_down(
            store, setups, snapshot, now=NOW, side_by_side_sessions=side_by_side_sessions
        )
    assert all(isinstance(o, DownOutcome) and o.outcome == "ok" for o in outcomes)
    assert all(t.writes for t in targets)  # both accounts were written
    return targets[0].met, targets[1].met


def test_a_base_over_the_threshold_plans_its_accounts_one_at_a_time(tmp_path: Path) -> None:
    # the small school has 6 sessions: 5 is "big"
    assert _sync(tmp_path, side_by_side_sessions=5) == ([False], [False])


def test_a_base_under_the_threshold_plans_its_accounts_side_by_side(tmp_path: Path) -> None:
    assert _sync(tmp_path, side_by_side_sessions=6) == ([True], [True])
