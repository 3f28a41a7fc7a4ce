"""Run inputs stored in parts: an XL school's Edusign state compresses to about 40 MB,
which a single row made a process hold three times (pieces, joined, the driver's copy).

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision: str | None = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Blobs keep their row; a new one may put its compressed text in parts."""
    op.add_column("input_blobs", sa.Column("parts", sa.Integer, nullable=False, server_default="0"))
    op.create_table(
        "input_blob_parts",
        sa.Column("digest", sa.String, primary_key=True),
        sa.Column("part", sa.Integer, primary_key=True),
        sa.Column("data", sa.LargeBinary, nullable=False),
    )


def downgrade() -> None:
    """Blobs stored in parts are lost (their runs can no longer be replayed)."""
    op.execute("DELETE FROM input_blobs WHERE parts > 0")
    op.drop_table("input_blob_parts")
    with op.batch_alter_table("input_blobs") as batch:
        batch.drop_column("parts")
