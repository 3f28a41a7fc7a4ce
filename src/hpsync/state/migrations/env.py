"""Alembic environment: runs on the connection ``hpsync.state.migrate`` hands over.

Importing this module outside Alembic (a docs build, an import-everything test) does
nothing: the migration only runs when Alembic executes it with its context set up.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy.engine import Connection

from hpsync.state.schema import VERSION_TABLE


def run_migrations(connection: Connection) -> None:
    """Run the pending revisions on ``connection`` (inside the caller's transaction)."""
    context.configure(
        connection=connection,
        target_metadata=None,
        version_table=VERSION_TABLE,
        render_as_batch=connection.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        context.run_migrations()


if hasattr(context, "config"):  # set only while Alembic runs this script
    _connection = context.config.attributes.get("connection")
    if not isinstance(_connection, Connection):
        raise RuntimeError("hpsync migrations run through hpsync.state.migrate (a connection)")
    run_migrations(_connection)
