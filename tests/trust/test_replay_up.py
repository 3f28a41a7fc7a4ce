"""An attendance run keeps its inputs and replays to the same changes."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from hpsync.attendance.statuses import FinalPolicy, SheetMark
from hpsync.audit.replay import replay_run
from hpsync.audit.up_inputs import changes_hash
from hpsync.engine.guards import GuardPolicy
from hpsync.ports import Sheet
from hpsync.rules.policy import AccountRules
from hpsync.state import StateStore
from hpsync.sync.runs import AccountSetup, run_up
from hpsync.testing.builders import BASE, PARIS, small_snapshot
from hpsync.testing.fakes import FakeHyperplanningAbsences


class Sheets:
    def __init__(self, sheets: list[Sheet]) -> None:
        self.sheets = sheets

    def read_sheets(self, *, since: datetime, until: datetime) -> list[Sheet]:
        return self.sheets

    def read_sheet(self, course_id: str) -> Sheet:
        return next(s for s in self.sheets if s.remote_id == course_id)


def test_attendance_run_replays_to_the_same_changes(tmp_path: Path) -> None:
    """The recorded changes of an up run are recomputed identically from its stored inputs."""
    session = f"hp:{BASE}:session:10-2"
    marks = (
        SheetMark(session, f"hp:{BASE}:learner:1", False),
        SheetMark(session, f"hp:{BASE}:learner:6", True, delay_minutes=10),
    )
    target = Sheets([Sheet(session, "c1", True, marks)])
    setup = AccountSetup("a", AccountRules("a"), GuardPolicy(), FinalPolicy(), target)  # type: ignore[arg-type]
    with StateStore.open(f"sqlite:///{tmp_path / 's.db'}") as store:
        out = run_up(
            store,
            small_snapshot(),
            setup,
            FakeHyperplanningAbsences(),
            now=datetime(2026, 10, 1, tzinfo=PARIS),
        )
        assert len(out.plan.changes) == 2
        report = replay_run(store, out.run_id)
        assert report.recorded_hash == changes_hash(out.plan.changes)
        assert report.replayed_hash == report.recorded_hash and not report.differences
        assert report.recorded_hash != changes_hash([])
