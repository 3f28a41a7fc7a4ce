"""Defects the state machine and its invariants pointed at, now fixed: kept as regressions.

Each test states the behaviour a user expects; it is marked ``xfail(strict=True)`` until
the core is fixed, so a fix turns it into an unexpected pass that must be unmarked.
"""

from __future__ import annotations

import dataclasses
from datetime import datetime

from hpsync.attendance.plan import plan_attendance
from hpsync.attendance.statuses import FinalPolicy, SheetMark
from hpsync.engine.guards import GuardPolicy
from hpsync.engine.plan import Action
from hpsync.model import Kind
from hpsync.ports import Sheet
from hpsync.sync.down import plan_account, sync_account
from hpsync.sync.up import run_attendance
from hpsync.testing.builders import BASE, NORD_RULES, PARIS, at, small_snapshot
from hpsync.testing.fakes import FakeHyperplanningAbsences, FakeTarget, MemoryJournal, MemoryLedger
from hpsync.testing.faults import FlakyTarget

NOW = datetime(2026, 9, 1, 12, 0, tzinfo=PARIS)
LATER = datetime(2026, 9, 30, tzinfo=PARIS)
RULES = NORD_RULES
LOOSE = GuardPolicy(max_removal_share=1.0)
SESSION = f"hp:{BASE}:session:10-2"  # Monday 08:00-10:00
LEA = f"hp:{BASE}:learner:1"


def up(marks: list[SheetMark], hp: FakeHyperplanningAbsences, ledger: MemoryLedger) -> None:
    sheets = [Sheet(SESSION, "c1", True, tuple(marks))]
    plan = plan_attendance(small_snapshot(), sheets, ledger.entries, FinalPolicy(), now=LATER)
    report = run_attendance(plan, hp, ledger)
    assert not report.failures


def test_absent_corrected_to_left_early_keeps_the_early_departure() -> None:
    """An absence corrected to 'present, left at 09:30' leaves one 09:30-10:00 absence."""
    hp, ledger = FakeHyperplanningAbsences(), MemoryLedger()
    up([SheetMark(SESSION, LEA, present=False)], hp, ledger)
    up([SheetMark(SESSION, LEA, present=True, left_at=at(0, 9, 30))], hp, ledger)
    assert [(a.start, a.end) for a in hp.absences] == [(at(0, 9, 30), at(0, 10))]


def sync(snap: object, target: object, journal: MemoryJournal) -> None:
    planned = plan_account(snap, RULES, target, journal, now=NOW, guards=LOOSE)  # type: ignore[arg-type]
    sync_account(planned, target, journal, force=True)  # type: ignore[arg-type]


def test_archive_whose_answer_was_lost_is_forgotten_by_the_journal() -> None:
    """A learner archived by a write whose answer timed out leaves the journal on the rerun."""
    target, journal = FakeTarget(), MemoryJournal()
    snap = small_snapshot()
    sync(snap, target, journal)
    learners = dict(snap.learners)
    learners[6] = dataclasses.replace(learners[6], email=None)  # Tom is no longer synced
    gone = dataclasses.replace(snap, learners=learners)
    flaky = FlakyTarget(target, raise_on={1}, applied=True)  # the learner batch
    sync(gone, flaky, journal)
    assert flaky.raised == 1
    sync(gone, target, journal)
    tom = f"hp:{BASE}:learner:6"
    assert all(r.archived for r in target.records[Kind.LEARNER].values() if r.api_id == tom)
    assert (Kind.LEARNER, tom) not in journal.pushed()


def test_signed_sheet_is_not_rewritten_when_the_session_moves() -> None:
    """A sheet already signed is reported, not moved, when Hyperplanning moves its session."""
    target, journal = FakeTarget(), MemoryJournal()
    snap = small_snapshot()
    sync(snap, target, journal)
    target.mark(Kind.SESSION, SESSION, signed=True)
    moved = dict(snap.sessions)
    moved["10-2"] = dataclasses.replace(moved["10-2"], start=at(0, 9), end=at(0, 11))
    plan = plan_account(
        dataclasses.replace(snap, sessions=moved), RULES, target, journal, now=NOW, guards=LOOSE
    ).plan
    item = next(i for i in plan.items if i.sid == SESSION)
    assert item.action is Action.PROTECTED
