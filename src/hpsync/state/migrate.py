"""Bring a state database to the head revision, programmatically (no alembic.ini).

Concurrent first opens are serialised: PostgreSQL by an advisory lock held for the
migration's transaction, SQLite by its write lock (``BEGIN IMMEDIATE``).
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util import CommandError
from sqlalchemy import Engine

from hpsync.errors import UsageError
from hpsync.state.schema import VERSION_TABLE

MIGRATIONS = Path(__file__).with_name("migrations")
_PG_LOCK_KEY = 0x68707379  # "hpsy": one advisory lock id for hpsync migrations


def alembic_config() -> Config:
    """An Alembic config pointing at the migrations shipped inside the package."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def head_revision() -> str:
    """The newest schema revision this hpsync knows."""
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    return head


def current_revision(engine: Engine) -> str | None:
    """The revision the database is at, or None when it has no schema yet."""
    with engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"version_table": VERSION_TABLE})
        return ctx.get_current_revision()


def upgrade_to_head(engine: Engine) -> None:
    """Create or migrate the schema; a database already at head is left untouched."""
    config = alembic_config()
    scripts = ScriptDirectory.from_config(config)
    head = head_revision()
    current = current_revision(engine)
    if current == head:
        return
    if current is not None and not _known(scripts, current):
        raise UsageError(
            f"the state database is at schema revision {current!r}, unknown to this hpsync "
            f"(newest known: {head!r})",
            hint="upgrade hpsync to the version that last wrote this database",
        )
    with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({_PG_LOCK_KEY})")
        config.attributes["connection"] = conn
        command.upgrade(config, "head")


def _known(scripts: ScriptDirectory, revision: str) -> bool:
    try:
        return scripts.get_revision(revision) is not None
    except CommandError:
        return False
