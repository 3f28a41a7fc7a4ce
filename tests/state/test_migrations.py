"""Schema creation and migration of the state store."""

from __future__ import annotations

import threading
from datetime import UTC, datetime
from importlib.resources import files

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import create_engine, inspect, text

from hpsync.errors import UsageError
from hpsync.state import MappingRow, StateStore
from hpsync.state.migrate import current_revision, head_revision
from hpsync.state.schema import VERSION_TABLE, metadata

TABLES = {"mappings", "runs", "plan_items", "ledger", "meta", "leases", VERSION_TABLE}


def test_open_creates_schema_from_nothing(store_url: str) -> None:
    """Opening an empty database creates every table and records the head revision."""
    with StateStore.open(store_url):
        pass
    engine = create_engine(store_url)
    try:
        assert set(inspect(engine).get_table_names()) >= TABLES
        assert current_revision(engine) == head_revision()
    finally:
        engine.dispose()


def test_reopen_is_a_noop_and_keeps_data(store_url: str) -> None:
    """Opening an up-to-date database again changes nothing and keeps what was stored."""
    now = datetime(2026, 3, 2, tzinfo=UTC)
    with StateStore.open(store_url) as store:
        store.put_mappings("nord", [MappingRow("nord", "learner", "L1", "r1", "h1", now)])
    with StateStore.open(store_url) as store:
        assert store.get_mapping("nord", "learner", "L1") is not None
    engine = create_engine(store_url)
    try:
        with engine.connect() as conn:
            rows = conn.execute(text(f"SELECT version_num FROM {VERSION_TABLE}")).all()
        assert [r[0] for r in rows] == [head_revision()]
    finally:
        engine.dispose()


def test_schema_module_matches_migrations(store_url: str) -> None:
    """The tables the queries use are exactly those the migrations create."""
    with StateStore.open(store_url):
        pass
    engine = create_engine(store_url)
    try:
        with engine.connect() as conn:
            ctx = MigrationContext.configure(conn, opts={"version_table": VERSION_TABLE})
            assert compare_metadata(ctx, metadata) == []
    finally:
        engine.dispose()


def test_unknown_newer_revision_is_refused(store_url: str) -> None:
    """A database written by a newer hpsync is refused with a hint, not migrated."""
    with StateStore.open(store_url):
        pass
    engine = create_engine(store_url)
    with engine.begin() as conn:
        conn.execute(text(f"UPDATE {VERSION_TABLE} SET version_num = 'fffffff'"))
    engine.dispose()
    with pytest.raises(UsageError, match="unknown to this hpsync"):
        StateStore.open(store_url)


def test_unsupported_url_is_a_usage_error() -> None:
    """A URL for another database engine is refused with the supported forms."""
    with pytest.raises(UsageError, match="unsupported state database"):
        StateStore.open("mysql://u@h/db")


def test_migration_scripts_ship_inside_the_package() -> None:
    """The Alembic environment and revisions are package resources, not repo files."""
    migrations = files("hpsync.state.migrations")
    assert migrations.joinpath("env.py").is_file()
    assert migrations.joinpath("script.py.mako").is_file()
    versions = [p.name for p in migrations.joinpath("versions").iterdir()]
    assert any(n.startswith("v0001") and n.endswith(".py") for n in versions)


def test_concurrent_first_opens_both_succeed(store_url: str) -> None:
    """Two processes opening an empty database at once both end up on one schema at head."""
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def open_once() -> None:
        try:
            barrier.wait()
            StateStore.open(store_url).close()
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=open_once) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    engine = create_engine(store_url)
    try:
        assert current_revision(engine) == head_revision()
    finally:
        engine.dispose()


def test_importing_the_alembic_env_outside_alembic_is_harmless() -> None:
    """Importing the migration environment (e.g. by a docs tool) runs no migration."""
    from hpsync.state.migrations import env

    assert callable(env.run_migrations)
