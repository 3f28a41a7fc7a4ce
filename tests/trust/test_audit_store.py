"""Run inputs in the store: content-addressed, deduplicated, exact, pruned by retention."""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import timedelta

import pytest
from sqlalchemy import delete, select

from hpsync.json_stream import Lazy, materialize
from hpsync.school.dump import snapshot_to_school
from hpsync.school.load import snapshot_from_school
from hpsync.state import PlanItemRow, StateStore, audit
from hpsync.state import schema as t
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


def _parts(store: StateStore) -> list[tuple[str, int]]:
    p = t.input_blob_parts.c
    with store._conn(write=False) as conn:
        return [
            (d, n) for d, n in conn.execute(select(p.digest, p.part).order_by(p.digest, p.part))
        ]


def _big() -> dict[str, object]:
    """About 3.4 MB of random hex, its rows made as written (as a remote state's are):
    zlib hands its output over in blocks of about 200 kB, each a part of at least 4 kB."""
    rng = random.Random(7)
    rows = [f"{rng.getrandbits(256):064x}" for _ in range(50_000)]
    return {"rows": Lazy(lambda: iter(rows))}


def test_a_big_input_is_stored_in_parts_and_read_back_exactly(
    store: StateStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(audit, "PART_BYTES", 4096)
    doc = _big()
    key = put_blob(store, "remote", doc)
    parts = _parts(store)
    assert len(parts) >= 4 and {d for d, _ in parts} == {key}
    assert [n for _, n in parts] == list(range(len(parts)))
    assert get_blob(store, key) == materialize(doc) and key == blob_digest(doc)
    assert put_blob(store, "remote", doc) == key  # stored once
    assert _parts(store) == parts and blob_count(store) == 1


def test_a_run_that_dies_storing_parts_is_completed_by_the_rerun_and_pruned_otherwise(
    store: StateStore, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Parts written before the crash stay without their blob row: the input is not
    stored yet; a rerun storing it writes each part once; parts nobody completes go at
    the next retention pass."""
    monkeypatch.setattr(audit, "PART_BYTES", 4096)
    doc, other = _big(), {"other": _big()}
    real, written = audit._put_part, [0]

    def dies_after_three(store: StateStore, key: str, part: int, pieces: list[bytes]) -> None:
        if written[0] == 3:
            raise ConnectionError("killed")
        written[0] += 1
        real(store, key, part, pieces)

    monkeypatch.setattr(audit, "_put_part", dies_after_three)
    for document in (doc, other):
        written[0] = 0
        with pytest.raises(ConnectionError):
            put_blob(store, "remote", document)
    with pytest.raises(KeyError):
        get_blob(store, blob_digest(doc))
    assert len(_parts(store)) == 6
    monkeypatch.setattr(audit, "_put_part", real)
    inputs = run_inputs(
        store, _run(store, {"snapshot": {}, "remote": doc, "pushed": [], "rules": {}})
    )
    assert inputs is not None
    key = inputs.remote_digest
    assert get_blob(store, key) == materialize(doc)
    mine = [n for d, n in _parts(store) if d == key]
    assert mine == list(range(len(mine)))
    prune(store, clock.now - timedelta(days=1))  # no run is old: only the orphan parts go
    assert {d for d, _ in _parts(store)} == {key}
    assert get_blob(store, key) == materialize(doc)


def test_a_missing_part_is_reported_as_corrupt_and_written_again_by_the_next_store(
    store: StateStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(audit, "PART_BYTES", 4096)
    key = put_blob(store, "remote", _big())
    p = t.input_blob_parts.c
    with store._conn(write=True) as conn:
        conn.execute(delete(t.input_blob_parts).where(p.digest == key, p.part == 2))
    with pytest.raises(ValueError, match="corrupt"):
        get_blob(store, key)
    assert put_blob(store, "remote", _big()) == key  # stored again: the part is back
    assert get_blob(store, key) == materialize(_big())


def test_an_input_that_changes_while_it_is_stored_is_refused(store: StateStore) -> None:
    """Both passes must see the same text (the journal is streamed from the store twice)."""
    calls = [0]

    def rows() -> Iterator[int]:
        calls[0] += 1
        yield from range(calls[0])

    with pytest.raises(RuntimeError, match="changed while it was stored"):
        put_blob(store, "pushed", {"rows": Lazy(rows)})
    assert blob_count(store) == 0
