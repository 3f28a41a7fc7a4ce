"""An Edusign account that was not empty, and plans that must not lose anything: adoption of
what exists, people kept for the open sheets they are on, failures that stay local, honest
counts."""

from __future__ import annotations

import dataclasses
from datetime import datetime

from hpsync.engine.adopt import names_agree
from hpsync.engine.guards import GuardPolicy
from hpsync.engine.plan import Action
from hpsync.hashing import canonical_value
from hpsync.model import Kind
from hpsync.rules.policy import AccountRules, Couple, TrainerlessMode
from hpsync.sync.down import plan_account, sync_account
from hpsync.sync.runs import down_counts
from hpsync.testing.builders import BASE, PARIS, at, small_snapshot
from hpsync.testing.fakes import FakeTarget, MemoryJournal

NOW = datetime(2026, 9, 1, 12, 0, tzinfo=PARIS)
RULES = AccountRules(
    "nord",
    learner_couples=(Couple("Site", "Nord"),),
    trainerless=TrainerlessMode.FICTITIOUS,
    fictitious_email="planning@ecole.test",
)
LOOSE = GuardPolicy(max_removal_share=1.0)
CLAIRE = f"hp:{BASE}:trainer:1"
FICTITIOUS = f"hp:{BASE}:trainer:fictitious"


def plan(target: FakeTarget, journal: MemoryJournal, rules: AccountRules = RULES):  # type: ignore[no-untyped-def]
    return plan_account(small_snapshot(), rules, target, journal, now=NOW, guards=LOOSE)


def test_a_trainer_already_on_edusign_is_adopted_and_their_sessions_go_through() -> None:
    """The administrator who is the fictitious trainer has an Edusign account already: the
    plan adopts it (external id set), never creates a second one, and the sessions that
    need that trainer are created with them; the record is not also 'hand-made'."""
    target, journal = FakeTarget(), MemoryJournal()
    admin = target.create_by_hand(
        Kind.TRAINER, first_name="Admin", last_name="Planning", email="Planning@ecole.test"
    )
    planned = plan(target, journal)
    items = {(i.kind, i.sid): i for i in planned.plan.items}
    adopted = items[(Kind.TRAINER, FICTITIOUS)]
    assert adopted.action is Action.ADOPT and adopted.remote_id == admin
    assert ("api_id", "", FICTITIOUS) in {(c.name, c.before, c.after) for c in adopted.changes}
    assert "same e-mail" in adopted.reason
    assert not [i for i in planned.plan.items if i.action is Action.HAND_MADE]
    result = sync_account(planned, target, journal)
    assert result.ok, result.failures
    assert target.records[Kind.TRAINER][admin].api_id == FICTITIOUS
    trainers = [r for r in target.records[Kind.TRAINER].values() if not r.archived]
    assert len(trainers) == 2  # Claire created, the administrator adopted
    sessions = [r for r in target.records[Kind.SESSION].values()]
    assert any(r.fields["trainer_sids"] == [FICTITIOUS] for r in sessions)
    assert down_counts(planned.plan, result)["adopted"] == 1
    assert len(plan(target, journal).plan.writes()) == 0  # adopted once, then ours


def test_a_learner_from_another_connector_is_adopted_by_email_or_identifier() -> None:
    """A learner carrying another tool's external id is adopted by e-mail; one without
    e-mail match is adopted by their Hyperplanning identifier (Edusign's file number)."""
    target, journal = FakeTarget(), MemoryJournal()
    other = target.create_by_hand(Kind.LEARNER, email="lea.durand@etu.test")
    target.records[Kind.LEARNER][other] = dataclasses.replace(
        target.records[Kind.LEARNER][other], api_id="edusign-connector:991"
    )
    by_number = target.create_by_hand(Kind.LEARNER, email="old@etu.test", file_number="E6")
    items = {i.remote_id: i for i in plan(target, journal).plan.items if i.kind is Kind.LEARNER}
    assert items[other].action is Action.ADOPT and "same e-mail" in items[other].reason
    assert "another tool" in items[other].reason
    assert items[by_number].action is Action.ADOPT and "same identifier" in items[by_number].reason


def test_two_records_sharing_the_email_are_not_guessed_between() -> None:
    """Two hand-made trainers with Claire's e-mail: nothing adopted, the reason says why,
    both stay reported as hand-made."""
    target, journal = FakeTarget(), MemoryJournal()
    for _ in range(2):
        target.create_by_hand(Kind.TRAINER, email="claire.martin@ecole.test")
    items = plan(target, journal).plan.items
    claire = next(i for i in items if i.sid == CLAIRE)
    assert claire.action is Action.CREATE and "2 records on Edusign share" in claire.reason
    assert sum(1 for i in items if i.kind is Kind.TRAINER and i.action is Action.HAND_MADE) == 2


def test_sessions_of_another_connector_are_adopted_only_when_asked() -> None:
    """A sheet made by another connector at Monday 08:00-10:00 with Claire, named a bit
    differently, is adopted with adopt_sessions; without it, it is left alone and the
    planned session is created beside it."""
    target, journal = FakeTarget(), MemoryJournal()
    claire = target.create_by_hand(Kind.TRAINER, email="claire.martin@ecole.test")
    course = target.create_by_hand(
        Kind.SESSION,
        name="CM - Mathématiques (BTS SIO 1)",
        start=canonical_value(at(0, 8)),
        end=canonical_value(at(0, 10)),
        trainer_sids=[f"?{claire}"],
    )
    plain = {i.remote_id: i for i in plan(target, journal).plan.items}
    assert plain[course].action is Action.HAND_MADE
    asked = dataclasses.replace(RULES, adopt_sessions=True)
    planned = plan(target, journal, asked)
    found = {i.remote_id: i for i in planned.plan.items}
    assert found[course].action is Action.ADOPT and found[course].sid.endswith(":session:10-2")
    result = sync_account(planned, target, journal)
    assert result.ok, result.failures
    assert target.records[Kind.SESSION][course].api_id.endswith(":session:10-2")
    assert sum(1 for r in target.records[Kind.SESSION].values() if r.api_id.endswith("10-2")) == 1


def test_names_are_compared_loosely() -> None:
    """Accents, case, codes around the name pass; another subject does not."""
    assert names_agree("CM Mathématiques", "cm mathematiques")
    assert names_agree("Mathématiques", "MATH-101 Mathématiques (groupe A)")
    assert not names_agree("Mathématiques", "Anglais")


def test_a_trainer_who_cannot_be_written_fails_their_sessions_with_the_reason() -> None:
    """Claire's creation fails: her sessions are not sent and say why; others go through;
    'created' counts only what was created."""
    target, journal = FakeTarget(), MemoryJournal()
    target.fail_sids = {CLAIRE}
    planned = plan(target, journal)
    result = sync_account(planned, target, journal)
    failed = {item.sid: message for item, message in result.failures}
    assert failed[CLAIRE] == "injected failure"
    of_claire = [s for s, m in failed.items() if ":session:" in s]
    assert of_claire and all(
        failed[s] == f"not sent: its trainer {CLAIRE} is not on Edusign (see that failure)"
        for s in of_claire
    )
    counts = down_counts(planned.plan, result)
    planned_creates = sum(1 for i in planned.plan.items if i.action is Action.CREATE)
    assert counts["created"] == planned_creates - len(failed) and counts["failed"] == len(failed)


def test_a_person_still_on_an_open_sheet_made_by_hand_is_not_archived() -> None:
    """Claire leaves the planning but teaches an open sheet made by hand: she is kept
    (protected, with the reason); once that sheet is over she is archived."""
    target, journal = FakeTarget(), MemoryJournal()
    planned = plan(target, journal)
    assert sync_account(planned, target, journal).ok
    claire_id = next(
        r.remote_id for r in target.records[Kind.TRAINER].values() if r.api_id == CLAIRE
    )
    target.create_by_hand(
        Kind.SESSION, name="Soutien", trainer_sids=[CLAIRE], learner_sids=[], end=None
    )
    hand = next(
        r for r in target.records[Kind.SESSION].values() if r.fields.get("name") == "Soutien"
    )
    target.records[Kind.SESSION][hand.remote_id] = dataclasses.replace(hand, end=at(3, 18))
    snap = small_snapshot()
    gone = dataclasses.replace(
        snap,
        trainers={k: v for k, v in snap.trainers.items() if k != 1},
        sessions={
            k: dataclasses.replace(s, trainer_keys=()) if 1 in s.trainer_keys else s
            for k, s in snap.sessions.items()
        },
    )
    items = plan_account(gone, RULES, target, journal, now=NOW, guards=LOOSE).plan.items
    kept = next(i for i in items if i.sid == CLAIRE)
    assert kept.action is Action.PROTECTED and kept.remote_id == claire_id
    assert "still on 1 open sheet(s)" in kept.reason
    later = plan_account(gone, RULES, target, journal, now=at(4, 9), guards=LOOSE).plan.items
    assert next(i for i in later if i.sid == CLAIRE).action is Action.REMOVE
