"""Marks (final attendance read by the up flow) and the notification send log.

Revision ID: 0002
Revises: 0001
Create Date: 2026-01-15
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision: str | None = "0001"
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    """Create the marks and notifications tables."""
    op.create_table(
        "marks",
        sa.Column("account", sa.String, primary_key=True),
        sa.Column("session_sid", sa.String, primary_key=True),
        sa.Column("learner_sid", sa.String, primary_key=True),
        sa.Column("status", sa.String, nullable=False),
        sa.Column("late_minutes", sa.Integer, nullable=False),
        sa.Column("left_at", TS, nullable=True),
        sa.Column("justified", sa.Boolean, nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("session_start", TS, nullable=False),
        sa.Column("session_end", TS, nullable=False),
        sa.Column("updated_at", TS, nullable=False),
    )
    op.create_index("ix_marks_account_start", "marks", ["account", "session_start"])
    op.create_index(
        "ix_marks_account_learner", "marks", ["account", "learner_sid", "session_start"]
    )
    op.create_table(
        "notifications",
        sa.Column("account", sa.String, primary_key=True),
        sa.Column("dedup_key", sa.String, primary_key=True),
        sa.Column("kind", sa.String, nullable=False),
        sa.Column("recipient", sa.String, nullable=False),
        sa.Column("subject", sa.Text, nullable=False),
        sa.Column("status", sa.String, nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("last_error", sa.Text, nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("sent_at", TS, nullable=True),
        sa.Column("body_text", sa.Text, nullable=False),
        sa.Column("body_html", sa.Text, nullable=False),
    )
    op.create_index("ix_notifications_account_created", "notifications", ["account", "created_at"])
    op.create_index("ix_notifications_account_status", "notifications", ["account", "status"])


def downgrade() -> None:
    """Drop both tables (marks are re-read by the next up run; the send log is lost)."""
    op.drop_table("notifications")
    op.drop_table("marks")
