"""Small SQL helpers shared by the store's modules: dialect upserts, chunking, times."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from typing import Any, TypeVar

from sqlalchemy import Table
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection
from sqlalchemy.sql.dml import Insert
from sqlalchemy.sql.elements import ColumnElement

T = TypeVar("T")
CHUNK = 900  # stays under every back-end's bound-parameter limit


def upsert(
    conn: Connection,
    table: Table,
    keys: Sequence[str],
    *,
    where: ColumnElement[bool] | None = None,
    set_: dict[str, Any] | None = None,
) -> Insert:
    """INSERT … ON CONFLICT (keys) DO UPDATE: one atomic statement on both back-ends.

    Without ``set_`` every non-key column takes the inserted value.
    """
    module: Any = postgresql if conn.dialect.name == "postgresql" else sqlite
    ins = module.insert(table)
    if set_ is None:
        set_ = {c.name: ins.excluded[c.name] for c in table.columns if c.name not in keys}
    stmt: Insert = ins.on_conflict_do_update(index_elements=list(keys), set_=set_, where=where)
    return stmt


def chunks(items: Sequence[T], size: int = CHUNK) -> Iterator[Sequence[T]]:
    """Consecutive slices of at most ``size`` items (for IN lists)."""
    for start in range(0, len(items), size):
        yield items[start : start + size]


def utc(moment: datetime) -> datetime:
    """The same instant in UTC; naive datetimes are a bug in the caller."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"naive datetime {moment!r}: the state store takes aware datetimes")
    return moment.astimezone(UTC)


def stamp(moment: datetime) -> str:
    """A datetime as people read it in messages: ``2026-03-02 08:15:00 UTC``."""
    return f"{utc(moment):%Y-%m-%d %H:%M:%S} UTC"
