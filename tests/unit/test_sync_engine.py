"""The down-flow engine against a fake Edusign account: idempotence, drift, guards, crashes."""

from __future__ import annotations

import dataclasses
from datetime import datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hpsync.engine.guards import GuardPolicy
from hpsync.engine.plan import Action
from hpsync.errors import GuardRefused
from hpsync.model import Kind, Snapshot
from hpsync.sync.down import plan_account, sync_account
from hpsync.testing.builders import BASE, NORD_RULES, PARIS, at, small_snapshot
from hpsync.testing.fakes import FakeTarget, MemoryJournal, SimulatedCrash

NOW = datetime(2026, 9, 1, 12, 0, tzinfo=PARIS)  # before the test week: nothing is past
RULES = NORD_RULES
LOOSE = GuardPolicy(max_removal_share=1.0)


def sync(
    snap: Snapshot, target: FakeTarget, journal: MemoryJournal, **kw: object
) -> dict[str, int]:
    planned = plan_account(snap, RULES, target, journal, now=NOW, guards=kw.pop("guards", LOOSE))  # type: ignore[arg-type]
    result = sync_account(planned, target, journal, **kw)  # type: ignore[arg-type]
    assert result.ok, result.failures
    return dict(result.done)


def writes_planned(snap: Snapshot, target: FakeTarget, journal: MemoryJournal) -> int:
    return len(plan_account(snap, RULES, target, journal, now=NOW, guards=LOOSE).plan.writes())


def sid(kind: Kind, key: object) -> str:
    return f"hp:{BASE}:{kind.value}:{key}"


def test_first_sync_creates_then_rerun_writes_nothing() -> None:
    """A second sync with nothing changed in Hyperplanning makes zero writes."""
    target, journal = FakeTarget(), MemoryJournal()
    done = sync(small_snapshot(), target, journal)
    assert done["learner.create"] == 2 and done["session.create"] == 4
    before = target.writes
    assert writes_planned(small_snapshot(), target, journal) == 0
    sync(small_snapshot(), target, journal)
    assert target.writes == before


def test_a_changed_session_is_the_only_write() -> None:
    """Moving one session in Hyperplanning updates exactly that Edusign course."""
    target, journal = FakeTarget(), MemoryJournal()
    snap = small_snapshot()
    sync(snap, target, journal)
    moved = dict(snap.sessions)
    moved["10-2"] = dataclasses.replace(moved["10-2"], start=at(0, 9), end=at(0, 11))
    plan = plan_account(
        dataclasses.replace(snap, sessions=moved), RULES, target, journal, now=NOW, guards=LOOSE
    ).plan
    assert [(i.kind, i.action, i.sid) for i in plan.writes()] == [
        (Kind.SESSION, Action.UPDATE, sid(Kind.SESSION, "10-2"))
    ]
    assert {c.name for c in plan.writes()[0].changes} == {"start", "end"}


def test_hand_edit_is_detected_as_drift_and_restored() -> None:
    """A course renamed by hand in Edusign is reported as drift and set back."""
    target, journal = FakeTarget(), MemoryJournal()
    sync(small_snapshot(), target, journal)
    target.edit_by_hand(Kind.SESSION, sid(Kind.SESSION, "10-2"), name="Renamed by hand")
    plan = plan_account(small_snapshot(), RULES, target, journal, now=NOW, guards=LOOSE).plan
    drift = plan.drift()
    assert [(d.sid, d.drift, d.action) for d in drift] == [
        (sid(Kind.SESSION, "10-2"), "edited", Action.UPDATE)
    ]
    sync(small_snapshot(), target, journal)
    assert writes_planned(small_snapshot(), target, journal) == 0


def test_hand_deleted_record_is_recreated_once() -> None:
    """A learner deleted by hand comes back, reported as drift, without a duplicate."""
    target, journal = FakeTarget(), MemoryJournal()
    sync(small_snapshot(), target, journal)
    target.delete_by_hand(Kind.LEARNER, sid(Kind.LEARNER, 1))
    plan = plan_account(small_snapshot(), RULES, target, journal, now=NOW, guards=LOOSE).plan
    assert [(d.action, d.drift) for d in plan.drift()] == [(Action.CREATE, "deleted")]
    sync(small_snapshot(), target, journal)
    assert sorted(r.api_id for r in target.live(Kind.LEARNER)) == sorted(
        [sid(Kind.LEARNER, 1), sid(Kind.LEARNER, 6)]
    )


def test_hand_made_record_is_reported_never_deleted() -> None:
    """A learner created by hand in Edusign is listed and survives every sync."""
    target, journal = FakeTarget(), MemoryJournal()
    sync(small_snapshot(), target, journal)
    rid = target.create_by_hand(Kind.LEARNER, email="walkin@etu.test")
    plan = plan_account(small_snapshot(), RULES, target, journal, now=NOW, guards=LOOSE).plan
    assert [(i.action, i.remote_id) for i in plan.items if i.drift == "hand_made"] == [
        (Action.HAND_MADE, rid)
    ]
    sync(small_snapshot(), target, journal)
    assert rid in target.records[Kind.LEARNER]


def test_removed_sessions_are_deleted_unless_signed_or_locked() -> None:
    """Sessions gone from the planning are deleted, except signed or locked sheets."""
    target, journal = FakeTarget(), MemoryJournal()
    snap = small_snapshot()
    sync(snap, target, journal)
    target.mark(Kind.SESSION, sid(Kind.SESSION, "11-2"), signed=True)
    target.mark(Kind.SESSION, sid(Kind.SESSION, "12-2"), locked=True)
    left = {k: v for k, v in snap.sessions.items() if k not in {"10-2", "11-2", "12-2"}}
    plan = plan_account(
        dataclasses.replace(snap, sessions=left), RULES, target, journal, now=NOW, guards=LOOSE
    ).plan
    fate = {i.sid: i.action for i in plan.items if i.kind is Kind.SESSION}
    assert fate[sid(Kind.SESSION, "10-2")] is Action.REMOVE
    assert fate[sid(Kind.SESSION, "11-2")] is Action.PROTECTED
    assert fate[sid(Kind.SESSION, "12-2")] is Action.PROTECTED


def test_past_sheets_are_not_rewritten() -> None:
    """A change to a session that is already over is reported, not written."""
    target, journal = FakeTarget(), MemoryJournal()
    snap = small_snapshot()
    sync(snap, target, journal)
    renamed = dict(snap.sessions)
    renamed["10-2"] = dataclasses.replace(renamed["10-2"], memo="late edit")
    later = at(0, 12)
    plan = plan_account(
        dataclasses.replace(snap, sessions=renamed), RULES, target, journal, now=later, guards=LOOSE
    ).plan
    item = next(i for i in plan.items if i.sid == sid(Kind.SESSION, "10-2"))
    assert item.action is Action.PROTECTED and "over" in item.reason


def test_removal_guard_refuses_then_force_releases() -> None:
    """Removing most records trips the guard before any write; --force lets it through."""
    target, journal = FakeTarget(), MemoryJournal()
    snap = small_snapshot()
    sync(snap, target, journal)
    empty_learners = dataclasses.replace(
        snap, learners={k: v for k, v in snap.learners.items() if k == 2}
    )
    guards = GuardPolicy(max_removal_share=0.2, min_held_for_share=1)
    planned = plan_account(empty_learners, RULES, target, journal, now=NOW, guards=guards)
    before = target.writes
    with pytest.raises(GuardRefused, match="above the limit"):
        sync_account(planned, target, journal)
    assert target.writes == before
    assert sync_account(planned, target, journal, force=True).ok


def test_empty_source_is_refused() -> None:
    """A base with no learners while we hold records is refused: no mass archive."""
    target, journal = FakeTarget(), MemoryJournal()
    snap = small_snapshot()
    sync(snap, target, journal)
    empty = dataclasses.replace(snap, learners={}, sessions={})
    planned = plan_account(empty, RULES, target, journal, now=NOW, guards=LOOSE)
    with pytest.raises(GuardRefused, match="no learners"):
        sync_account(planned, target, journal)


@given(data=st.data(), batch=st.sampled_from([1, 2, 500]))
def test_crash_between_remote_write_and_commit_converges(data: st.DataObject, batch: int) -> None:
    """A crash after any write, then a rerun, ends like an uninterrupted run, with no duplicate."""
    clean_target, clean_journal = FakeTarget(), MemoryJournal()
    sync(small_snapshot(), clean_target, clean_journal)
    crash_at = data.draw(st.integers(min_value=1, max_value=clean_target.writes))
    target, journal = FakeTarget(crash_after=crash_at), MemoryJournal()
    with pytest.raises(SimulatedCrash):
        sync(small_snapshot(), target, journal, batch_size=batch)
    sync(small_snapshot(), target, journal, batch_size=batch)
    for kind in (Kind.LEARNER, Kind.TRAINER, Kind.TUTOR, Kind.GROUP, Kind.SESSION):
        got = sorted((r.api_id, repr(r.fields)) for r in target.live(kind))
        want = sorted((r.api_id, repr(r.fields)) for r in clean_target.live(kind))
        assert got == want, kind
    assert writes_planned(small_snapshot(), target, journal) == 0


def test_the_read_window_is_the_bases_year_and_every_session() -> None:
    """The window covers the base's year (first day - 31 days, + 366 days) and any session
    outside it: sheets of a deleted course are read, hence removed, wherever they lie."""
    from hpsync.sync.down import read_window

    snap = small_snapshot()
    first = datetime.combine(snap.base.first_day, datetime.min.time(), tzinfo=PARIS)
    since, until = read_window(snap)
    assert (since, until) == (first - timedelta(days=31), first + timedelta(days=366))
    assert since <= at(0, 8) and until >= at(4, 16)
    late = dataclasses.replace(
        next(iter(snap.sessions.values())),
        start=first + timedelta(days=400),
        end=first + timedelta(days=400, hours=2),
    )
    wide = dataclasses.replace(snap, sessions={**snap.sessions, "late": late})
    assert read_window(wide)[1] == late.end + timedelta(days=1)


def test_hand_edit_of_a_locked_sheet_is_drift_without_a_write() -> None:
    """A locked sheet edited by hand is reported as drift and left as it is."""
    target, journal = FakeTarget(), MemoryJournal()
    sync(small_snapshot(), target, journal)
    target.edit_by_hand(Kind.SESSION, sid(Kind.SESSION, "10-2"), room="Amphi")
    target.mark(Kind.SESSION, sid(Kind.SESSION, "10-2"), locked=True)
    plan = plan_account(small_snapshot(), RULES, target, journal, now=NOW, guards=LOOSE).plan
    assert plan.writes() == []
    assert [(d.action, d.drift) for d in plan.drift()] == [(Action.PROTECTED, "edited")]
