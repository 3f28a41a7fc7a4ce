"""Canonical JSON written piece by piece is the very text of the whole document."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from hpsync.json_stream import Lazy, chunks, encoded, materialize
from hpsync.state import StateStore
from hpsync.state.audit import blob_digest, canonical_bytes, get_blob, put_blob


def _plain(document: Any) -> str:
    return json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def _records() -> list[dict[str, Any]]:
    return [
        {"remote_id": f"r{n}", "fields": {"name": f"Cours é{n}", "z": [1, 2], "a": None}}
        for n in range(5)
    ]


def _lazy_document() -> dict[str, Any]:
    return {
        "records": {"session": Lazy(_records), "learner": Lazy(list)},
        "complete": ["session"],
        "nested": [1, Lazy(lambda: iter([{"b": 2, "a": "«x»"}]))],
        "absent": [],
    }


def test_the_pieces_make_the_text_of_the_whole_document() -> None:
    document = _lazy_document()
    whole = {
        "records": {"session": _records(), "learner": []},
        "complete": ["session"],
        "nested": [1, [{"b": 2, "a": "«x»"}]],
        "absent": [],
    }
    assert materialize(document) == whole
    assert "".join(chunks(document)) == _plain(whole)
    # one byte at a time or in one piece, the same UTF-8 text
    assert b"".join(encoded(document, piece=1)) == _plain(whole).encode("utf-8")
    assert canonical_bytes(document) == _plain(whole).encode("utf-8")


def test_a_lazy_part_is_made_anew_each_time_it_is_written() -> None:
    made: list[int] = []

    def rows() -> list[int]:
        made.append(1)
        return [3, 1, 2]

    document = {"rows": Lazy(rows)}
    assert "".join(chunks(document)) == "".join(chunks(document)) == '{"rows":[3,1,2]}'
    assert len(made) == 2


def test_a_stored_lazy_document_reads_back_whole_under_the_digest_of_its_text(
    tmp_path: Path,
) -> None:
    store = StateStore.open(f"sqlite:///{tmp_path / 's.db'}")
    try:
        key = put_blob(store, "remote", _lazy_document())
        text = _plain(materialize(_lazy_document())).encode("utf-8")
        assert key == hashlib.sha256(text).hexdigest() == blob_digest(_lazy_document())
        assert get_blob(store, key) == materialize(_lazy_document())
        # the same document made again is the same blob
        assert put_blob(store, "remote", materialize(_lazy_document())) == key
    finally:
        store.close()


def test_a_plan_hash_written_item_by_item_is_the_digest_of_the_whole_plan() -> None:
    from datetime import UTC, datetime

    from hpsync.engine.plan import Action, FieldChange, Plan, PlanItem
    from hpsync.hashing import digest
    from hpsync.model import Kind

    items = (
        PlanItem(
            Kind.SESSION,
            Action.UPDATE,
            "hp:b:session:1-2",
            "r1",
            summary="Anglais « B2 » @ 2026-09-07T08:00",
            changes=(
                FieldChange(
                    "start",
                    datetime(2026, 9, 7, 6, tzinfo=UTC),
                    datetime(2026, 9, 7, 7, tzinfo=UTC),
                ),
                FieldChange("learner_sids", ("b", "a"), ("a",)),
            ),
            reason="changed in Hyperplanning",
            content_hash="h1",
        ),
        PlanItem(Kind.LEARNER, Action.CREATE, "hp:b:learner:9", summary="Zoé Ñ", content_hash="h2"),
        PlanItem(Kind.LEARNER, Action.UNCHANGED, "hp:b:learner:3"),
    )
    plan = Plan("nord", "b", items, warnings=("w",), unchanged={"session": 4})
    whole = plan.to_json()
    assert whole["unchanged"] == 5 and len(whole["items"]) == 2
    expected = digest({k: v for k, v in whole.items() if k not in ("counts", "plan_hash")})
    assert plan.plan_hash == whole["plan_hash"] == expected
