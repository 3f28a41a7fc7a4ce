"""A recorded run replays from its stored inputs to the same writes (same plan hash)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from hpsync.attendance.statuses import FinalPolicy
from hpsync.audit.replay import replay_run
from hpsync.emulators.hyperplanning import start_emulator
from hpsync.engine.guards import GuardPolicy
from hpsync.hyperplanning import HyperplanningClient
from hpsync.model import Kind, Snapshot
from hpsync.rules.policy import AccountRules, Couple
from hpsync.school.dump import snapshot_to_school
from hpsync.secrets import Secret
from hpsync.state import StateStore
from hpsync.state.audit import blob_count, run_inputs
from hpsync.sync.runs import AccountSetup, run_down
from hpsync.testing.builders import PARIS, small_snapshot
from hpsync.testing.fakes import FakeTarget

NOW = datetime(2026, 9, 1, tzinfo=PARIS)
RULES = AccountRules("nord", learner_couples=(Couple("Site", "Nord"),))


def served_snapshot() -> Snapshot:
    """The small school as a real run reads it: over SOAP from the Hyperplanning emulator."""
    school = snapshot_to_school(small_snapshot())
    with start_emulator(school, user="u", password="pw-1234") as emu:
        client = HyperplanningClient(
            emu.url, "u", Secret("pw-1234"), timezone="Europe/Paris", base_id="b2026"
        )
        try:
            return client.read_snapshot()
        finally:
            client.close()


def setup(target: FakeTarget) -> AccountSetup:
    return AccountSetup("nord", RULES, GuardPolicy(), FinalPolicy(), target)  # type: ignore[arg-type]


def test_recorded_runs_replay_to_the_same_writes(tmp_path: Path) -> None:
    """A first run (creates) and a second after a hand edit (repairs) both replay identically."""
    target = FakeTarget()
    snapshot = served_snapshot()
    with StateStore.open(f"sqlite:///{tmp_path / 's.db'}") as store:
        first = run_down(store, snapshot, setup(target), now=NOW)
        learner = next(i.sid for i in first.planned.plan.writes() if i.kind is Kind.LEARNER)
        target.edit_by_hand(Kind.LEARNER, learner, email="x@y.z")
        second = run_down(store, snapshot, setup(target), now=NOW)
        assert first.planned.plan.writes() and second.planned.plan.writes()
        for done in (first, second):
            report = replay_run(store, done.run_id)
            assert report.same, report.lines()
            assert report.replayed_hash == done.planned.plan.plan_hash
            assert report.differences == []
            assert len(report.plan.writes()) == len(done.planned.plan.writes())
        one, two = run_inputs(store, first.run_id), run_inputs(store, second.run_id)
        assert one is not None and two is not None
        assert one.snapshot_digest == two.snapshot_digest  # the unchanged base is stored once
        assert one.remote_digest != two.remote_digest
        assert blob_count(store) == 6  # 1 snapshot + 1 rules + 2 remote + 2 pushed


def test_a_dry_run_keeps_no_inputs(tmp_path: Path) -> None:
    """Plans previewed with `hpsync plan` are not recorded for replay."""
    with StateStore.open(f"sqlite:///{tmp_path / 's.db'}") as store:
        done = run_down(store, small_snapshot(), setup(FakeTarget()), now=NOW, dry_run=True)
        assert run_inputs(store, done.run_id) is None and blob_count(store) == 0


def test_replay_lists_items_whose_content_differs_with_their_fields(tmp_path: Path) -> None:
    """The same items with other content (a learner renamed in the stored inputs) make
    the replay DIFFERENT, and the differing item is listed by name with both versions."""
    import json

    from sqlalchemy import update

    from hpsync.state import schema as t

    target = FakeTarget()
    with StateStore.open(f"sqlite:///{tmp_path / 's.db'}") as store:
        done = run_down(store, small_snapshot(), setup(target), now=NOW)
        item = next(i for i in done.planned.plan.writes() if i.kind is Kind.LEARNER)
        # what was recorded as planned says another first name than the inputs give
        details = {"reason": "", "drift": "", "changes": [
            {"field": "first_name", "before": None, "after": "Léonie"}
        ]}  # fmt: skip
        with store.writing() as conn:
            conn.execute(
                update(t.plan_items)
                .where(t.plan_items.c.run_id == done.run_id, t.plan_items.c.item_key == item.key)
                .values(details_json=json.dumps(details))
            )
        report = replay_run(store, done.run_id)
        (line,) = report.differences
        assert item.title() in line and "Léonie" in line and "recorded create" in line


def test_a_refused_approved_plan_names_who_and_which_fields() -> None:
    """An approved update that became another update says the person and the fields."""
    import pytest

    from hpsync.engine.approval import check_approved
    from hpsync.engine.plan import Action, FieldChange, Plan, PlanItem
    from hpsync.errors import PlanChanged

    def plan(after: str) -> Plan:
        change = FieldChange("last_name", "Durand", after)
        item = PlanItem(
            Kind.LEARNER,
            Action.UPDATE,
            "hp:b:learner:1",
            "r1",
            summary="Léa Durand <lea.durand@etu.test>",
            changes=(change,),
        )
        return Plan("nord", "b", (item,))

    approved = plan("Durand-Martin").to_json()
    with pytest.raises(PlanChanged) as caught:
        check_approved(approved, plan("Martin"))
    text = str(caught.value)
    assert "Léa Durand <lea.durand@etu.test>" in text
    assert "last_name: Durand → Durand-Martin" in text and "last_name: Durand → Martin" in text
