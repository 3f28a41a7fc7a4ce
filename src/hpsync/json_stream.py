"""Canonical JSON written piece by piece.

A run's inputs (a year of sheets read from Edusign, the journal, the snapshot) are stored
as canonical JSON for replay. Built whole, such a document is several hundred megabytes of
dicts and text for an XL school, held next to the plan. A document may instead carry
``Lazy`` arrays: their items are made, written and dropped one at a time, and the text
comes out in pieces that are hashed and compressed as they come.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any


class Lazy:
    """A JSON array whose items are made when it is written (each time it is iterated)."""

    __slots__ = ("_make",)

    def __init__(self, make: Callable[[], Iterable[Any]]) -> None:
        self._make = make

    def __iter__(self) -> Iterator[Any]:
        return iter(self._make())


@dataclass(frozen=True, slots=True)
class _Style:
    """How leaves are written: ``json.dumps``'s ``ensure_ascii`` and ``default``."""

    ascii: bool = False
    default: Callable[[Any], Any] | None = None

    def dumps(self, value: Any) -> str:
        return json.dumps(
            value,
            sort_keys=True,
            separators=(",", ":"),
            ensure_ascii=self.ascii,
            default=self.default,
        )


_PLAIN = _Style()


def _has_lazy(value: Any) -> bool:
    if isinstance(value, Lazy):
        return True
    if isinstance(value, dict):
        return any(_has_lazy(v) for v in value.values())
    if isinstance(value, list | tuple):
        return any(isinstance(v, Lazy | dict) and _has_lazy(v) for v in value)
    return False


def chunks(
    document: Any, *, ascii: bool = False, default: Callable[[Any], Any] | None = None
) -> Iterator[str]:
    """The canonical text of ``document`` (sorted keys, no spaces, UTF-8 as is) in pieces:
    exactly ``json.dumps(materialize(document), sort_keys=True, separators=(",", ":"),
    ensure_ascii=ascii, default=default)``. Parts without a ``Lazy`` inside are written in
    one piece."""
    style = _PLAIN if not ascii and default is None else _Style(ascii, default)
    return _chunks(document, style)


def _chunks(document: Any, style: _Style) -> Iterator[str]:
    if isinstance(document, Lazy):
        yield "["
        first = True
        for item in document:
            if not first:
                yield ","
            first = False
            yield from _chunks(item, style)
        yield "]"
    elif not _has_lazy(document):
        yield style.dumps(document)
    elif isinstance(document, dict):
        yield "{"
        for n, key in enumerate(sorted(document)):
            if not isinstance(key, str):
                raise TypeError(f"canonical JSON keys are strings, not {key!r}")
            yield ("," if n else "") + style.dumps(key) + ":"
            yield from _chunks(document[key], style)
        yield "}"
    else:  # a list holding a lazy part
        yield "["
        for n, item in enumerate(document):
            if n:
                yield ","
            yield from _chunks(item, style)
        yield "]"


def materialize(document: Any) -> Any:
    """``document`` with every ``Lazy`` array made a list (the plain JSON value)."""
    if isinstance(document, Lazy):
        return [materialize(item) for item in document]
    if isinstance(document, dict):
        return {k: materialize(v) for k, v in document.items()}
    if isinstance(document, list | tuple) and _has_lazy(document):
        return [materialize(item) for item in document]
    return document


def encoded(
    document: Any,
    *,
    piece: int = 1 << 20,
    ascii: bool = False,
    default: Callable[[Any], Any] | None = None,
) -> Iterator[bytes]:
    """The canonical text of ``document`` as UTF-8, in pieces of about ``piece`` bytes."""
    held: list[str] = []
    size = 0
    for part in chunks(document, ascii=ascii, default=default):
        held.append(part)
        size += len(part)
        if size >= piece:
            yield "".join(held).encode("utf-8")
            held, size = [], 0
    if held:
        yield "".join(held).encode("utf-8")


def sha256_hex(document: Any, **style: Any) -> str:
    """The sha256 (hex) of the canonical text, made piece by piece (``chunks``' style)."""
    hasher = hashlib.sha256()
    for part in encoded(document, **style):
        hasher.update(part)
    return hasher.hexdigest()
