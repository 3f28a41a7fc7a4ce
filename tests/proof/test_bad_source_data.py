"""Bad data from Hyperplanning: one clear anomaly per bad record, and the run still completes.

Each case adds one bad record to the small snapshot; the plan must carry an anomaly with
the expected code naming that record, and planning then applying against a fake Edusign
must still create the good records. Cases the core does not report yet are strict xfails.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import datetime
from typing import Any

import pytest

from hpsync.engine.guards import GuardPolicy
from hpsync.model import Group, Kind, Learner, Session, Snapshot, Trainer
from hpsync.rules.outcome import AnomalyCode
from hpsync.rules.policy import AccountRules, Couple
from hpsync.sync.down import plan_account, sync_account
from hpsync.testing.builders import BASE, NORD, PARIS, at, small_snapshot
from hpsync.testing.fakes import FakeTarget, MemoryJournal

NOW = datetime(2026, 9, 1, 12, 0, tzinfo=PARIS)
RULES = AccountRules("nord", learner_couples=(Couple("Site", "Nord"),), tutors=True)
LOOSE = GuardPolicy(max_removal_share=1.0)
GOOD_SESSION = f"hp:{BASE}:session:10-2"
GOOD_LEARNER = f"hp:{BASE}:learner:1"


def with_session(start: datetime, end: datetime, **kw: object) -> Snapshot:
    snap = small_snapshot()
    fields: dict[str, object] = {
        "trainer_keys": (1,),
        "room_keys": (1,),
        "group_keys": (100,),
        "learner_keys": (1, 6),
        **kw,
    }
    bad = Session("90-2", 90, start, end, 1, "CM", **fields)  # type: ignore[arg-type]
    return dataclasses.replace(snap, sessions={**snap.sessions, "90-2": bad})


def with_learner(**kw: object) -> Snapshot:
    snap = small_snapshot()
    fields: dict[str, object] = {
        "last_name": "Neuf",
        "first_name": "Alix",
        "email": "alix.neuf@etu.test",
        "group_keys": frozenset({100}),
        "rubric_keys": frozenset({NORD}),
        **kw,
    }
    learner = Learner(9, **fields)  # type: ignore[arg-type]
    sessions = {
        k: dataclasses.replace(s, learner_keys=(*s.learner_keys, 9))
        for k, s in snap.sessions.items()
    }
    return dataclasses.replace(snap, learners={**snap.learners, 9: learner}, sessions=sessions)


def with_trainer_twin() -> Snapshot:
    snap = small_snapshot()
    twin = Trainer(3, "Martin", "Claire-Bis", "claire.martin@ecole.test")
    session = dataclasses.replace(snap.sessions["11-2"], trainer_keys=(3,))
    return dataclasses.replace(
        snap,
        trainers={**snap.trainers, 3: twin},
        sessions={**snap.sessions, "11-2": session},
        groups={**snap.groups, 102: Group(102, snap.groups[100].kind, "spare")},
    )


NOT_REPORTED = "build_desired drops it silently: no anomaly names the record"

BOTH = frozenset({GOOD_SESSION, GOOD_LEARNER})
TWIN_BLOCKS = frozenset({GOOD_LEARNER})  # a shared trainer e-mail blocks Claire's sessions too
BAD_TIMES = AnomalyCode.SESSION_BAD_TIMES
UNKNOWN = AnomalyCode.UNKNOWN_REFERENCE


def case(
    name: str,
    make: Callable[[], Snapshot],
    code: AnomalyCode,
    where: tuple[str, str],
    *,
    bug: str = "",
    good: frozenset[str] = BOTH,
) -> Any:
    """One row: the snapshot, the anomaly expected on (kind, key), the records that sync."""
    marks = [pytest.mark.xfail(strict=True, reason=bug)] if bug else []
    return pytest.param(make, code, *where, good, id=name, marks=marks)


def in_2031() -> Snapshot:
    return with_session(
        datetime(2031, 3, 3, 8, tzinfo=PARIS), datetime(2031, 3, 3, 10, tzinfo=PARIS)
    )


CASES = [
    case(
        "end-before-start",
        lambda: with_session(at(0, 14), at(0, 12)),
        BAD_TIMES,
        ("session", "90-2"),
    ),
    case(
        "zero-minutes", lambda: with_session(at(0, 14), at(0, 14)), BAD_TIMES, ("session", "90-2")
    ),
    case(
        "thirty-hours", lambda: with_session(at(0, 14), at(1, 20)), BAD_TIMES, ("session", "90-2")
    ),
    case(
        "unknown-trainer-only",
        lambda: with_session(at(0, 14), at(0, 16), trainer_keys=(99,)),
        AnomalyCode.SESSION_NO_TRAINER,
        ("course", "90"),
    ),
    case(
        "unknown-trainer-beside-a-known-one",
        lambda: with_session(at(0, 14), at(0, 16), trainer_keys=(1, 99)),
        UNKNOWN,
        ("session", "90-2"),
    ),
    case(
        "unknown-room",
        lambda: with_session(at(0, 14), at(0, 16), room_keys=(77,)),
        UNKNOWN,
        ("session", "90-2"),
    ),
    case(
        "unknown-learner-on-session",
        lambda: with_session(at(0, 14), at(0, 16), learner_keys=(1, 6, 404)),
        UNKNOWN,
        ("session", "90-2"),
    ),
    case(
        "learner-in-unknown-group",
        lambda: with_learner(group_keys=frozenset({100, 555})),
        UNKNOWN,
        ("learner", "9"),
    ),
    case(
        "duplicate-learner-email",
        lambda: with_learner(email="LEA.DURAND@etu.test "),
        AnomalyCode.LEARNER_DUPLICATE_EMAIL,
        ("learner", "9"),
    ),
    case(
        "duplicate-trainer-email",
        with_trainer_twin,
        AnomalyCode.TRAINER_DUPLICATE_EMAIL,
        ("trainer", "3"),
        good=TWIN_BLOCKS,
    ),
    case(
        "invalid-learner-email",
        lambda: with_learner(email="alix@@etu"),
        AnomalyCode.LEARNER_INVALID_EMAIL,
        ("learner", "9"),
    ),
    case(
        "empty-learner-names",
        lambda: with_learner(first_name="", last_name=" "),
        AnomalyCode.RECORD_INCOMPLETE,
        ("learner", "9"),
    ),
    case(
        "session-outside-the-base-year",
        in_2031,
        BAD_TIMES,
        ("session", "90-2"),
    ),
]


@pytest.mark.parametrize(("make", "code", "kind", "key", "good"), CASES)
def test_bad_record_is_reported_and_the_rest_is_synchronised(
    make: Callable[[], Snapshot], code: AnomalyCode, kind: str, key: str, good: frozenset[str]
) -> None:
    """The bad record has one anomaly naming it, and the good records still reach Edusign."""
    snap = make()
    target, journal = FakeTarget(), MemoryJournal()
    planned = plan_account(snap, RULES, target, journal, now=NOW, guards=LOOSE)
    result = sync_account(planned, target, journal, force=True)
    assert result.ok, result.failures
    live = {r.api_id for kind_ in Kind for r in target.live(kind_)}
    assert good <= live
    named = [a for a in planned.plan.anomalies if (a.kind, a.key) == (kind, key)]
    assert [a.code for a in named] == [code], [a.render() for a in planned.plan.anomalies]
    assert f"{kind} {key} " in named[0].render()
