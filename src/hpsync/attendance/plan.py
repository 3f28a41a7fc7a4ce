"""What an attendance run must write back, from the sheets read and the ledger (pure).

Which sheets are final, which marks are someone else's (another base, a learner added
by hand), which learners are missing, and the changes left once the ledger is
accounted for. ``sync/up.py`` runs it; ``audit/replay.py`` replays it from recorded inputs.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime

from hpsync.attendance.ledger import Change, Key, LedgerEntry, changes
from hpsync.attendance.push import learner_key
from hpsync.attendance.statuses import FinalPolicy, Intent, SheetState, intents_for
from hpsync.model import Snapshot, parse_source_id
from hpsync.ports import Sheet


@dataclass(slots=True)
class UpPlan:
    """The write-back of one account, with what was set aside and why."""

    changes: list[Change]
    sheets_final: int = 0
    sheets_open: int = 0
    marks_read: int = 0
    notes: list[str] = field(default_factory=list)  # per-record problems, retried next run
    hand_added: list[str] = field(default_factory=list)
    #: Edusign ids of final sheets to read again next run (a learner missing)
    unsettled: set[str] = field(default_factory=set)
    #: start of the earliest sheet that may become final as time passes: the next run
    #: lists every sheet from there
    open_from: datetime | None = None


def plan_attendance(
    snapshot: Snapshot,
    sheets: Sequence[Sheet],
    ledger: Mapping[Key, LedgerEntry],
    policy: FinalPolicy,
    *,
    now: datetime,
    aliases: Mapping[str, str] | None = None,
) -> UpPlan:
    """Compute what must be written back for the final sheets.

    ``aliases`` maps an identity a learner carries on Edusign to their identity in this
    base: after a yearly switch, a learner who stayed carries next year's identity while
    last year's sheets are still written back into last year's base.
    """
    aliases = aliases or {}
    base_prefix = f"hp:{snapshot.base.base_id}:"
    intents: list[Intent] = []
    decided: list[tuple[str, str]] = []
    plan = UpPlan(changes=[])
    for sheet in sheets:
        if not sheet.session_sid.startswith(base_prefix):
            continue  # another base (previous year) or a sheet made by hand
        session = snapshot.sessions.get(parse_source_id(sheet.session_sid)[2])
        if session is None:
            plan.notes.append(
                f"session {sheet.session_sid} (Edusign {sheet.remote_id}) no longer exists in "
                "Hyperplanning: its attendance is kept on Edusign and not written back"
            )
            continue
        state = SheetState(sheet.session_sid, sheet.locked, session.start, session.end)
        if not policy.is_final(state, now):
            plan.sheets_open += 1
            if policy.final_by_time:  # else locking it is a change the next read sees
                plan.open_from = min(plan.open_from or session.start, session.start)
            continue
        plan.sheets_final += 1
        for seen in sheet.marks:
            plan.marks_read += 1
            mark = (
                replace(seen, learner_sid=aliases[seen.learner_sid])
                if seen.learner_sid in aliases
                else seen
            )
            if not mark.learner_sid.startswith(base_prefix):
                plan.hand_added.append(
                    f"a learner unknown to hpsync is on sheet {sheet.remote_id} "
                    f"({sheet.session_sid}): added by hand in Edusign, not written back"
                )
                continue
            if learner_key(mark.learner_sid) not in snapshot.learners:
                plan.notes.append(
                    f"learner {mark.learner_sid} on {sheet.session_sid} is missing in "
                    "Hyperplanning (deleted since?): not written, retried next run"
                )
                plan.unsettled.add(sheet.remote_id)
                continue
            if mark.hand_added or learner_key(mark.learner_sid) not in session.learner_keys:
                plan.hand_added.append(
                    f"learner {mark.learner_sid} was added by hand to {sheet.session_sid}: "
                    "written back all the same"
                )
            decided.append((mark.session_sid, mark.learner_sid))
            intents.extend(intents_for(mark, state).values())
    plan.changes = changes(intents, ledger, decided)
    return plan
