"""Webhook events stored before they are acknowledged, processed at least once.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision: str | None = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create the webhook_events table."""
    op.create_table(
        "webhook_events",
        sa.Column("event_id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("account", sa.String, nullable=False),
        sa.Column("signature", sa.String, nullable=False),
        sa.Column("kind", sa.String, nullable=False),
        sa.Column("course_id", sa.String, nullable=False),
        sa.Column("status", sa.String, nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("last_error", sa.Text, nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("next_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("done_at", sa.DateTime(timezone=True), nullable=True),
        sa.UniqueConstraint("account", "signature", "course_id", name="uq_webhook_delivery"),
    )
    op.create_index("ix_webhook_events_status", "webhook_events", ["status", "next_at"])


def downgrade() -> None:
    """Drop it (events not processed yet are lost)."""
    op.drop_table("webhook_events")
