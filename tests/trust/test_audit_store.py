"""Run inputs in the store: content-addressed, deduplicated, exact, pruned by retention."""

from __future__ import annotations

from datetime import timedelta

from hpsync.school.dump import snapshot_to_school
from hpsync.school.load import snapshot_from_school
from hpsync.state import PlanItemRow, StateStore
from hpsync.state.audit import (
    RunInputsRow,
    blob_count,
    blob_digest,
    get_blob,
    prune,
    put_blob,
    record_run_inputs,
    run_inputs,
)
from hpsync.testing.builders import small_snapshot
from hyperplanning.school import school
from state.conftest import FakeClock


def _run(store: StateStore, docs: dict[str, object]) -> int:
    run_id = store.start_run("a", "down")
    digests = {role: put_blob(store, role, doc) for role, doc in docs.items()}
    record_run_inputs(
        store,
        RunInputsRow(
            run_id,
            "a",
            "plan-hash",
            store._clock(),
            digests["snapshot"],
            digests["remote"],
            digests["pushed"],
            digests["rules"],
        ),
    )
    store.add_plan_items(run_id, [PlanItemRow("learner:1", "learner", "create", "1", "", "", "{}")])
    return run_id


def test_an_input_is_stored_once_and_read_back_exactly(store: StateStore) -> None:
    """Two runs reading the same base share one stored snapshot, read back equal."""
    doc = {"students": [{"key": 1, "last_name": "Durand"}], "é": "ü"}
    first = _run(store, {"snapshot": doc, "remote": {"r": 1}, "pushed": [], "rules": {}})
    second = _run(store, {"snapshot": doc, "remote": {"r": 2}, "pushed": [], "rules": {}})
    assert blob_count(store) == 5
    one, two = run_inputs(store, first), run_inputs(store, second)
    assert one is not None and two is not None
    assert one.snapshot_digest == two.snapshot_digest == blob_digest(doc)
    assert get_blob(store, one.snapshot_digest) == doc


def test_retention_prunes_only_inputs_no_newer_run_names(
    store: StateStore, clock: FakeClock
) -> None:
    """An old run loses its inputs and plan items; a blob a recent run shares survives."""
    shared = {"base": "same"}
    old = _run(store, {"snapshot": shared, "remote": {"old": 1}, "pushed": [], "rules": {}})
    clock.advance(100 * 86400)
    new = _run(store, {"snapshot": shared, "remote": {"new": 1}, "pushed": [], "rules": {}})
    gone = prune(store, clock.now - timedelta(days=90))
    assert (gone.run_inputs, gone.plan_items, gone.blobs) == (1, 1, 1)
    assert run_inputs(store, old) is None and store.plan_items(old) == []
    kept = run_inputs(store, new)
    assert kept is not None and get_blob(store, kept.snapshot_digest) == shared
    assert get_blob(store, kept.remote_digest) == {"new": 1}
    assert store.get_run(old) is not None


def test_snapshot_to_school_is_the_inverse_of_loading_a_school() -> None:
    """A snapshot written as a school file loads back into an equal snapshot."""
    for snapshot in (snapshot_from_school(school()), small_snapshot()):
        assert snapshot_from_school(snapshot_to_school(snapshot)) == snapshot
