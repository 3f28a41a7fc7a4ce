"""Canonical form and content hash of a record as the target sees it.

The hash of what we last pushed is stored per record; comparing it with the hash of what
we want now says, without any remote call, whether a write is needed.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from collections.abc import Callable
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
    if type(value) is str:  # the common cases, first
        return value
    if isinstance(value, tuple | list):
        return [v if type(v) is str else canonical_value(v) for v in value]
    if isinstance(value, datetime):
        return utc_text(value)
    if isinstance(value, date):
        return value.isoformat()
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
    return _compiled(record.__class__).canonical(record)


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
    text = _compiled(record.__class__).text(record)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


def canonical_and_hash(record: Any) -> tuple[dict[str, Any], str]:
    """``(canonical(record), content_hash(record))`` in one pass over the fields.

    What the diff needs for every record found on the target: each field is read and
    converted once, and its hashed text is written from the converted value.
    """
    fields, text = _compiled(record.__class__).both(record)
    return fields, hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


def canonical_values_and_hash(record: Any) -> tuple[tuple[str, ...], tuple[Any, ...], str]:
    """The names and values of ``canonical(record)``, and ``content_hash(record)``: no dict
    made, and a tuple of strings (a roster) given as the tuple itself, not as a list.

    What the diff compares with a record read from the target (``RemoteFields.same``);
    only a record that differs needs ``canonical``.
    """
    names, values, text = _compiled(record.__class__).values(record)
    return names, values, hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


@dataclasses.dataclass(frozen=True, slots=True)
class _Compiled:
    """The functions behind ``canonical``, ``content_hash``, ``canonical_and_hash`` and
    ``canonical_values_and_hash``."""

    canonical: Callable[[Any], dict[str, Any]]
    text: Callable[[Any], str]
    both: Callable[[Any], tuple[dict[str, Any], str]]
    values: Callable[[Any], tuple[tuple[str, ...], tuple[Any, ...], str]]


#: How one field becomes canonical (``v`` its value, ``c`` the result) and how it is written
#: in the hashed text (``h``). A string is taken as is and an aware datetime as memoised
#: UTC text inline; a tuple of strings (a roster) through one memo for both forms; anything
#: else goes through the general conversion.
_DATETIME = "ut(v, v.fold) if v.tzinfo is not None else dt(v)"
_CANON = f"@c = v if (t := type(v)) is str else ({_DATETIME}) if t is datetime else cv(v)"
_TEXT = (
    f"@h = enc(v) if (t := type(v)) is str else enc({_DATETIME}) if t is datetime "
    "else tt(v) if t is tuple else ft(v)"
)
_BOTH = (
    "if (t := type(v)) is str: @c = v; @h = enc(v)\n"
    f"elif t is datetime: @c = {_DATETIME}; @h = enc(@c)\n"
    "elif t is tuple: @c, @h = tb(v)\n"
    "else: @c = cv(v); @h = enc(@c) if type(@c) is str else ft(v)"
)
_VALUES = _BOTH.replace("@c, @h = tb(v)", "@c, @h = tv(v)")


@cache
def _compiled(cls: type) -> _Compiled:
    """Generated once per record class, as ``dataclasses`` generates ``__init__``.

    One statement per field instead of a loop over names with ``getattr``: these run for
    every desired record of every sync (300k sessions on a big school).
    """
    names = _owned_fields(cls)
    for name in names:
        if not name.isidentifier():  # never for a dataclass field; kept as a guard
            raise ValueError(f"{cls.__name__}.{name} is not a field name")
    hashed = _hashed_fields(cls)
    order = {name: n for n, name in enumerate(names)}
    canonical_dict = "{" + ", ".join(f"{name!r}: c{n}" for n, name in enumerate(names)) + "}"
    joined = " + ',' + ".join(f"{(key + ':')!r} + h{order[name]}" for name, key in hashed)
    text_expr = f"'{{' + {joined} + '}}'" if hashed else "'{}'"

    def per_field(template: str) -> list[str]:
        """The template's lines for each field: ``@c``/``@h`` become ``cN``/``hN``."""
        lines = []
        for n, name in enumerate(names):
            lines.append(f"v = r.{name}")
            lines.extend(template.replace("@c", f"c{n}").replace("@h", f"h{n}").splitlines())
        return lines

    source = "\n".join(
        [
            "def canonical(r):",
            *(f"    {line}" for line in per_field(_CANON)),
            f"    return {canonical_dict}",
            "def text(r):",
            *(f"    {line}" for line in per_field(_TEXT)),
            f"    return {text_expr}",
            "def both(r):",
            *(f"    {line}" for line in per_field(_BOTH)),
            f"    return {canonical_dict}, {text_expr}",
            "def values(r):",
            *(f"    {line}" for line in per_field(_VALUES)),
            f"    return names, ({''.join(f'c{n}, ' for n in range(len(names)))}), {text_expr}",
        ]
    )
    scope: dict[str, Any] = {
        "cv": canonical_value,
        "dt": utc_text,
        "datetime": datetime,
        "enc": encode_basestring,
        "ft": _json_text,
        "tt": _tuple_field_text,
        "tb": _tuple_both,
        "tv": _tuple_values,
        "ut": _utc_text,
        "names": names,
    }
    exec(compile(source, f"<hashing of {cls.__qualname__}>", "exec"), scope)  # noqa: S102
    return _Compiled(scope["canonical"], scope["text"], scope["both"], scope["values"])


@cache
def _hashed_fields(cls: type) -> tuple[tuple[str, str], ...]:
    """Owned field names in ``sort_keys`` order, each with its JSON key text."""
    return tuple((name, _HASH_ENCODER.encode(name)) for name in sorted(_owned_fields(cls)))


def _json_text(value: Any) -> str:
    """JSON text of one field, as ``_HASH_ENCODER`` writes it inside the record's object
    (the general path: the generated functions take strings, datetimes and tuples inline)."""
    return _HASH_ENCODER.encode(canonical_value(value))


def _tuple_both(value: tuple[Any, ...]) -> tuple[Any, str]:
    """Canonical form and hashed text of a tuple field: a tuple met before as one of
    strings (its text is in the memo) is a list of the same strings."""
    try:
        text = _TUPLE_TEXTS.get(value)
    except TypeError:  # unhashable items
        text = None
    if text is not None:
        return list(value), text
    return canonical_value(value), _tuple_field_text(value)


def _tuple_values(value: tuple[Any, ...]) -> tuple[tuple[Any, ...], str]:
    """``_tuple_both`` with the canonical list as a tuple: the tuple itself when it holds
    strings (its text is in the memo)."""
    try:
        text = _TUPLE_TEXTS.get(value)
    except TypeError:  # unhashable items
        text = None
    if text is not None:
        return value, text
    return tuple(canonical_value(value)), _tuple_field_text(value)


def _tuple_field_text(value: tuple[Any, ...]) -> str:
    try:
        return _tuple_text(value)
    except TypeError:  # unhashable items: encoded without the memo
        return _json_text(value)


#: JSON texts of tuples of strings (rosters, trainers, tags) by tuple; cleared when full.
_TUPLE_TEXTS: dict[tuple[Any, ...], str] = {}
_TUPLE_TEXTS_MAX = 1 << 15


def _tuple_text(value: tuple[Any, ...]) -> str:
    """Memoised for tuples of strings only: a tuple equal to one of strings holds strings,
    while equal tuples of numbers or datetimes may encode apart (``1``, ``1.0``, ``true``)."""
    text = _TUPLE_TEXTS.get(value)
    if text is None:
        text = _json_text(value)
        if all(type(v) is str for v in value):
            if len(_TUPLE_TEXTS) >= _TUPLE_TEXTS_MAX:
                _TUPLE_TEXTS.clear()
            _TUPLE_TEXTS[value] = text
    return text


def digest(data: Any) -> str:
    """Stable hash of any JSON-able structure (plans, inputs)."""
    text = json.dumps(canonical_value(data), sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
