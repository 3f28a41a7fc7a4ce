"""From the up flow's sheets to stored marks: the history alerts and reports read.

The up flow writes absences back into Hyperplanning but keeps no per-session history of
presence; the rules need it (an attendance rate counts the sessions attended too), so the
final marks are recorded here with the same finality and base filters as the up plan.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from hpsync.attendance.statuses import FinalPolicy, SheetState
from hpsync.model import Snapshot, parse_source_id
from hpsync.ports import Sheet
from hpsync.state import StateStore
from hpsync.state.marks import MarkRow, record_marks


def final_mark_rows(
    snapshot: Snapshot, sheets: Sequence[Sheet], policy: FinalPolicy, *, now: datetime
) -> list[MarkRow]:
    """The marks of final sheets, for learners and sessions of the snapshot's base (pure)."""
    prefix = f"hp:{snapshot.base.base_id}:"
    rows: list[MarkRow] = []
    for sheet in sheets:
        if not sheet.session_sid.startswith(prefix):
            continue
        session = snapshot.sessions.get(parse_source_id(sheet.session_sid)[2])
        if session is None:
            continue
        state = SheetState(sheet.session_sid, sheet.locked, session.start, session.end)
        if not policy.is_final(state, now):
            continue
        for mark in sheet.marks:
            if not mark.learner_sid.startswith(prefix):
                continue  # added by hand in Edusign: not a learner we know
            left = mark.left_at if mark.present else None
            rows.append(
                MarkRow(
                    sheet.session_sid,
                    mark.learner_sid,
                    "present" if mark.present else "absent",
                    session.start,
                    session.end,
                    late_minutes=mark.delay_minutes if mark.present else 0,
                    left_at=left if left and session.start < left < session.end else None,
                    justified=mark.justified,
                    reason=mark.reason,
                )
            )
    return rows


def record_final_marks(
    store: StateStore,
    account: str,
    snapshot: Snapshot,
    sheets: Sequence[Sheet],
    policy: FinalPolicy,
    *,
    now: datetime,
) -> int:
    """Record the final marks the up flow read; returns how many marks were seen."""
    rows = final_mark_rows(snapshot, sheets, policy, now=now)
    record_marks(store, account, rows)
    return len(rows)
