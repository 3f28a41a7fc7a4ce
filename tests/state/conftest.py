"""Fixtures for the state store: one URL per back-end, a controllable clock, a store.

``store_url`` is parametrised: every test using it runs on SQLite (a fresh file) and on a
real PostgreSQL server (a fresh schema in a database created for the session). Other
suites can copy these fixtures, or import them: ``from state.conftest import FakeClock``.
PostgreSQL comes from ``HPSYNC_TEST_POSTGRES_URL``, else the local trust-auth server;
when it is unreachable the postgres variant fails under CI and skips elsewhere.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import OperationalError

from conftest import require
from hpsync.state import StateStore

DEFAULT_PG = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"


class FakeClock:
    """A clock tests move by hand, so lease expiry needs no sleeping."""

    def __init__(self, start: datetime | None = None) -> None:
        self.now = start or datetime(2026, 3, 2, 8, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


@pytest.fixture(scope="session")
def postgres_database() -> Iterator[URL | None]:
    """A database created for this test session and dropped at its end (None if no server)."""
    admin_url = make_url(os.environ.get("HPSYNC_TEST_POSTGRES_URL", DEFAULT_PG))
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    name = f"hpsync_test_{uuid.uuid4().hex[:10]}"
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    except OperationalError:
        admin.dispose()
        yield None
        return
    try:
        yield admin_url.set(database=name)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def postgres_schema_url(database: URL) -> str:
    """A URL whose connections see only a new, empty schema of the session database."""
    schema = f"t_{uuid.uuid4().hex[:12]}"
    engine = create_engine(database, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    engine.dispose()
    url = database.update_query_dict({"options": f"-csearch_path={schema}"})
    return url.render_as_string(hide_password=False)


@pytest.fixture(params=["sqlite", "postgres"])
def store_url(request: pytest.FixtureRequest, tmp_path: Path, postgres_database: URL | None) -> str:
    """A URL to an empty state database, once per back-end."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'state.db'}"
    require(postgres_database is not None, "PostgreSQL unreachable (HPSYNC_TEST_POSTGRES_URL)")
    assert postgres_database is not None
    return postgres_schema_url(postgres_database)


@pytest.fixture
def clock() -> FakeClock:
    """A fake clock starting on a Monday morning, UTC."""
    return FakeClock()


@pytest.fixture
def store(store_url: str, clock: FakeClock) -> Iterator[StateStore]:
    """A store on an empty database of each back-end, closed after the test."""
    opened = StateStore.open(store_url, clock=clock)
    try:
        yield opened
    finally:
        opened.close()
