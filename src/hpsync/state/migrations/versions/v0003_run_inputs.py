"""Run inputs for audit and replay: content-addressed blobs and one row per recorded run.

Revision ID: 0003
Revises: 0002
Create Date: 2026-02-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision: str | None = "0002"
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    """Create the input_blobs and run_inputs tables."""
    op.create_table(
        "input_blobs",
        sa.Column("digest", sa.String, primary_key=True),
        sa.Column("kind", sa.String, nullable=False),
        sa.Column("size", sa.Integer, nullable=False),
        sa.Column("data", sa.LargeBinary, nullable=False),
        sa.Column("created_at", TS, nullable=False),
    )
    op.create_table(
        "run_inputs",
        sa.Column(
            "run_id",
            sa.Integer,
            sa.ForeignKey("runs.run_id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("account", sa.String, nullable=False),
        sa.Column("plan_hash", sa.String, nullable=False),
        sa.Column("planned_at", TS, nullable=False),
        sa.Column("snapshot_digest", sa.String, nullable=False),
        sa.Column("remote_digest", sa.String, nullable=False),
        sa.Column("pushed_digest", sa.String, nullable=False),
        sa.Column("rules_digest", sa.String, nullable=False),
        sa.Column("created_at", TS, nullable=False),
    )
    op.create_index("ix_run_inputs_account", "run_inputs", ["account", "run_id"])


def downgrade() -> None:
    """Drop both tables (recorded inputs are lost; runs and plans stay)."""
    op.drop_table("run_inputs")
    op.drop_table("input_blobs")
