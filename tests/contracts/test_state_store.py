"""The journal and ledger contracts on the memory fakes and on the state store
(``StoreJournal``/``StoreLedger``) over SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from hpsync.engine.plan import Action, PlanItem
from hpsync.model import Kind
from hpsync.ports import WriteOutcome
from hpsync.state import StateStore
from hpsync.sync.down import PushState
from hpsync.sync.store_adapters import StoreJournal, StoreLedger
from hpsync.testing.contracts import JournalContract, Ledger, LedgerContract
from hpsync.testing.fakes import MemoryJournal, MemoryLedger
from state.conftest import FakeClock

ACCOUNT = "contracts"


@pytest.fixture
def open_store(store_url: str) -> Iterator[Callable[[], StateStore]]:
    """Open the same state database again and again (each a new connection pool, as a
    new process would), all closed at the end."""
    opened: list[StateStore] = []

    def open_() -> StateStore:
        store = StateStore.open(store_url, clock=FakeClock())
        opened.append(store)
        return store

    yield open_
    for store in opened:
        store.close()


class TestMemoryJournal(JournalContract):
    """``testing.fakes.MemoryJournal``: opening it again is the same object."""

    @pytest.fixture
    def open_journal(self) -> Callable[[], PushState]:
        journal = MemoryJournal()
        return lambda: journal


class TestStoreJournal(JournalContract):
    """``StoreJournal`` over the state store, on SQLite and PostgreSQL."""

    @pytest.fixture
    def open_journal(self, open_store: Callable[[], StateStore]) -> Callable[[], PushState]:
        return lambda: StoreJournal(open_store(), ACCOUNT, run_id=None, clock=FakeClock())

    def test_a_removed_person_is_kept_as_an_archived_row(
        self, open_store: Callable[[], StateStore]
    ) -> None:
        """Beyond the port: the store keeps a removed learner's remote id as an archived
        mapping row (the memory journal drops it; through ``pushed()`` both agree), while
        a removed session's row is deleted."""
        store = open_store()
        journal = StoreJournal(store, ACCOUNT, run_id=None, clock=FakeClock())
        for kind, sid in ((Kind.LEARNER, "s:1"), (Kind.SESSION, "c:1")):
            item = PlanItem(kind, Action.CREATE, sid, content_hash="h")
            journal.commit(kind, [(item, WriteOutcome(item.key, True, f"r-{sid}"))])
            gone = PlanItem(kind, Action.REMOVE, sid, f"r-{sid}")
            journal.commit(kind, [(gone, WriteOutcome(gone.key, True, f"r-{sid}"))])
        rows = [(r.kind, r.source_id, r.remote_id, r.state) for r in open_store().mappings(ACCOUNT)]
        assert rows == [("learner", "s:1", "r-s:1", "archived")]
        assert journal.pushed() == {}


class TestMemoryLedger(LedgerContract):
    """``testing.fakes.MemoryLedger``: opening it again is the same object."""

    @pytest.fixture
    def open_ledger(self) -> Callable[[], Ledger]:
        ledger = MemoryLedger()
        return lambda: ledger


class TestStoreLedger(LedgerContract):
    """``StoreLedger`` over the state store, on SQLite and PostgreSQL."""

    @pytest.fixture
    def open_ledger(self, open_store: Callable[[], StateStore]) -> Callable[[], Ledger]:
        return lambda: StoreLedger(open_store(), ACCOUNT, clock=FakeClock())
