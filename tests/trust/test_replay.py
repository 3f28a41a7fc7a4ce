"""A recorded run replays from its stored inputs to the same writes (same plan hash)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from hpsync.attendance.statuses import FinalPolicy
from hpsync.emulators.hyperplanning import start_emulator
from hpsync.engine.guards import GuardPolicy
from hpsync.hyperplanning import HyperplanningClient
from hpsync.model import Kind, Snapshot
from hpsync.rules.policy import AccountRules, Couple
from hpsync.secrets import Secret
from hpsync.state import StateStore
from hpsync.state.audit import blob_count, run_inputs
from hpsync.sync.runs import AccountSetup, run_down
from hpsync.testing.builders import PARIS, small_snapshot
from hpsync.testing.fakes import FakeTarget
from hpsync.trust.replay import replay_run
from hpsync.trust.school import snapshot_to_school

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
