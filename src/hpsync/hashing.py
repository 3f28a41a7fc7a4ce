"""Canonical form and content hash of a record as the target sees it.

The hash of what we last pushed is stored per record; comparing it with the hash of what
we want now says, without any remote call, whether a write is needed.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from datetime import UTC, date, datetime
from typing import Any


def utc_text(value: datetime) -> str:
    """An aware datetime as UTC ``YYYY-MM-DDTHH:MM:SSZ`` (seconds precision)."""
    if value.tzinfo is None:
        raise ValueError(f"naive datetime {value!r} reached the core; adapters must attach a zone")
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def canonical_value(value: Any) -> Any:
    """JSON-ready, order-stable form of a field value."""
    if type(value) is str:  # the common case, first
        return value
    if isinstance(value, datetime):
        return utc_text(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, tuple | list):
        return [canonical_value(v) for v in value]
    if isinstance(value, frozenset | set):
        return sorted(canonical_value(v) for v in value)
    if isinstance(value, dict):
        return {str(k): canonical_value(v) for k, v in sorted(value.items())}
    return value


def canonical(record: Any) -> dict[str, Any]:
    """The owned fields of a desired record, without its identity."""
    fields = {
        f.name: canonical_value(getattr(record, f.name))
        for f in dataclasses.fields(record)
        if f.name != "sid"
    }
    return fields


def hash_fields(fields: dict[str, Any]) -> str:
    """Stable hash of canonical fields (what ``content_hash`` hashes)."""
    text = json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


def content_hash(record: Any) -> str:
    """Stable hash of a record's canonical form."""
    return hash_fields(canonical(record))


def digest(data: Any) -> str:
    """Stable hash of any JSON-able structure (plans, inputs)."""
    text = json.dumps(canonical_value(data), sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
