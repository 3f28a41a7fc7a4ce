"""Identities renamed by a yearly switch: last year's source id → next year's, per account.

The ledger keeps last year's identities (it records what was written into last year's
base); this table lets the write-back of last year's sheets find a learner who now carries
next year's identity on Edusign.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision: str | None = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create the identity_renames table."""
    op.create_table(
        "identity_renames",
        sa.Column("account", sa.String, primary_key=True),
        sa.Column("old_sid", sa.String, primary_key=True),
        sa.Column("new_sid", sa.String, nullable=False),
        sa.Column("switched_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_identity_renames_new", "identity_renames", ["account", "new_sid"])


def downgrade() -> None:
    """Drop it (last year's write-back then no longer finds people who stayed)."""
    op.drop_table("identity_renames")
