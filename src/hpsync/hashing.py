"""Canonical form and content hash of a record as the target sees it.

The hash of what we last pushed is stored per record; comparing it with the hash of what
we want now says, without any remote call, whether a write is needed.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from datetime import UTC, date, datetime
from functools import cache, lru_cache
from json.encoder import encode_basestring
from typing import Any


def utc_text(value: datetime) -> str:
    """An aware datetime as UTC ``YYYY-MM-DDTHH:MM:SSZ`` (seconds precision)."""
    if value.tzinfo is None:
        raise ValueError(f"naive datetime {value!r} reached the core; adapters must attach a zone")
    return _utc_text(value, value.fold)


@lru_cache(maxsize=1 << 16)
def _utc_text(value: datetime, fold: int) -> str:
    """Memoised: a school's sessions start and end at a few thousand distinct instants.

    ``fold`` is part of the key because two wall times of one zone that differ only by
    fold (the repeated hour in autumn) compare and hash equal, yet are different instants.
    """
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
        return [v if type(v) is str else canonical_value(v) for v in value]
    if isinstance(value, frozenset | set):
        return sorted(canonical_value(v) for v in value)
    if isinstance(value, dict):
        return {str(k): canonical_value(v) for k, v in sorted(value.items())}
    return value


@cache
def _owned_fields(cls: type) -> tuple[str, ...]:
    """Names of a record class's fields but its identity (looked up once per class)."""
    return tuple(f.name for f in dataclasses.fields(cls) if f.name != "sid")


def canonical(record: Any) -> dict[str, Any]:
    """The owned fields of a desired record, without its identity."""
    names = _owned_fields(record.__class__)
    return {name: canonical_value(getattr(record, name)) for name in names}


#: The encoder ``json.dumps`` would build on every call with these options, built once.
_HASH_ENCODER = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def hash_fields(fields: dict[str, Any]) -> str:
    """Stable hash of canonical fields (what ``content_hash`` hashes)."""
    text = _HASH_ENCODER.encode(fields)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


def content_hash(record: Any) -> str:
    """Stable hash of a record's canonical form: ``hash_fields(canonical(record))``.

    Encoded straight from the record, field by field, to the very text ``hash_fields``
    would hash: no intermediate dict and lists, and a list of identities that many records
    share (a course's roster, its trainers) is encoded once.
    """
    parts = [
        f"{key}:{_field_text(getattr(record, name))}"
        for name, key in _hashed_fields(record.__class__)
    ]
    text = "{" + ",".join(parts) + "}"
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


@cache
def _hashed_fields(cls: type) -> tuple[tuple[str, str], ...]:
    """Owned field names in ``sort_keys`` order, each with its JSON key text."""
    return tuple((name, _HASH_ENCODER.encode(name)) for name in sorted(_owned_fields(cls)))


def _field_text(value: Any) -> str:
    """JSON text of one field, as ``_HASH_ENCODER`` writes it inside the record's object."""
    if type(value) is str:
        return encode_basestring(value)
    if type(value) is datetime:
        return encode_basestring(utc_text(value))
    if type(value) is tuple:
        try:
            return _tuple_text(value)
        except TypeError:  # unhashable items: encoded below, without the memo
            pass
    return _HASH_ENCODER.encode(canonical_value(value))


#: JSON texts of tuples of strings (rosters, trainers, tags) by tuple; cleared when full.
_TUPLE_TEXTS: dict[tuple[Any, ...], str] = {}
_TUPLE_TEXTS_MAX = 1 << 15


def _tuple_text(value: tuple[Any, ...]) -> str:
    """Memoised for tuples of strings only: a tuple equal to one of strings holds strings,
    while equal tuples of numbers or datetimes may encode apart (``1``, ``1.0``, ``true``)."""
    text = _TUPLE_TEXTS.get(value)
    if text is None:
        text = _HASH_ENCODER.encode(canonical_value(value))
        if all(type(v) is str for v in value):
            if len(_TUPLE_TEXTS) >= _TUPLE_TEXTS_MAX:
                _TUPLE_TEXTS.clear()
            _TUPLE_TEXTS[value] = text
    return text


def digest(data: Any) -> str:
    """Stable hash of any JSON-able structure (plans, inputs)."""
    text = json.dumps(canonical_value(data), sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
