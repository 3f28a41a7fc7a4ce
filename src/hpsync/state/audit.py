"""Run inputs in the state store: functions over a ``StateStore`` (audit and replay).

- ``input_blobs``: canonical JSON documents (a Hyperplanning snapshot, an Edusign remote
  state, what we had pushed, the account's rules), zlib-compressed and keyed by the
  sha256 of the canonical text, so an unchanged input is stored once for many runs.
- ``run_inputs``: one row per recorded run naming its inputs by digest, with the plan
  hash and the instant the plan was computed for.
"""

from __future__ import annotations

import hashlib
import json
import zlib
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Row, delete, func, select
from sqlalchemy.dialects import postgresql, sqlite

from hpsync.json_stream import encoded, sha256_hex
from hpsync.state import schema as t
from hpsync.state.store import StateStore

ROLES = ("snapshot", "remote", "pushed", "rules")


@dataclass(frozen=True, slots=True)
class RunInputsRow:
    """The inputs a run was planned from, by digest."""

    run_id: int
    account: str
    plan_hash: str
    planned_at: datetime
    snapshot_digest: str
    remote_digest: str
    pushed_digest: str
    rules_digest: str

    def digests(self) -> dict[str, str]:
        return {
            "snapshot": self.snapshot_digest,
            "remote": self.remote_digest,
            "pushed": self.pushed_digest,
            "rules": self.rules_digest,
        }


def _module(store: StateStore) -> Any:
    return postgresql if store.dialect == "postgresql" else sqlite


def canonical_bytes(document: Any) -> bytes:
    """The canonical UTF-8 JSON text of a document (sorted keys, no spaces)."""
    return b"".join(encoded(document))


def blob_digest(document: Any) -> str:
    """The sha256 (hex) of a document's canonical JSON."""
    return sha256_hex(document)


#: compressed bytes a stored part holds, about: a bigger input is stored in several
PART_BYTES = 1 << 20


def put_blob(store: StateStore, kind: str, document: Any) -> str:
    """Store a document once (deduplicated by digest); returns its digest.

    The canonical text is made piece by piece (``json_stream``) twice: hashed first, so an
    input already stored is found without compressing it; then compressed, the compressed
    text going to the store a part of about ``PART_BYTES`` at a time. No process holds a
    big input whole: an XL school's Edusign state compresses to about 40 MB, which one row
    made it hold three times (the pieces, the joined text, the database driver's copy)."""
    hasher, size = hashlib.sha256(), 0
    for piece in encoded(document):
        hasher.update(piece)
        size += len(piece)
    key = hasher.hexdigest()
    if _has_blob(store, key):
        return key
    hasher, packer = hashlib.sha256(), zlib.compressobj(6)
    held: list[bytes] = []
    held_size, parts = 0, 0
    for piece in encoded(document):
        hasher.update(piece)
        packed = packer.compress(piece)
        held.append(packed)
        held_size += len(packed)
        if held_size >= PART_BYTES:
            _put_part(store, key, parts, held)
            held, held_size, parts = [], 0, parts + 1
    held.append(packer.flush())
    if hasher.hexdigest() != key:  # the document changed between the two passes
        raise RuntimeError(f"{kind} input changed while it was stored; rerun")
    if parts:
        _put_part(store, key, parts, held)
        held, parts = [], parts + 1
    b = t.input_blobs.c
    with store._conn(write=True) as conn:
        stmt = (
            _module(store)
            .insert(t.input_blobs)
            .values(
                digest=key,
                kind=kind,
                size=size,
                data=b"".join(held),  # the whole text when it fits one part, else empty
                parts=parts,
                created_at=store._clock(),
            )
            .on_conflict_do_nothing(index_elements=[b.digest])
        )
        conn.execute(stmt)  # a concurrent run may have stored the same input: fine
    return key


def _has_blob(store: StateStore, key: str) -> bool:
    """Stored whole: a blob whose parts a ``prune`` run beside its storing removed is
    stored again (its missing parts written), not trusted."""
    b, p = t.input_blobs.c, t.input_blob_parts.c
    with store._conn(write=False) as conn:
        parts = conn.execute(select(b.parts).where(b.digest == key)).scalar()
        if parts is None:
            return False
        count = select(func.count()).select_from(t.input_blob_parts).where(p.digest == key)
        return not parts or conn.execute(count).scalar() == parts


def _put_part(store: StateStore, key: str, part: int, pieces: list[bytes]) -> None:
    """One part, in its own transaction: a run that dies leaves parts without their blob
    row; a rerun storing the same input writes the same parts (``prune`` drops the others)."""
    p = t.input_blob_parts.c
    with store._conn(write=True) as conn:
        conn.execute(
            _module(store)
            .insert(t.input_blob_parts)
            .values(digest=key, part=part, data=b"".join(pieces))
            .on_conflict_do_nothing(index_elements=[p.digest, p.part])
        )


def get_blob(store: StateStore, key: str) -> Any:
    """A stored document by digest; KeyError when it is not (or no longer) stored."""
    b, p = t.input_blobs.c, t.input_blob_parts.c
    with store._conn(write=False) as conn:
        row = conn.execute(select(b.data, b.parts).where(b.digest == key)).first()
        if row is None:
            raise KeyError(f"no stored input {key}")
        data = bytes(row.data)
        if row.parts:
            found = [
                bytes(d)
                for d in conn.execute(
                    select(p.data).where(p.digest == key).order_by(p.part)
                ).scalars()
            ]
            data = b"".join(found) if len(found) == row.parts else b""
    try:
        raw = zlib.decompress(data)
    except zlib.error:
        raw = b""
    if hashlib.sha256(raw).hexdigest() != key:
        raise ValueError(f"stored input {key} is corrupt (digest mismatch)")
    return json.loads(raw)


def record_run_inputs(store: StateStore, row: RunInputsRow) -> None:
    """Attach inputs to a run (a second call for the same run replaces the first)."""
    values = {
        "run_id": row.run_id,
        "account": row.account,
        "plan_hash": row.plan_hash,
        "planned_at": row.planned_at,
        "snapshot_digest": row.snapshot_digest,
        "remote_digest": row.remote_digest,
        "pushed_digest": row.pushed_digest,
        "rules_digest": row.rules_digest,
        "created_at": store._clock(),
    }
    with store._conn(write=True) as conn:
        conn.execute(delete(t.run_inputs).where(t.run_inputs.c.run_id == row.run_id))
        conn.execute(t.run_inputs.insert().values(values))


def run_inputs(store: StateStore, run_id: int) -> RunInputsRow | None:
    """The inputs recorded for a run, or None (dry runs and old runs have none)."""
    with store._conn(write=False) as conn:
        row = conn.execute(select(t.run_inputs).where(t.run_inputs.c.run_id == run_id)).first()
    return _inputs(row) if row is not None else None


def blob_count(store: StateStore) -> int:
    """How many distinct inputs are stored."""
    with store._conn(write=False) as conn:
        return int(conn.execute(select(func.count()).select_from(t.input_blobs)).scalar() or 0)


@dataclass(frozen=True, slots=True)
class Pruned:
    """What a retention pass removed."""

    run_inputs: int
    blobs: int
    plan_items: int


def prune(store: StateStore, before: datetime) -> Pruned:
    """Forget inputs and plan items of runs started before ``before``, then unreferenced blobs.

    Runs themselves (outcome, counts, meta) are kept; a blob still named by a newer run
    stays.
    """
    r, ri, pi, b = t.runs.c, t.run_inputs.c, t.plan_items.c, t.input_blobs.c
    old_runs = select(r.run_id).where(r.started_at < before)
    with store._conn(write=True) as conn:
        gone_inputs = conn.execute(delete(t.run_inputs).where(ri.run_id.in_(old_runs))).rowcount
        gone_items = conn.execute(delete(t.plan_items).where(pi.run_id.in_(old_runs))).rowcount
        used: set[str] = set()
        for column in (ri.snapshot_digest, ri.remote_digest, ri.pushed_digest, ri.rules_digest):
            used.update(conn.execute(select(column).distinct()).scalars())
        unused = [d for d in conn.execute(select(b.digest)).scalars() if d not in used]
        gone_blobs = 0
        for start in range(0, len(unused), 500):
            part = unused[start : start + 500]
            gone_blobs += conn.execute(delete(t.input_blobs).where(b.digest.in_(part))).rowcount
        # parts of the blobs gone, and of blobs a run died storing
        p = t.input_blob_parts.c
        conn.execute(delete(t.input_blob_parts).where(p.digest.not_in(select(b.digest))))
    return Pruned(int(gone_inputs), int(gone_blobs), int(gone_items))


def _inputs(r: Row[Any]) -> RunInputsRow:
    return RunInputsRow(
        int(r.run_id),
        r.account,
        r.plan_hash,
        r.planned_at,
        r.snapshot_digest,
        r.remote_digest,
        r.pushed_digest,
        r.rules_digest,
    )
