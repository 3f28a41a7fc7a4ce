"""Engines for the two supported back-ends, each configured for safe concurrent use.

SQLite: WAL (readers never block the writer), a busy timeout, and transactions begun by
us so writers take the write lock up front (``BEGIN IMMEDIATE``): a read-then-write unit
of work can then never fail half-way with "database is locked". PostgreSQL: pre-ping,
so a connection dropped by a restart is replaced instead of failing the next run.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.exc import ArgumentError

from hpsync.errors import UsageError

BUSY_TIMEOUT_MS = 30_000
WRITE_OPTION = "hpsync_write"
_HINT = "use sqlite:///path/to/state.db or postgresql+psycopg://user@host/db"


def make_engine(url: str) -> Engine:
    """Create the engine for ``url``; refuse back-ends the store is not tested on."""
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise UsageError(f"invalid state database URL: {exc}", hint=_HINT) from exc
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        return _sqlite(url)
    if backend == "postgresql":
        return create_engine(url, pool_pre_ping=True)
    raise UsageError(f"unsupported state database {backend!r}", hint=_HINT)


def _sqlite(url: str) -> Engine:
    engine = create_engine(url)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None  # we emit BEGIN ourselves (below)
        cursor = dbapi_conn.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        write = conn.get_execution_options().get(WRITE_OPTION, True)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")

    return engine
