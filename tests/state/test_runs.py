"""Runs and the plan items stored with their outcomes."""

from __future__ import annotations

import pytest

from hpsync.state import PlanItemRow, StateStore
from state.conftest import FakeClock


def item(key: str, action: str = "create") -> PlanItemRow:
    return PlanItemRow(key, "learner", action, key, "", f"{action} {key}", '{"a": 1}')


def test_run_lifecycle(store: StateStore, clock: FakeClock) -> None:
    """A run is recorded when started and gets its outcome, counts and end time when finished."""
    run_id = store.start_run("nord", "down", dry_run=True, meta={"base": "HP-2026", "n": 2})
    started = store.get_run(run_id)
    assert started is not None
    assert (started.account, started.flow, started.dry_run) == ("nord", "down", True)
    assert started.started_at == clock.now
    assert started.finished_at is None and started.outcome is None
    assert started.meta == {"base": "HP-2026", "n": 2}
    clock.advance(90)
    store.finish_run(run_id, "failed", {"learner.create": 3}, error="Edusign 503")
    done = store.get_run(run_id)
    assert done is not None
    assert done.finished_at == clock.now
    assert (done.outcome, done.counts, done.error) == (
        "failed",
        {"learner.create": 3},
        "Edusign 503",
    )


def test_runs_newest_first_with_limit_and_account(store: StateStore) -> None:
    """runs() lists newest first, filtered by account, cut at the limit."""
    ids = [store.start_run(acc, "down") for acc in ("nord", "sud", "nord", "nord")]
    assert [r.run_id for r in store.runs("nord")] == [ids[3], ids[2], ids[0]]
    assert [r.run_id for r in store.runs(limit=2)] == [ids[3], ids[2]]
    assert store.get_run(max(ids) + 100) is None


def test_finishing_an_unknown_run_fails(store: StateStore) -> None:
    """Finishing a run that was never started is an error, not a silent no-op."""
    with pytest.raises(KeyError):
        store.finish_run(12345, "ok", {})


def test_plan_items_keep_order_and_get_outcomes(store: StateStore) -> None:
    """Plan items come back in the order stored, pending until their outcome is set."""
    run_id = store.start_run("nord", "down")
    store.add_plan_items(run_id, [item("b"), item("a")])
    store.add_plan_items(run_id, [item("c", "remove")])
    assert [i.item_key for i in store.plan_items(run_id)] == ["b", "a", "c"]
    assert {i.outcome for i in store.plan_items(run_id)} == {"pending"}
    store.set_item_outcomes(run_id, {"a": ("done", ""), "c": ("failed", "403 forbidden")})
    got = {i.item_key: (i.outcome, i.message) for i in store.plan_items(run_id)}
    assert got == {"b": ("pending", ""), "a": ("done", ""), "c": ("failed", "403 forbidden")}
    assert store.plan_items(run_id)[0] == item("b")


def test_plan_items_belong_to_their_run(store: StateStore) -> None:
    """Items of one run are not listed under another, nor updated through it."""
    first = store.start_run("nord", "down")
    second = store.start_run("nord", "down")
    store.add_plan_items(first, [item("a")])
    store.add_plan_items(second, [item("a")])
    store.set_item_outcomes(second, {"a": ("done", "")})
    assert [i.outcome for i in store.plan_items(first)] == ["pending"]
    assert [i.outcome for i in store.plan_items(second)] == ["done"]


def test_plan_items_of_an_unknown_run_are_refused(store: StateStore) -> None:
    """Adding items to a run that does not exist fails."""
    with pytest.raises(KeyError):
        store.add_plan_items(999, [item("a")])
