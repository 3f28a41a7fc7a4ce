"""The up flow against in-memory Hyperplanning absences: each status, once, and corrections."""

from __future__ import annotations

import dataclasses
from datetime import datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hpsync.attendance.plan import plan_attendance
from hpsync.attendance.statuses import FinalPolicy, SheetMark
from hpsync.ports import Sheet
from hpsync.sync.up import run_attendance
from hpsync.testing.builders import BASE, PARIS, at, small_snapshot
from hpsync.testing.fakes import FakeHyperplanningAbsences, MemoryLedger, SimulatedCrash

LATER = datetime(2026, 9, 30, tzinfo=PARIS)
SESSION = f"hp:{BASE}:session:10-2"  # Monday 08:00-10:00
LEA, HUGO = f"hp:{BASE}:learner:1", f"hp:{BASE}:learner:2"


def mark(learner: str = LEA, **kw: object) -> SheetMark:
    return SheetMark(SESSION, learner, **{"present": False, **kw})  # type: ignore[arg-type]


def run(
    marks: list[SheetMark],
    hp: FakeHyperplanningAbsences,
    ledger: MemoryLedger,
    *,
    locked: bool = True,
    policy: FinalPolicy | None = None,
    now: datetime = LATER,
) -> tuple[object, object]:
    sheets = [Sheet(SESSION, "c1", locked, tuple(marks))]
    plan = plan_attendance(
        small_snapshot(), sheets, ledger.entries, policy or FinalPolicy(), now=now
    )
    return plan, run_attendance(plan, hp, ledger)


def test_absent_becomes_one_unjustified_absence_over_the_session() -> None:
    """An absent learner on a locked sheet gets one absence from 08:00 to 10:00."""
    hp, ledger = FakeHyperplanningAbsences(), MemoryLedger()
    run([mark()], hp, ledger)
    assert [(a.learner_key, a.start, a.end, a.justified) for a in hp.absences] == [
        (1, at(0, 8), at(0, 10), False)
    ]


def test_open_sheet_writes_nothing_until_final() -> None:
    """An unlocked sheet is not final under 'locked'; under 'N hours after end' it is, in time."""
    hp, ledger = FakeHyperplanningAbsences(), MemoryLedger()
    plan, _ = run([mark()], hp, ledger, locked=False)
    assert not hp.absences and plan.sheets_open == 1  # type: ignore[attr-defined]
    policy = FinalPolicy(locked=False, hours_after_end=24)
    run([mark()], hp, ledger, locked=False, policy=policy, now=at(0, 20))
    assert not hp.absences
    run([mark()], hp, ledger, locked=False, policy=policy, now=at(1, 11))
    assert len(hp.absences) == 1


def test_late_and_early_departure() -> None:
    """Lateness becomes a delay; an early departure an absence from departure to the end."""
    hp, ledger = FakeHyperplanningAbsences(), MemoryLedger()
    run([mark(present=True, delay_minutes=15, left_at=at(0, 9, 30))], hp, ledger)
    assert [(d.at, d.minutes) for d in hp.delays] == [(at(0, 8), 15)]
    assert [(a.start, a.end) for a in hp.absences] == [(at(0, 9, 30), at(0, 10))]


def test_present_writes_nothing_and_rerun_writes_nothing() -> None:
    """Present learners produce no record, and a second run makes zero writes."""
    hp, ledger = FakeHyperplanningAbsences(), MemoryLedger()
    run([mark(present=True), mark(HUGO)], hp, ledger)
    writes = hp.writes
    plan, _ = run([mark(present=True), mark(HUGO)], hp, ledger)
    assert hp.writes == writes and not plan.changes  # type: ignore[attr-defined]


def test_justification_arriving_later_updates_the_same_absence() -> None:
    """A justified absence recorded later in Edusign turns the absence justified, still one."""
    hp, ledger = FakeHyperplanningAbsences(), MemoryLedger()
    run([mark()], hp, ledger)
    run([mark(justified=True, reason="Maladie")], hp, ledger)
    assert [(a.justified, a.reason) for a in hp.absences] == [(True, "Maladie")]


def test_absent_then_present_removes_the_absence() -> None:
    """A status corrected from absent to present removes the absence written earlier."""
    hp, ledger = FakeHyperplanningAbsences(), MemoryLedger()
    run([mark()], hp, ledger)
    run([mark(present=True)], hp, ledger)
    assert hp.absences == []


def test_a_correction_never_cuts_into_an_absence_entered_by_staff() -> None:
    """Staff entered an absence 07:00-19:00 over the one hpsync wrote (08:00-10:00): the
    learner corrected to present is not removed from Hyperplanning (that would cut a hole
    in the staff's absence); the change is held and reported, both absences stay whole."""
    hp, ledger = FakeHyperplanningAbsences(), MemoryLedger()
    run([mark()], hp, ledger)
    hp.add_absence(1, at(0, 7), at(0, 19), justified=True, reason="Sortie scolaire")
    _, report = run([mark(present=True)], hp, ledger)
    assert sorted((a.start, a.end) for a in hp.absences) == [
        (at(0, 7), at(0, 19)),
        (at(0, 8), at(0, 10)),
    ]
    (held,) = report.held  # type: ignore[attr-defined]
    assert "overlaps" in held[1] and "by hand" in held[1]
    assert not report.failures  # type: ignore[attr-defined]


def test_fault_on_one_learner_does_not_block_others_and_is_retried() -> None:
    """A Hyperplanning fault is reported for that record; others are written; next run retries."""
    hp, ledger = FakeHyperplanningAbsences(fail_learners={1}), MemoryLedger()
    _, report = run([mark(), mark(HUGO)], hp, ledger)
    assert [a.learner_key for a in hp.absences] == [2]
    assert len(report.failures) == 1  # type: ignore[attr-defined]
    hp.fail_learners.clear()
    run([mark(), mark(HUGO)], hp, ledger)
    assert sorted(a.learner_key for a in hp.absences) == [1, 2]


def test_unknown_learners_are_reported_not_dropped_silently() -> None:
    """A learner deleted in Hyperplanning and one added by hand are both reported."""
    hp, ledger = FakeHyperplanningAbsences(), MemoryLedger()
    gone = f"hp:{BASE}:learner:999"
    plan, _ = run([mark(gone), mark("walk-in")], hp, ledger)
    assert any("missing in Hyperplanning" in n for n in plan.notes)  # type: ignore[attr-defined]
    assert any("added by hand" in n for n in plan.hand_added)  # type: ignore[attr-defined]
    assert hp.absences == []


def test_sheet_of_a_deleted_session_is_reported() -> None:
    """Attendance of a session that no longer exists in Hyperplanning is reported, not written."""
    sheets = [Sheet(f"hp:{BASE}:session:99-9", "c9", True, (mark(),))]
    plan = plan_attendance(small_snapshot(), sheets, {}, FinalPolicy(), now=LATER)
    assert plan.notes and not plan.changes


MARKS = [
    mark(),
    mark(HUGO, present=True, delay_minutes=20, left_at=at(0, 9)),
    mark(f"hp:{BASE}:learner:6", justified=True),
]


@given(data=st.data())
def test_crash_between_hyperplanning_write_and_ledger_commit_converges(data: st.DataObject) -> None:
    """A crash after any Hyperplanning write, then a rerun, gives exactly the clean result."""
    clean, clean_ledger = FakeHyperplanningAbsences(), MemoryLedger()
    run(MARKS, clean, clean_ledger)
    crash_at = data.draw(st.integers(min_value=1, max_value=clean.writes))
    hp, ledger = FakeHyperplanningAbsences(crash_after=crash_at), MemoryLedger()
    with pytest.raises(SimulatedCrash):
        run(MARKS, hp, ledger)
    run(MARKS, hp, ledger)

    def records(fake: FakeHyperplanningAbsences) -> list[tuple[object, ...]]:
        return sorted(
            [("a", a.learner_key, a.start, a.end, a.justified) for a in fake.absences]
            + [("d", d.learner_key, d.at, d.minutes, d.justified) for d in fake.delays]
        )

    assert records(hp) == records(clean)
    plan, _ = run(MARKS, hp, ledger)
    assert not plan.changes  # type: ignore[attr-defined]


def test_delay_never_exceeds_the_session() -> None:
    """A delay longer than the session is capped at the session's length."""
    hp, ledger = FakeHyperplanningAbsences(), MemoryLedger()
    run([mark(present=True, delay_minutes=500)], hp, ledger)
    assert hp.delays[0].minutes == 120
    assert dataclasses.replace(hp.delays[0]).at + timedelta(minutes=120) == at(0, 10)
