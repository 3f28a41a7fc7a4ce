"""The tables of the state store (SQLAlchemy Core), mirroring the latest migration.

Migrations (``migrations/versions``) own the DDL; this module only describes the tables
for queries, so it must match the head revision (a test checks it).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    DateTime,
    Dialect,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.types import TypeDecorator

VERSION_TABLE = "hpsync_schema_version"


class UtcDateTime(TypeDecorator[datetime]):
    """Aware datetimes in, stored as UTC, aware UTC datetimes out (SQLite keeps no zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError(f"naive datetime {value!r}: the state store takes aware datetimes")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        assert isinstance(value, datetime)
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


metadata = MetaData()

mappings = Table(
    "mappings",
    metadata,
    Column("account", String, primary_key=True),
    Column("kind", String, primary_key=True),
    Column("source_id", String, primary_key=True),
    Column("remote_id", String, nullable=False),
    Column("content_hash", String, nullable=False),
    Column("pushed_at", UtcDateTime(), nullable=False),
    Column("state", String, nullable=False),
    Column("remote_fingerprint", String, nullable=False),
)

runs = Table(
    "runs",
    metadata,
    Column("run_id", Integer, primary_key=True, autoincrement=True),
    Column("account", String, nullable=False),
    Column("flow", String, nullable=False),
    Column("dry_run", Boolean, nullable=False),
    Column("started_at", UtcDateTime(), nullable=False),
    Column("finished_at", UtcDateTime(), nullable=True),
    Column("outcome", String, nullable=True),
    Column("counts_json", Text, nullable=False),
    Column("error", Text, nullable=False),
    Column("meta_json", Text, nullable=False),
)

plan_items = Table(
    "plan_items",
    metadata,
    Column("run_id", Integer, ForeignKey("runs.run_id", ondelete="CASCADE"), primary_key=True),
    Column("item_key", String, primary_key=True),
    Column("account", String, nullable=False),
    Column("seq", Integer, nullable=False),
    Column("kind", String, nullable=False),
    Column("action", String, nullable=False),
    Column("source_id", String, nullable=False),
    Column("remote_id", String, nullable=False),
    Column("summary", Text, nullable=False),
    Column("details_json", Text, nullable=False),
    Column("outcome", String, nullable=False),
    Column("message", Text, nullable=False),
)

ledger = Table(
    "ledger",
    metadata,
    Column("account", String, primary_key=True),
    Column("session_sid", String, primary_key=True),
    Column("learner_sid", String, primary_key=True),
    Column("mark_kind", String, primary_key=True),
    Column("status", String, nullable=False),
    Column("fingerprint", String, nullable=False),
    Column("hp_start", UtcDateTime(), nullable=False),
    Column("hp_end", UtcDateTime(), nullable=False),
    Column("justified", Boolean, nullable=False),
    Column("reason", Text, nullable=False),
    Column("detail", Text, nullable=False),
    Column("attempts", Integer, nullable=False),
    Column("updated_at", UtcDateTime(), nullable=False),
)

webhook_events = Table(
    "webhook_events",
    metadata,
    Column("event_id", Integer, primary_key=True, autoincrement=True),
    Column("account", String, nullable=False),
    Column("signature", String, nullable=False),
    Column("kind", String, nullable=False),
    Column("course_id", String, nullable=False),
    Column("status", String, nullable=False),
    Column("attempts", Integer, nullable=False),
    Column("last_error", Text, nullable=False),
    Column("received_at", UtcDateTime(), nullable=False),
    Column("next_at", UtcDateTime(), nullable=False),
    Column("done_at", UtcDateTime(), nullable=True),
    UniqueConstraint("account", "signature", "course_id", name="uq_webhook_delivery"),
    Index("ix_webhook_events_status", "status", "next_at"),
)

identity_renames = Table(
    "identity_renames",
    metadata,
    Column("account", String, primary_key=True),
    Column("old_sid", String, primary_key=True),
    Column("new_sid", String, nullable=False),
    Column("switched_at", UtcDateTime(), nullable=False),
    Index("ix_identity_renames_new", "account", "new_sid"),
)

meta = Table(
    "meta",
    metadata,
    Column("account", String, primary_key=True),
    Column("key", String, primary_key=True),
    Column("value", Text, nullable=False),
)

leases = Table(
    "leases",
    metadata,
    Column("account", String, primary_key=True),
    Column("holder", String, nullable=False),
    Column("token", BigInteger, nullable=False),
    Column("acquired_at", UtcDateTime(), nullable=False),
    Column("expires_at", UtcDateTime(), nullable=False),
)

Index("ix_runs_account", runs.c.account, runs.c.run_id)
Index("ix_ledger_account_status", ledger.c.account, ledger.c.status)
Index("ix_ledger_account_updated", ledger.c.account, ledger.c.updated_at)
Index("ix_mappings_remote", mappings.c.account, mappings.c.kind, mappings.c.remote_id)

# -- v0002: marks (final attendance as read by the up flow) and the notification log ------

marks = Table(
    "marks",
    metadata,
    Column("account", String, primary_key=True),
    Column("session_sid", String, primary_key=True),
    Column("learner_sid", String, primary_key=True),
    Column("status", String, nullable=False),
    Column("late_minutes", Integer, nullable=False),
    Column("left_at", UtcDateTime(), nullable=True),
    Column("justified", Boolean, nullable=False),
    Column("reason", Text, nullable=False),
    Column("session_start", UtcDateTime(), nullable=False),
    Column("session_end", UtcDateTime(), nullable=False),
    Column("updated_at", UtcDateTime(), nullable=False),
)

notifications = Table(
    "notifications",
    metadata,
    Column("account", String, primary_key=True),
    Column("dedup_key", String, primary_key=True),
    Column("kind", String, nullable=False),
    Column("recipient", String, nullable=False),
    Column("subject", Text, nullable=False),
    Column("status", String, nullable=False),
    Column("attempts", Integer, nullable=False),
    Column("last_error", Text, nullable=False),
    Column("created_at", UtcDateTime(), nullable=False),
    Column("sent_at", UtcDateTime(), nullable=True),
    Column("body_text", Text, nullable=False),
    Column("body_html", Text, nullable=False),
)

Index("ix_marks_account_start", marks.c.account, marks.c.session_start)
Index("ix_marks_account_learner", marks.c.account, marks.c.learner_sid, marks.c.session_start)
Index("ix_notifications_account_created", notifications.c.account, notifications.c.created_at)
Index("ix_notifications_account_status", notifications.c.account, notifications.c.status)

# -- v0003: run inputs (audit and replay), content-addressed and deduplicated -------------

input_blobs = Table(
    "input_blobs",
    metadata,
    Column("digest", String, primary_key=True),
    Column("kind", String, nullable=False),
    Column("size", Integer, nullable=False),
    Column("data", LargeBinary, nullable=False),
    Column("created_at", UtcDateTime(), nullable=False),
    # v0006: 0, the compressed text is ``data``; else it is in that many ``input_blob_parts``
    Column("parts", Integer, nullable=False, server_default="0"),
)

# -- v0006: a big input stored in parts, so that no process holds it whole -----------------

input_blob_parts = Table(
    "input_blob_parts",
    metadata,
    Column("digest", String, primary_key=True),
    Column("part", Integer, primary_key=True),
    Column("data", LargeBinary, nullable=False),
)

run_inputs = Table(
    "run_inputs",
    metadata,
    Column("run_id", Integer, ForeignKey("runs.run_id", ondelete="CASCADE"), primary_key=True),
    Column("account", String, nullable=False),
    Column("plan_hash", String, nullable=False),
    Column("planned_at", UtcDateTime(), nullable=False),
    Column("snapshot_digest", String, nullable=False),
    Column("remote_digest", String, nullable=False),
    Column("pushed_digest", String, nullable=False),
    Column("rules_digest", String, nullable=False),
    Column("created_at", UtcDateTime(), nullable=False),
)

Index("ix_run_inputs_account", run_inputs.c.account, run_inputs.c.run_id)
