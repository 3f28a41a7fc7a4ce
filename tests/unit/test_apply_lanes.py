"""The executor's lanes: kinds written side by side, learners linked to tutors afterwards."""

from __future__ import annotations

import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

import pytest

from hpsync.engine.guards import GuardPolicy
from hpsync.engine.plan import Action, PlanItem
from hpsync.errors import RecordError
from hpsync.model import Kind
from hpsync.ports import WriteOutcome
from hpsync.rules.policy import AccountRules
from hpsync.sync.down import plan_account, sync_account
from hpsync.testing.builders import BASE, PARIS, small_snapshot
from hpsync.testing.fakes import FakeTarget, MemoryJournal

NOW = datetime(2026, 9, 1, 12, 0, tzinfo=PARIS)  # before the test week: nothing is past
RULES = AccountRules("nord", tutors=True)
LOOSE = GuardPolicy(max_removal_share=1.0)


def sid(kind: Kind, key: object) -> str:
    return f"hp:{BASE}:{kind.value}:{key}"


def writes_planned(target: FakeTarget, journal: MemoryJournal) -> int:
    return len(plan_account(small_snapshot(), RULES, target, journal, now=NOW, guards=LOOSE)
               .plan.writes())  # fmt: skip


@dataclass
class GatedTarget(FakeTarget):
    """Tutor writes block until a session has been written: only lanes can finish."""

    session_written: threading.Event = field(default_factory=threading.Event)
    order: list[Kind] = field(default_factory=list)

    def write(
        self, kind: Kind, items: Sequence[PlanItem], ids: Mapping[str, str]
    ) -> list[WriteOutcome]:
        if kind is Kind.TUTOR and not self.session_written.wait(timeout=10):
            raise AssertionError("sessions waited for tutors")
        out = super().write(kind, items, ids)
        self.order.append(kind)
        if kind is Kind.SESSION:
            self.session_written.set()
        return out


def test_sessions_do_not_wait_for_tutors_and_learners_get_linked() -> None:
    """Sessions go out while tutors are still pending; learners get their tutors after."""
    target, journal = GatedTarget(), MemoryJournal()
    planned = plan_account(small_snapshot(), RULES, target, journal, now=NOW, guards=LOOSE)
    result = sync_account(planned, target, journal)
    assert result.ok, result.failures
    assert target.order.index(Kind.SESSION) < target.order.index(Kind.TUTOR)
    tutors = {r.api_id: r.remote_id for r in target.live(Kind.TUTOR)}
    learners = {r.api_id: r for r in target.live(Kind.LEARNER)}
    linked = [r for r in learners.values() if r.fields["tutor_sids"]]
    assert linked and result.done["learner.link"] == len(linked)
    for record in linked:
        assert set(record.fields["tutor_sids"]) <= set(tutors)
    desired = {i.sid: i.record for i in planned.plan.items if i.kind is Kind.LEARNER}
    for api_id, record in learners.items():
        assert tuple(record.fields["tutor_sids"]) == desired[api_id].tutor_sids  # type: ignore[union-attr]
    assert writes_planned(target, journal) == 0


def test_a_tutor_that_failed_is_linked_on_the_next_run_without_drift() -> None:
    """The learner is written without the missing tutor; the next run adds it, no false drift."""
    tutor = sid(Kind.TUTOR, 1)
    target, journal = FakeTarget(fail_sids={tutor}), MemoryJournal()
    planned = plan_account(small_snapshot(), RULES, target, journal, now=NOW, guards=LOOSE)
    result = sync_account(planned, target, journal)
    assert [item.sid for item, _ in result.failures] == [tutor]
    assert not any(tutor in r.fields["tutor_sids"] for r in target.live(Kind.LEARNER))
    target.fail_sids.clear()
    again = plan_account(small_snapshot(), RULES, target, journal, now=NOW, guards=LOOSE).plan
    fixes = {(i.kind, i.action) for i in again.writes()}
    assert fixes == {(Kind.TUTOR, Action.CREATE), (Kind.LEARNER, Action.UPDATE)}
    assert again.drift() == []
    assert sync_account(plan_account(small_snapshot(), RULES, target, journal, now=NOW,
                                     guards=LOOSE), target, journal).ok  # fmt: skip
    assert any(tutor in r.fields["tutor_sids"] for r in target.live(Kind.LEARNER))
    assert writes_planned(target, journal) == 0


@dataclass
class BrokenTrainers(FakeTarget):
    """Refuses every trainer write with an error that stops the run (bad credentials)."""

    def write(
        self, kind: Kind, items: Sequence[PlanItem], ids: Mapping[str, str]
    ) -> list[WriteOutcome]:
        if kind is Kind.TRAINER:
            raise RecordError("Edusign refused the API key", hint="check api_key")
        return super().write(kind, items, ids)


def test_an_error_in_one_lane_stops_the_run_and_is_raised() -> None:
    """Sessions (which need trainers) are not written, and the error reaches the caller."""
    target, journal = BrokenTrainers(), MemoryJournal()
    planned = plan_account(small_snapshot(), RULES, target, journal, now=NOW, guards=LOOSE)
    with pytest.raises(RecordError, match="API key"):
        sync_account(planned, target, journal)
    assert target.live(Kind.SESSION) == []
    recorded = {kind for kind, _sid in journal.pushed_rows}
    assert Kind.SESSION not in recorded and Kind.TRAINER not in recorded
