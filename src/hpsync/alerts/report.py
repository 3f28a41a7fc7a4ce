"""Periodic reports for tutors (pure): which period, and each apprentice's figures."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

from hpsync.state.marks import MarkRow

PeriodKind = Literal["week", "month"]


@dataclass(frozen=True, slots=True)
class Period:
    """A closed reporting period [start, end) in the account's time zone."""

    kind: PeriodKind
    label: str  # 2026-W37 or 2026-09: part of the dedup key
    start: datetime
    end: datetime


def last_period(kind: PeriodKind, now: datetime, zone: str) -> Period:
    """The last complete week (Monday to Sunday) or calendar month before ``now``."""
    tz = ZoneInfo(zone)
    today = now.astimezone(tz).date()
    if kind == "week":
        first = today - timedelta(days=today.weekday() + 7)
        last = first + timedelta(days=7)
        year, week, _ = first.isocalendar()
        label = f"{year}-W{week:02d}"
    else:
        last = today.replace(day=1)
        first = (last - timedelta(days=1)).replace(day=1)
        label = f"{first:%Y-%m}"
    return Period(kind, label, _midnight(first, tz), _midnight(last, tz))


def _midnight(day: date, tz: ZoneInfo) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=tz)


@dataclass(frozen=True, slots=True)
class Figures:
    """One apprentice's attendance over a period."""

    learner_sid: str
    name: str
    sessions: int
    present: int
    absences: int
    absences_justified: int
    late: int
    late_minutes: int
    late_justified: int
    early_departures: int
    early_justified: int

    @property
    def rate(self) -> float | None:
        """Attendance rate in % (present over final sessions); None without a session."""
        return 100.0 * self.present / self.sessions if self.sessions else None


def figures(learner_sid: str, name: str, marks: Sequence[MarkRow]) -> Figures:
    """Count one apprentice's marks (already limited to the period)."""
    absent = [m for m in marks if not m.present]
    late = [m for m in marks if m.present and m.late_minutes > 0]
    early = [m for m in marks if m.present and m.left_at is not None]
    return Figures(
        learner_sid,
        name,
        sessions=len(marks),
        present=len(marks) - len(absent),
        absences=len(absent),
        absences_justified=sum(m.justified for m in absent),
        late=len(late),
        late_minutes=sum(m.late_minutes for m in late),
        late_justified=sum(m.justified for m in late),
        early_departures=len(early),
        early_justified=sum(m.justified for m in early),
    )
