"""Initial schema: mappings, runs, plan items, attendance ledger, meta, leases.

Revision ID: 0001
Revises:
Create Date: 2026-01-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision: str | None = None
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    """Create every table of the first schema."""
    op.create_table(
        "mappings",
        sa.Column("account", sa.String, primary_key=True),
        sa.Column("kind", sa.String, primary_key=True),
        sa.Column("source_id", sa.String, primary_key=True),
        sa.Column("remote_id", sa.String, nullable=False),
        sa.Column("content_hash", sa.String, nullable=False),
        sa.Column("pushed_at", TS, nullable=False),
        sa.Column("state", sa.String, nullable=False),
        sa.Column("remote_fingerprint", sa.String, nullable=False),
    )
    op.create_index("ix_mappings_remote", "mappings", ["account", "kind", "remote_id"])
    op.create_table(
        "runs",
        sa.Column("run_id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("account", sa.String, nullable=False),
        sa.Column("flow", sa.String, nullable=False),
        sa.Column("dry_run", sa.Boolean, nullable=False),
        sa.Column("started_at", TS, nullable=False),
        sa.Column("finished_at", TS, nullable=True),
        sa.Column("outcome", sa.String, nullable=True),
        sa.Column("counts_json", sa.Text, nullable=False),
        sa.Column("error", sa.Text, nullable=False),
        sa.Column("meta_json", sa.Text, nullable=False),
    )
    op.create_index("ix_runs_account", "runs", ["account", "run_id"])
    op.create_table(
        "plan_items",
        sa.Column(
            "run_id",
            sa.Integer,
            sa.ForeignKey("runs.run_id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("item_key", sa.String, primary_key=True),
        sa.Column("account", sa.String, nullable=False),
        sa.Column("seq", sa.Integer, nullable=False),
        sa.Column("kind", sa.String, nullable=False),
        sa.Column("action", sa.String, nullable=False),
        sa.Column("source_id", sa.String, nullable=False),
        sa.Column("remote_id", sa.String, nullable=False),
        sa.Column("summary", sa.Text, nullable=False),
        sa.Column("details_json", sa.Text, nullable=False),
        sa.Column("outcome", sa.String, nullable=False),
        sa.Column("message", sa.Text, nullable=False),
    )
    op.create_table(
        "ledger",
        sa.Column("account", sa.String, primary_key=True),
        sa.Column("session_sid", sa.String, primary_key=True),
        sa.Column("learner_sid", sa.String, primary_key=True),
        sa.Column("mark_kind", sa.String, primary_key=True),
        sa.Column("status", sa.String, nullable=False),
        sa.Column("fingerprint", sa.String, nullable=False),
        sa.Column("hp_start", TS, nullable=False),
        sa.Column("hp_end", TS, nullable=False),
        sa.Column("justified", sa.Boolean, nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("detail", sa.Text, nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("updated_at", TS, nullable=False),
    )
    op.create_index("ix_ledger_account_status", "ledger", ["account", "status"])
    op.create_index("ix_ledger_account_updated", "ledger", ["account", "updated_at"])
    op.create_table(
        "meta",
        sa.Column("account", sa.String, primary_key=True),
        sa.Column("key", sa.String, primary_key=True),
        sa.Column("value", sa.Text, nullable=False),
    )
    op.create_table(
        "leases",
        sa.Column("account", sa.String, primary_key=True),
        sa.Column("holder", sa.String, nullable=False),
        sa.Column("token", sa.BigInteger, nullable=False),
        sa.Column("acquired_at", TS, nullable=False),
        sa.Column("expires_at", TS, nullable=False),
    )


def downgrade() -> None:
    """Drop every table (the state is lost)."""
    for table in ("leases", "meta", "ledger", "plan_items", "runs", "mappings"):
        op.drop_table(table)
