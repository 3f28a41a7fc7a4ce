"""Marks and an account for the alerts tests, on the small snapshot's learners."""

from __future__ import annotations

from datetime import timedelta

from hpsync.config.models import AccountConfig
from hpsync.model import Kind, Snapshot
from hpsync.state.marks import MarkRow
from hpsync.testing.builders import at, small_snapshot

SNAPSHOT = small_snapshot()
LEA = SNAPSHOT.sid(Kind.LEARNER, 1)  # tutor Marc Petit, m.petit@acme.test
TOM = SNAPSHOT.sid(Kind.LEARNER, 6)  # tutor Ana Noir, no e-mail
HUGO = SNAPSHOT.sid(Kind.LEARNER, 2)  # no tutor
NOW = at(9, 12)  # Wednesday of the following week, noon (Paris)


def mark(
    learner: str,
    day: int,
    status: str = "present",
    *,
    hour: int = 8,
    snapshot: Snapshot = SNAPSHOT,
    **extra: object,
) -> MarkRow:
    """A two-hour session ``day`` days after Monday 2026-09-07 at ``hour`` (Paris)."""
    start = at(day, hour)
    session = snapshot.sid(Kind.SESSION, f"9{day:02d}{hour:02d}-2")
    return MarkRow(session, learner, status, start, start + timedelta(hours=2), **extra)  # type: ignore[arg-type]


def account(**overrides: object) -> AccountConfig:
    """The account ``nord`` with two rules: 3 unjustified absences, 2 late ≥ 10 min."""
    data: dict[str, object] = {
        "name": "nord",
        "api_key": "env:EDUSIGN_KEY",
        "school_email": "vie-scolaire@ecole.test",
        "alerts": [
            {"name": "absences", "kind": "absences", "threshold": 3, "days": 30},
            {"name": "late", "kind": "late", "threshold": 2, "min_late_minutes": 10, "days": 30},
        ],
    }
    data.update(overrides)
    return AccountConfig.model_validate(data)


def week_marks() -> list[MarkRow]:
    """Léa: 3 unjustified absences, 1 justified, 2 late ≥ 10 min; Tom: 3 absences."""
    return [
        mark(LEA, 0, "absent"),
        mark(LEA, 1, "absent"),
        mark(LEA, 2, "absent", justified=True, reason="medical"),
        mark(LEA, 3, "absent"),
        mark(LEA, 0, late_minutes=15, hour=14),
        mark(LEA, 1, late_minutes=5, hour=14),
        mark(LEA, 2, late_minutes=20, hour=14),
        mark(TOM, 0, "absent"),
        mark(TOM, 1, "absent"),
        mark(TOM, 2, "absent"),
        mark(HUGO, 0),
    ]
