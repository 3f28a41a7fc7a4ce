"""The yearly switch: same people continue on Edusign, leavers archived, joiners created."""

from __future__ import annotations

import dataclasses
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from hpsync.attendance.statuses import FinalPolicy
from hpsync.engine.guards import GuardPolicy
from hpsync.errors import GuardRefused
from hpsync.model import BaseInfo, Kind, Learner, Snapshot
from hpsync.rules.policy import AccountRules
from hpsync.state import StateStore
from hpsync.sync.runs import AccountSetup, run_down
from hpsync.testing.builders import PARIS, small_snapshot
from hpsync.testing.fakes import FakeTarget
from hpsync.year.guard import SwitchThresholds
from hpsync.year.match import match_people
from hpsync.year.switch import apply_switch, plan_switch

OFFSET = 1000
NOW = datetime(2026, 9, 1, tzinfo=PARIS)


def next_year(old: Snapshot) -> Snapshot:
    """Same school, new keys, learner 2 leaves, a new learner joins, sessions a year later."""
    learners = {
        k + OFFSET: dataclasses.replace(
            v,
            key=k + OFFSET,
            group_keys=frozenset(g + OFFSET for g in v.group_keys),
            tutor_keys=tuple(t + OFFSET for t in v.tutor_keys),
        )
        for k, v in old.learners.items()
        if k != 2
    }
    learners[1007] = Learner(
        1007, "Neuf", "Ana", "ana.neuf@etu.test", "E7", group_keys=frozenset({1100})
    )
    sessions = {}
    for session in old.sessions.values():
        key = f"{session.course_key + OFFSET}-2"
        sessions[key] = dataclasses.replace(
            session,
            key=key,
            course_key=session.course_key + OFFSET,
            start=session.start + timedelta(days=364),
            end=session.end + timedelta(days=364),
            trainer_keys=tuple(t + OFFSET for t in session.trainer_keys),
            group_keys=tuple(g + OFFSET for g in session.group_keys),
            learner_keys=(*(k + OFFSET for k in session.learner_keys if k != 2), 1007),
        )
    return dataclasses.replace(
        old,
        base=BaseInfo("ecole-2027", "HP 2027", date(2027, 8, 30), "Europe/Paris"),
        learners=learners,
        trainers={
            k + OFFSET: dataclasses.replace(v, key=k + OFFSET) for k, v in old.trainers.items()
        },
        tutors={k + OFFSET: dataclasses.replace(v, key=k + OFFSET) for k, v in old.tutors.items()},
        groups={k + OFFSET: dataclasses.replace(v, key=k + OFFSET) for k, v in old.groups.items()},
        sessions=sessions,
        exemptions=(),
    )


def setup(target: FakeTarget) -> AccountSetup:
    return AccountSetup(
        "a",
        AccountRules("a", tutors=True),
        GuardPolicy(max_removal_share=0.5),
        FinalPolicy(),
        target,
    )  # type: ignore[arg-type]


def test_matching_uses_identifiers_and_reports_leavers_and_joiners() -> None:
    """Learners match by identifier; the leaver and the joiner are listed."""
    old = small_snapshot()
    matching = match_people(old, next_year(old))
    learners = matching[Kind.LEARNER]
    assert learners.pairs[1] == (1001, "identifier")
    assert learners.leavers == [2]
    assert learners.joiners == [1007]


def test_switch_then_sync_keeps_people_and_leaves_last_year_alone(tmp_path: Path) -> None:
    """After the switch no learner is duplicated, the leaver is archived, old sheets stay."""
    store = StateStore.open(f"sqlite:///{tmp_path / 's.db'}")
    target = FakeTarget()
    old = small_snapshot()
    run_down(store, old, setup(target), now=NOW)
    old_sessions = {r.api_id for r in target.live(Kind.SESSION)}
    new = next_year(old)
    with pytest.raises(GuardRefused, match="year switch"):
        run_down(store, new, setup(target), now=NOW)  # the classic accident is refused
    report = plan_switch(
        store,
        ["a"],
        old,
        new,
        order=("identifier", "ine", "email"),
        thresholds=SwitchThresholds(),
    )
    assert not report.refused, report.refused
    apply_switch(store, ["a"], report, force=False, reason="")
    assert report.renamed["a"] > 0
    run_down(store, new, setup(target), now=NOW)
    emails = [r.fields["email"] for r in target.live(Kind.LEARNER)]
    assert len(emails) == len(set(emails))
    assert "hugo.martin@etu.test" not in emails  # the leaver is archived
    assert "ana.neuf@etu.test" in emails  # the joiner is created
    assert old_sessions <= {r.api_id for r in target.live(Kind.SESSION)}  # history untouched
    assert run_down(store, new, setup(target), now=NOW).counts["writes_planned"] == 0
