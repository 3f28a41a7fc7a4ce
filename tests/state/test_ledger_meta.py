"""The attendance ledger, per-account meta values, and the unit of work."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from hpsync.state import LedgerRow, MappingRow, PlanItemRow, StateStore

T0 = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)


def row(
    learner: str, kind: str = "absence", status: str = "written", at: datetime = T0
) -> LedgerRow:
    return LedgerRow(
        "nord", "S1", learner, kind, status, "fp1", T0, T0 + timedelta(hours=2),
        True, "illness", "sheet 42", 1, at,
    )  # fmt: skip


def test_ledger_put_and_get(store: StateStore) -> None:
    """A ledger row comes back whole, with aware UTC datetimes and typed fields."""
    store.ledger_put(row("L1"))
    got = store.ledger_get("nord", "S1", "L1", "absence")
    assert got == row("L1")
    assert got is not None and got.hp_start.tzinfo == UTC
    assert store.ledger_get("nord", "S1", "L1", "delay") is None


def test_ledger_put_upserts_per_mark_kind(store: StateStore) -> None:
    """One row per (session, learner, mark kind): putting again replaces it."""
    store.ledger_put(row("L1"))
    store.ledger_put(row("L1", "delay"))
    store.ledger_put(replace(row("L1"), status="removed", attempts=2, fingerprint="fp2"))
    rows = store.ledger("nord")
    assert [(r.mark_kind, r.status, r.attempts) for r in rows] == [
        ("absence", "removed", 2), ("delay", "written", 1),
    ]  # fmt: skip


def test_ledger_filters_by_status_and_since(store: StateStore) -> None:
    """ledger() filters on status and on rows updated at or after a moment."""
    store.ledger_put(row("L1", status="failed", at=T0))
    store.ledger_put(row("L2", status="written", at=T0 + timedelta(hours=1)))
    store.ledger_put(row("L3", status="failed", at=T0 + timedelta(hours=2)))
    assert [r.learner_sid for r in store.ledger("nord", status="failed")] == ["L1", "L3"]
    since = T0 + timedelta(hours=1)
    assert [r.learner_sid for r in store.ledger("nord", since=since)] == ["L2", "L3"]
    assert [r.learner_sid for r in store.ledger("nord", status="failed", since=since)] == ["L3"]


def test_ledger_refuses_unknown_kinds_and_statuses(store: StateStore) -> None:
    """Mark kinds and statuses outside the documented sets are refused."""
    with pytest.raises(ValueError, match="mark kind"):
        store.ledger_put(row("L1", kind="presence"))
    with pytest.raises(ValueError, match="status"):
        store.ledger_put(row("L1", status="done"))


def test_meta_set_get_replace(store: StateStore) -> None:
    """Meta values are stored per account and key, and replaced when set again."""
    assert store.get_meta("nord", "last_poll") is None
    store.set_meta("nord", "last_poll", "2026-03-02T08:00:00+00:00")
    store.set_meta("nord", "last_poll", "2026-03-02T09:00:00+00:00")
    store.set_meta("sud", "last_poll", "other")
    assert store.get_meta("nord", "last_poll") == "2026-03-02T09:00:00+00:00"


def test_transaction_rolls_back_everything_on_exception(store: StateStore) -> None:
    """An exception inside transaction() leaves none of its writes behind."""
    run_id = store.start_run("nord", "down")
    store.add_plan_items(run_id, [PlanItemRow("a", "learner", "create", "a", "", "", "{}")])
    with pytest.raises(RuntimeError), store.transaction():
        store.put_mappings("nord", [MappingRow("nord", "learner", "a", "r", "h", T0)])
        store.set_item_outcomes(run_id, {"a": ("done", "")})
        store.ledger_put(row("L1"))
        store.set_meta("nord", "k", "v")
        with store.transaction():  # nested: joins the outer unit of work
            store.set_meta("nord", "k2", "v")
        raise RuntimeError("crash mid-batch")
    assert store.mappings("nord") == []
    assert [i.outcome for i in store.plan_items(run_id)] == ["pending"]
    assert store.ledger("nord") == []
    assert store.get_meta("nord", "k") is None
    assert store.get_meta("nord", "k2") is None


def test_transaction_commits_at_the_end(store: StateStore) -> None:
    """Writes inside transaction() are visible inside it and kept after it ends."""
    with store.transaction():
        store.set_meta("nord", "k", "v")
        assert store.get_meta("nord", "k") == "v"
    assert store.get_meta("nord", "k") == "v"
