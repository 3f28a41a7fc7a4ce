"""From what an Edusign sheet says to what Hyperplanning must hold (pure).

Mapping (documented in docs/attendance.md):

- present (signed, or state true) → no absence; a delay if ``delay`` > 0 minutes; an
  absence from the departure time to the session's end if the learner left early;
- absent (not signed once the sheet is final) → an absence over the session's interval,
  justified when Edusign links a justified absence (``absenceId``) or carries a comment;
- a sheet that is not final yet (still open, or not enough hours after its end) → nothing.

Intervals come from the Hyperplanning session (matched by external id), never from the
sheet's own times, so a sheet whose times were edited by hand still reports to the right
Hyperplanning session.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime, timedelta

from hpsync.hashing import digest, utc_text


class MarkKind(enum.StrEnum):
    ABSENCE = "absence"
    DELAY = "delay"
    EARLY_DEPARTURE = "early_departure"


@dataclass(frozen=True, slots=True)
class SheetMark:
    """One learner's record on one Edusign sheet, in engine terms."""

    session_sid: str
    learner_sid: str
    present: bool
    delay_minutes: int = 0
    left_at: datetime | None = None
    justified: bool = False
    reason: str = ""
    hand_added: bool = False  # on the sheet but not on the roster we pushed


@dataclass(frozen=True, slots=True)
class SheetState:
    """Whether a sheet's statuses are final."""

    session_sid: str
    locked: bool
    start: datetime  # Hyperplanning's interval of the session
    end: datetime


@dataclass(frozen=True, slots=True)
class FinalPolicy:
    """When a status is final: the sheet is locked, or some hours after the session's end."""

    locked: bool = True
    hours_after_end: float = 0.0

    def is_final(self, sheet: SheetState, now: datetime) -> bool:
        if sheet.locked:
            return True
        if self.locked:
            return False
        return now >= sheet.end + timedelta(hours=self.hours_after_end)

    @property
    def final_by_time(self) -> bool:
        """An untouched sheet can become final as time passes (not only when locked, an
        edit that any read of what changed sees)."""
        return not self.locked


@dataclass(frozen=True, slots=True)
class Intent:
    """One record Hyperplanning must hold for (session, learner, kind)."""

    session_sid: str
    learner_sid: str
    kind: MarkKind
    start: datetime
    end: datetime  # for a delay: start + minutes
    justified: bool
    reason: str = ""

    @property
    def minutes(self) -> int:
        return int((self.end - self.start).total_seconds() // 60)

    @property
    def fingerprint(self) -> str:
        return digest(
            [self.kind.value, utc_text(self.start), utc_text(self.end), self.justified, self.reason]
        )[:24]


def intents_for(mark: SheetMark, sheet: SheetState) -> dict[MarkKind, Intent]:
    """What Hyperplanning must hold for this learner on this session (final sheets only)."""
    out: dict[MarkKind, Intent] = {}
    base = (mark.session_sid, mark.learner_sid)
    if not mark.present:
        out[MarkKind.ABSENCE] = Intent(
            *base, MarkKind.ABSENCE, sheet.start, sheet.end, mark.justified, mark.reason
        )
        return out
    if mark.delay_minutes > 0:
        minutes = min(mark.delay_minutes, int((sheet.end - sheet.start).total_seconds() // 60))
        out[MarkKind.DELAY] = Intent(
            *base,
            MarkKind.DELAY,
            sheet.start,
            sheet.start + timedelta(minutes=minutes),
            mark.justified,
            mark.reason,
        )
    if mark.left_at is not None and sheet.start < mark.left_at < sheet.end:
        out[MarkKind.EARLY_DEPARTURE] = Intent(
            *base, MarkKind.EARLY_DEPARTURE, mark.left_at, sheet.end, mark.justified, mark.reason
        )
    return out
