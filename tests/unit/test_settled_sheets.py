"""Sheets read as they were pushed are kept as ids only, and the plan is the one the
whole records give (``engine.settle``): same items, same counts, same hash."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import datetime, timedelta

import pytest

from hpsync.audit.codec import remote_document, remote_from_json
from hpsync.audit.record import ReadRecorder
from hpsync.engine.desired import build_desired
from hpsync.engine.diff import build_plan
from hpsync.engine.guards import GuardPolicy
from hpsync.engine.plan import Action, Plan
from hpsync.json_stream import materialize
from hpsync.model import Kind, Snapshot
from hpsync.sync.down import plan_account, read_window, sync_account
from hpsync.testing.builders import BASE, NORD_RULES, PARIS, small_snapshot
from hpsync.testing.fakes import FakeTarget, MemoryJournal

NOW = datetime(2026, 9, 1, 12, 0, tzinfo=PARIS)
RULES = NORD_RULES
LOOSE = GuardPolicy(max_removal_share=1.0)


def sid(kind: Kind, key: object) -> str:
    return f"hp:{BASE}:{kind.value}:{key}"


def synced() -> tuple[Snapshot, FakeTarget, MemoryJournal]:
    snap, target, journal = small_snapshot(), FakeTarget(), MemoryJournal()
    planned = plan_account(snap, RULES, target, journal, now=NOW, guards=LOOSE)
    assert sync_account(planned, target, journal).ok
    return snap, target, journal


def whole_records_plan(snap: Snapshot, target: FakeTarget, journal: MemoryJournal) -> Plan:
    """The plan of every sheet held as a record: what the diff made before settling."""
    since, until = read_window(snap)
    remote = target.read(since=since, until=until)
    assert not remote.settled
    return build_plan(build_desired(snap, RULES), remote, journal.pushed(), now=NOW)


def _nothing(snap: Snapshot, target: FakeTarget) -> Snapshot:
    return snap


def _renamed_by_hand(snap: Snapshot, target: FakeTarget) -> Snapshot:
    target.edit_by_hand(Kind.SESSION, sid(Kind.SESSION, "10-2"), name="Renamed by hand")
    return snap


def _deleted_by_hand(snap: Snapshot, target: FakeTarget) -> Snapshot:
    target.delete_by_hand(Kind.SESSION, sid(Kind.SESSION, "10-2"))
    return snap


def _locked_and_signed(snap: Snapshot, target: FakeTarget) -> Snapshot:
    target.mark(Kind.SESSION, sid(Kind.SESSION, "10-2"), locked=True)
    target.mark(Kind.SESSION, sid(Kind.SESSION, "11-2"), signed=True)
    return snap


def _moved_in_hyperplanning(snap: Snapshot, target: FakeTarget) -> Snapshot:
    sessions = dict(snap.sessions)
    moved = sessions["10-2"]
    sessions["10-2"] = dataclasses.replace(
        moved, start=moved.start + timedelta(hours=1), end=moved.end + timedelta(hours=1)
    )
    del sessions["11-2"]
    return dataclasses.replace(snap, sessions=sessions)


def _a_trainer_leaves(snap: Snapshot, target: FakeTarget) -> Snapshot:
    """Trainer 2 teaches one session only: the others stay as they are, open."""
    trainers = dict(snap.trainers)
    del trainers[2]
    return dataclasses.replace(snap, trainers=trainers)


def _an_archived_twin(snap: Snapshot, target: FakeTarget) -> Snapshot:
    sheets = target.records[Kind.SESSION]
    original = next(r for r in sheets.values() if r.api_id == sid(Kind.SESSION, "10-2"))
    sheets["a0"] = dataclasses.replace(original, remote_id="a0", archived=True)
    return snap


@pytest.mark.parametrize(
    "change",
    [
        _nothing,
        _renamed_by_hand,
        _deleted_by_hand,
        _locked_and_signed,
        _moved_in_hyperplanning,
        _a_trainer_leaves,
        _an_archived_twin,
    ],
)
def test_settling_sheets_as_they_are_read_changes_nothing_in_the_plan(
    change: Callable[[Snapshot, FakeTarget], Snapshot],
) -> None:
    snap, target, journal = synced()
    snap = change(snap, target)
    expected = whole_records_plan(snap, target, journal)
    reads = ReadRecorder(target)
    planned = plan_account(snap, RULES, reads, journal, now=NOW, guards=LOOSE)
    assert reads.remote is not None and reads.remote.settled  # the other sheets settled
    assert planned.plan.plan_hash == expected.plan_hash
    assert planned.plan.to_json() == expected.to_json()
    assert planned.sheets_read == len(target.records[Kind.SESSION])
    # and a replay of the recorded remote state plans the same again
    again = remote_from_json(materialize(remote_document(reads.remote)))
    assert again.settled == reads.remote.settled
    assert again.settled_seats == reads.remote.settled_seats
    replayed = build_plan(build_desired(snap, RULES), again, journal.pushed(), now=NOW)
    assert replayed.plan_hash == expected.plan_hash


@pytest.mark.parametrize("twin_id", ["a0", "zz9"])
def test_a_live_twin_of_a_settled_sheet_is_the_duplicate_whatever_its_id(twin_id: str) -> None:
    """The sheet the journal holds, read as pushed, stays; a live copy carrying its
    external id is reported as a duplicate to remove by hand, before or after it in
    Edusign's order."""
    snap, target, journal = synced()
    sheets = target.records[Kind.SESSION]
    original = next(r for r in sheets.values() if r.api_id == sid(Kind.SESSION, "10-2"))
    sheets[twin_id] = dataclasses.replace(original, remote_id=twin_id)
    plan = plan_account(snap, RULES, target, journal, now=NOW, guards=LOOSE).plan
    assert [(i.action, i.remote_id, i.drift) for i in plan.items] == [
        (Action.PROTECTED, twin_id, "duplicate")
    ]
    assert plan.writes() == []


def test_an_open_settled_sheet_counts_its_people() -> None:
    """Whom an open sheet left as it is holds is kept with the settled ids (what the
    guard against archiving someone still on a sheet reads); a locked one holds nobody."""
    snap, target, journal = synced()
    target.mark(Kind.SESSION, sid(Kind.SESSION, "10-2"), locked=True)
    reads = ReadRecorder(target)
    plan_account(snap, RULES, reads, journal, now=NOW, guards=LOOSE)
    remote = reads.remote
    assert remote is not None
    open_sheets = [
        r
        for r in target.records[Kind.SESSION].values()
        if r.api_id in remote.settled and not r.locked and not r.signed
    ]
    assert open_sheets and sid(Kind.SESSION, "10-2") in remote.settled
    rosters = [tuple(r.fields["trainer_sids"]) for r in open_sheets] + [
        tuple(r.fields["learner_sids"]) for r in open_sheets
    ]
    assert sum(remote.settled_seats.values()) == len(rosters)
    for roster in rosters:
        assert remote.settled_seats[roster] >= 1
