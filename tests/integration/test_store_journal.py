"""The down and up flows keep their bookkeeping in the real state store (SQLite)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from hpsync import clock as hpsync_clock
from hpsync.attendance.plan import plan_attendance
from hpsync.attendance.statuses import FinalPolicy, SheetMark
from hpsync.engine.guards import GuardPolicy
from hpsync.ports import Sheet
from hpsync.rules.policy import AccountRules
from hpsync.state import StateStore
from hpsync.sync.down import plan_account, sync_account
from hpsync.sync.store_adapters import StoreJournal, StoreLedger
from hpsync.sync.up import run_attendance
from hpsync.testing.builders import BASE, PARIS, small_snapshot
from hpsync.testing.fakes import FakeHyperplanningAbsences, FakeTarget

NOW = datetime(2026, 9, 1, tzinfo=PARIS)


def clock() -> datetime:
    return hpsync_clock.now()


def test_journal_in_sqlite_makes_the_second_sync_write_nothing(tmp_path: Path) -> None:
    """Mappings committed per batch in SQLite make a rerun plan zero writes, even reopened."""
    url = f"sqlite:///{tmp_path / 'state.db'}"
    target = FakeTarget()
    store = StateStore.open(url)
    journal = StoreJournal(store, "a", run_id=None, clock=clock)
    planned = plan_account(
        small_snapshot(), AccountRules("a"), target, journal, now=NOW, guards=GuardPolicy()
    )
    assert sync_account(planned, target, journal, batch_size=2).ok
    store.close()
    store = StateStore.open(url)
    journal = StoreJournal(store, "a", run_id=None, clock=clock)
    again = plan_account(
        small_snapshot(), AccountRules("a"), target, journal, now=NOW, guards=GuardPolicy()
    )
    assert again.plan.writes() == []
    assert {row.kind for row in store.mappings("a")} >= {"learner", "session", "trainer"}
    assert store.mappings("b") == []


def test_ledger_in_sqlite_makes_the_second_writeback_write_nothing(tmp_path: Path) -> None:
    """Ledger rows committed in SQLite make the second attendance run write nothing."""
    store = StateStore.open(f"sqlite:///{tmp_path / 'state.db'}")
    ledger = StoreLedger(store, "a", clock=clock)
    hp = FakeHyperplanningAbsences()
    session = f"hp:{BASE}:session:10-2"
    sheets = [Sheet(session, "c1", True, (SheetMark(session, f"hp:{BASE}:learner:1", False),))]
    later = datetime(2026, 10, 1, tzinfo=PARIS)
    plan = plan_attendance(small_snapshot(), sheets, ledger.entries(), FinalPolicy(), now=later)
    run_attendance(plan, hp, ledger)
    assert len(hp.absences) == 1
    plan = plan_attendance(small_snapshot(), sheets, ledger.entries(), FinalPolicy(), now=later)
    assert plan.changes == []
    assert [r.status for r in store.ledger("a")] == ["written"]


def test_lease_of_a_killed_local_run_is_reclaimed(tmp_path: Path) -> None:
    """A lease held by a dead process of this host does not block the next run."""
    import socket
    import subprocess
    import sys

    from hpsync.sync.runs import leased

    store = StateStore.open(f"sqlite:///{tmp_path / 'state.db'}")
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        capture_output=True,
        text=True,
        check=True,
    )
    store.acquire_lease("a", f"{socket.gethostname()}:{dead.stdout.strip()}", 900)
    with leased(store, "a", "me:1") as lease:
        assert lease.holder == "me:1"
    alive = f"{socket.gethostname()}:{__import__('os').getpid()}"
    store.acquire_lease("b", alive, 900)
    import pytest

    from hpsync.errors import LeaseHeld

    with pytest.raises(LeaseHeld), leased(store, "b", "me:1"):
        pass
