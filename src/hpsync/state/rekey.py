"""Renaming source ids (Hyperplanning's yearly change of keys) across mappings and ledger.

Rows are read, checked, deleted and re-inserted under their new ids in the caller's
transaction, so swaps (a→b, b→a) and chains work, and a rename that would overwrite a row
not itself renamed is refused before anything changes.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import Table, and_, delete, insert, or_, select, tuple_
from sqlalchemy.engine import Connection

from hpsync.errors import UsageError
from hpsync.state import schema as t
from hpsync.state.sql import chunks


def rekey(conn: Connection, account: str, renames: dict[str, str], *, ledger: bool = True) -> int:
    """Apply old → new source ids for one account; returns the number of rows renamed."""
    renames = {old: new for old, new in renames.items() if old != new}
    if not renames:
        return 0
    mapped = _rename(conn, t.mappings, account, renames, columns=("source_id",), what="mapping")
    if not ledger:
        return mapped
    ledgered = _rename(
        conn,
        t.ledger,
        account,
        renames,
        columns=("session_sid", "learner_sid"),
        what="ledger row",
    )
    return mapped + ledgered


def _rename(
    conn: Connection,
    table: Table,
    account: str,
    renames: dict[str, str],
    *,
    columns: tuple[str, ...],
    what: str,
) -> int:
    key = tuple(c.name for c in table.primary_key.columns)
    moving = _select_where_in(conn, table, account, columns, list(renames))
    if not moving:
        return 0
    moved = [
        {name: renames.get(v, v) if name in columns else v for name, v in row.items()}
        for row in moving
    ]
    old_keys = {tuple(row[k] for k in key) for row in moving}
    new_keys = [tuple(row[k] for k in key) for row in moved]
    targets = set(renames.values())
    occupied = {
        tuple(row[k] for k in key)
        for row in _select_where_in(conn, table, account, columns, list(targets))
    }
    seen: set[tuple[Any, ...]] = set()
    for new in new_keys:
        if new in seen or (new in occupied and new not in old_keys):
            raise UsageError(
                f"renaming source ids of account {account!r} would overwrite the {what} "
                f"{'/'.join(map(str, new[1:]))}",
                hint="the new ids are already in use; rename or forget those records first",
            )
        seen.add(new)
    cols = [table.c[k] for k in key]
    for part in chunks(sorted(old_keys)):
        conn.execute(delete(table).where(tuple_(*cols).in_(list(part))))
    conn.execute(insert(table), moved)
    return len(moved)


def _select_where_in(
    conn: Connection, table: Table, account: str, columns: Iterable[str], ids: list[str]
) -> list[dict[str, Any]]:
    """Rows of the account whose any of ``columns`` is in ``ids`` (deduplicated)."""
    found: dict[tuple[Any, ...], dict[str, Any]] = {}
    pk = [c.name for c in table.primary_key.columns]
    for part in chunks(ids):
        cond = or_(*(table.c[c].in_(list(part)) for c in columns))
        query = select(table).where(and_(table.c.account == account, cond))
        for row in conn.execute(query).mappings():
            found[tuple(row[k] for k in pk)] = dict(row)
    return list(found.values())
