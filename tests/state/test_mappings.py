"""Id mappings, renaming of source ids, and isolation between accounts."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy.exc import StatementError

from hpsync.errors import UsageError
from hpsync.state import LedgerRow, MappingRow, StateStore

T0 = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)


def m(account: str, kind: str, sid: str, remote: str = "", h: str = "h") -> MappingRow:
    return MappingRow(account, kind, sid, remote or f"r-{sid}", h, T0)


def led(account: str, session: str, learner: str, kind: str = "absence") -> LedgerRow:
    return LedgerRow(
        account, session, learner, kind, "written", "fp", T0, T0 + timedelta(hours=1),
        False, "", "", 1, T0,
    )  # fmt: skip


def test_put_get_and_list_mappings(store: StateStore) -> None:
    """Stored mappings come back by key and listed by kind, in a stable order."""
    store.put_mappings("nord", [m("nord", "learner", "L2"), m("nord", "learner", "L1"),
                                m("nord", "group", "G1")])  # fmt: skip
    assert store.get_mapping("nord", "learner", "L1") == m("nord", "learner", "L1")
    assert store.get_mapping("nord", "learner", "missing") is None
    assert [r.source_id for r in store.mappings("nord", "learner")] == ["L1", "L2"]
    assert [(r.kind, r.source_id) for r in store.mappings("nord")] == [
        ("group", "G1"), ("learner", "L1"), ("learner", "L2"),
    ]  # fmt: skip


def test_active_mappings_stream_the_accounts_live_rows(store: StateStore) -> None:
    """What the journal is read from: the account's active rows only, as plain tuples."""
    store.put_mappings("nord", [m("nord", "learner", "L1", "r1", "h1"),
                                m("nord", "session", "C1", "r2", "h2"),
                                replace(m("nord", "learner", "L2"), state="archived")])  # fmt: skip
    store.put_mappings("sud", [m("sud", "learner", "L1", "r3", "h3")])
    assert sorted(store.active_mappings("nord")) == [
        ("learner", "L1", "r1", "h1"), ("session", "C1", "r2", "h2"),
    ]  # fmt: skip


def test_put_mappings_upserts(store: StateStore) -> None:
    """Putting a mapping again replaces its remote id, hash, state and fingerprint."""
    store.put_mappings("nord", [m("nord", "learner", "L1", "r1", "old")])
    later = T0 + timedelta(days=1)
    new = MappingRow("nord", "learner", "L1", "r9", "new", later, "archived", "fp2")
    store.put_mappings("nord", [new])
    assert store.mappings("nord") == [new]


def test_pushed_at_round_trips_as_aware_utc(store: StateStore) -> None:
    """A datetime given in another zone comes back as the same instant, in UTC."""
    paris = timezone(timedelta(hours=1))
    row = MappingRow("nord", "learner", "L1", "r1", "h", datetime(2026, 3, 2, 9, tzinfo=paris))
    store.put_mappings("nord", [row])
    got = store.get_mapping("nord", "learner", "L1")
    assert got is not None
    assert got.pushed_at == T0
    assert got.pushed_at.tzinfo == UTC


def test_naive_datetime_is_refused(store: StateStore) -> None:
    """A naive datetime is a bug in the caller and is refused, not guessed."""
    row = MappingRow("nord", "learner", "L1", "r1", "h", datetime(2026, 3, 2))
    with pytest.raises(StatementError, match="naive datetime"):
        store.put_mappings("nord", [row])


def test_rows_of_another_account_are_refused(store: StateStore) -> None:
    """put_mappings refuses a row whose account is not the one named."""
    with pytest.raises(ValueError, match="account"):
        store.put_mappings("nord", [m("sud", "learner", "L1")])


def test_delete_mappings(store: StateStore) -> None:
    """Deleted mappings are gone; others of the same kind and unknown ids are untouched."""
    store.put_mappings("nord", [m("nord", "learner", f"L{i}") for i in range(5)])
    store.delete_mappings("nord", "learner", ["L1", "L3", "nope"])
    assert [r.source_id for r in store.mappings("nord")] == ["L0", "L2", "L4"]


def test_twenty_thousand_mappings_in_one_batch(store: StateStore) -> None:
    """A large batch (20k rows) is stored whole, and a second put replaces it in place."""
    rows = [m("nord", "session", f"S{i:05}") for i in range(20_000)]
    store.put_mappings("nord", rows)
    store.put_mappings("nord", [replace(r, content_hash="x") for r in rows])
    got = store.mappings("nord", "session")
    assert len(got) == 20_000
    assert {r.content_hash for r in got} == {"x"}


def test_rekey_renames_mappings_and_ledger(store: StateStore) -> None:
    """Renaming source ids moves mappings and ledger rows (session and learner ids)."""
    store.put_mappings("nord", [m("nord", "learner", "L1", "r1"), m("nord", "session", "S1")])
    store.ledger_put(led("nord", "S1", "L1"))
    store.ledger_put(led("nord", "S2", "L2"))
    changed = store.rekey("nord", {"L1": "L1b", "S1": "S1b"})
    assert changed == 3
    assert store.get_mapping("nord", "learner", "L1") is None
    got = store.get_mapping("nord", "learner", "L1b")
    assert got is not None and got.remote_id == "r1"
    assert store.get_mapping("nord", "session", "S1b") is not None
    assert store.ledger_get("nord", "S1b", "L1b", "absence") is not None
    assert store.ledger_get("nord", "S1", "L1", "absence") is None
    assert store.ledger_get("nord", "S2", "L2", "absence") is not None


def test_rekey_handles_swaps(store: StateStore) -> None:
    """Swapping two ids (a→b, b→a) exchanges their rows instead of colliding."""
    store.put_mappings("nord", [m("nord", "learner", "A", "rA"), m("nord", "learner", "B", "rB")])
    assert store.rekey("nord", {"A": "B", "B": "A"}) == 2
    a = store.get_mapping("nord", "learner", "A")
    b = store.get_mapping("nord", "learner", "B")
    assert a is not None and a.remote_id == "rB"
    assert b is not None and b.remote_id == "rA"


def test_rekey_refuses_to_overwrite_and_changes_nothing(store: StateStore) -> None:
    """A rename onto an id still in use is refused and leaves every row as it was."""
    store.put_mappings("nord", [m("nord", "learner", "A", "rA"), m("nord", "learner", "B", "rB")])
    store.put_mappings("nord", [m("nord", "session", "S1")])
    with pytest.raises(UsageError, match="overwrite"):
        store.rekey("nord", {"S1": "S9", "A": "B"})
    assert [(r.source_id, r.remote_id) for r in store.mappings("nord", "learner")] == [
        ("A", "rA"), ("B", "rB"),
    ]  # fmt: skip
    assert store.get_mapping("nord", "session", "S1") is not None


def test_rekey_is_scoped_to_the_account(store: StateStore) -> None:
    """Renaming in one account leaves the same ids of another account alone."""
    store.put_mappings("nord", [m("nord", "learner", "L1")])
    store.put_mappings("sud", [m("sud", "learner", "L1")])
    assert store.rekey("nord", {"L1": "L2"}) == 1
    assert store.get_mapping("sud", "learner", "L1") is not None
    assert store.rekey("nord", {}) == 0


def test_accounts_never_see_each_other(store: StateStore) -> None:
    """Rows of account A are invisible when querying account B, for every kind of row."""
    store.put_mappings("A", [m("A", "learner", "L1")])
    store.ledger_put(led("A", "S1", "L1"))
    store.set_meta("A", "last_poll", "x")
    run = store.start_run("A", "down")
    store.acquire_lease("A", "worker-a", 60)
    assert store.mappings("B") == []
    assert store.get_mapping("B", "learner", "L1") is None
    assert store.ledger("B") == []
    assert store.ledger_get("B", "S1", "L1", "absence") is None
    assert store.get_meta("B", "last_poll") is None
    assert store.runs("B") == []
    assert [r.run_id for r in store.runs("A")] == [run]
    store.delete_mappings("B", "learner", ["L1"])
    assert store.get_mapping("A", "learner", "L1") is not None
    store.acquire_lease("B", "worker-b", 60)  # A's lease does not cover B
