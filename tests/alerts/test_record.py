"""Recording the up flow's final marks into the marks table."""

from __future__ import annotations

from datetime import timedelta

from alerts.data import LEA, NOW, SNAPSHOT
from hpsync.alerts.record import record_final_marks
from hpsync.attendance.statuses import FinalPolicy, SheetMark
from hpsync.model import Kind
from hpsync.ports import Sheet
from hpsync.state import StateStore
from hpsync.state.marks import marks


def test_only_final_sheets_of_the_base_are_recorded_with_hyperplanning_times(
    store: StateStore,
) -> None:
    """Final sheets' marks are stored with the session's times; open and foreign ones are not."""
    session = SNAPSHOT.sessions["10-2"]
    sid = SNAPSHOT.sid(Kind.SESSION, "10-2")
    left = session.start + timedelta(minutes=30)
    final = Sheet(
        sid,
        "r1",
        True,
        (
            SheetMark(sid, LEA, True, delay_minutes=12, left_at=left),
            SheetMark(sid, "hp:other:learner:9", False),
        ),
    )
    open_sheet = Sheet(
        SNAPSHOT.sid(Kind.SESSION, "11-2"), "r2", False, (SheetMark(sid, LEA, False),)
    )
    seen = record_final_marks(
        store, "nord", SNAPSHOT, [final, open_sheet], FinalPolicy(locked=True), now=NOW
    )
    (row,) = marks(store, "nord")
    assert seen == 1
    assert (row.status, row.late_minutes, row.left_at) == ("present", 12, left)
    assert (row.session_start, row.session_end) == (session.start, session.end)
