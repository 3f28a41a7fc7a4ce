"""A configuration change preview says exactly what the next sync then does."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from hpsync.attendance.statuses import FinalPolicy
from hpsync.engine.desired import build_desired
from hpsync.engine.guards import GuardPolicy
from hpsync.engine.impact import impact
from hpsync.engine.plan import Action
from hpsync.model import Kind
from hpsync.rules.policy import AccountRules, Couple
from hpsync.state import StateStore
from hpsync.sync.runs import AccountSetup, run_down
from hpsync.testing.builders import PARIS, small_snapshot
from hpsync.testing.fakes import FakeTarget

NOW = datetime(2026, 9, 1, tzinfo=PARIS)
CURRENT = AccountRules("a", learner_couples=(Couple("Site", "Nord"),))
NEW = AccountRules("a", learner_couples=(Couple("Site", "Sud"),), tag_families=("Type de contrat",))


def test_preview_matches_the_sync(tmp_path: Path) -> None:
    """Learners gained and lost in the preview are those the sync creates and archives."""
    snap = small_snapshot()
    preview = impact("a", build_desired(snap, CURRENT), build_desired(snap, NEW))
    target = FakeTarget()
    loose = GuardPolicy(max_removal_share=1.0)
    with StateStore.open(f"sqlite:///{tmp_path / 's.db'}") as store:
        run_down(store, snap, AccountSetup("a", CURRENT, loose, FinalPolicy(), target), now=NOW)  # type: ignore[arg-type]
        done = run_down(store, snap, AccountSetup("a", NEW, loose, FinalPolicy(), target), now=NOW)  # type: ignore[arg-type]
    items = done.planned.plan.items
    created = sorted(i.sid for i in items if i.kind is Kind.LEARNER and i.action is Action.CREATE)
    removed = sorted(i.sid for i in items if i.kind is Kind.LEARNER and i.action is Action.REMOVE)
    assert preview.gained[Kind.LEARNER.value] == created
    assert preview.lost[Kind.LEARNER.value] == removed
    assert created and removed
    lines = "\n".join(preview.lines())
    assert "learner gained" in lines and "learner lost" in lines
