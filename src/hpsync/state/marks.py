"""Marks and notifications in the state store: functions over a ``StateStore``.

Kept out of ``store.py`` so the alerts feature owns its tables; they join the store's unit
of work (``store.transaction()``) like its own methods do.

- ``marks``: the final status of one learner on one session, as the up flow read it
  (one row per account, session, learner; an upsert that only touches changed rows, so
  ``updated_at`` says when Edusign last changed the mark).
- ``notifications``: the send log of alerts and reports, unique per (account, dedup key):
  a key that exists is never inserted again, a ``sent`` row is never sent again.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Row, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite

from hpsync.state import schema as t
from hpsync.state.sql import chunks
from hpsync.state.store import StateStore

MARK_STATUSES = ("present", "absent")
NOTIFICATION_KINDS = ("alert", "report")
NOTIFICATION_STATUSES = ("pending", "sent", "failed", "dry_run")
_MARK_FIELDS = ("status", "late_minutes", "left_at", "justified", "reason")
_MARK_TIMES = ("session_start", "session_end")


@dataclass(frozen=True, slots=True)
class MarkRow:
    """One learner's final mark on one session (``updated_at`` is set by the store)."""

    session_sid: str
    learner_sid: str
    status: str  # present | absent
    session_start: datetime
    session_end: datetime
    late_minutes: int = 0
    left_at: datetime | None = None
    justified: bool = False
    reason: str = ""
    updated_at: datetime | None = None

    @property
    def present(self) -> bool:
        return self.status == "present"


@dataclass(frozen=True, slots=True)
class NotificationRow:
    """One e-mail to one recipient, with what happened to it."""

    account: str
    dedup_key: str
    kind: str  # alert | report
    recipient: str
    subject: str
    body_text: str
    body_html: str
    status: str = "pending"
    attempts: int = 0
    last_error: str = ""
    created_at: datetime | None = None
    sent_at: datetime | None = None


def _module(store: StateStore) -> Any:
    return postgresql if store.dialect == "postgresql" else sqlite


def record_marks(store: StateStore, account: str, rows: Iterable[MarkRow]) -> None:
    """Insert or update marks; a row whose content is unchanged keeps its ``updated_at``."""
    now = store._clock()
    params = []
    for row in rows:
        if row.status not in MARK_STATUSES:
            raise ValueError(f"mark status {row.status!r} not in {MARK_STATUSES}")
        params.append(
            {
                "account": account,
                "session_sid": row.session_sid,
                "learner_sid": row.learner_sid,
                "status": row.status,
                "late_minutes": row.late_minutes,
                "left_at": row.left_at,
                "justified": row.justified,
                "reason": row.reason,
                "session_start": row.session_start,
                "session_end": row.session_end,
                "updated_at": now,
            }
        )
    if not params:
        return
    ins = _module(store).insert(t.marks)
    changed = [t.marks.c[name].is_distinct_from(ins.excluded[name]) for name in _MARK_FIELDS]
    changed += [t.marks.c[name] != ins.excluded[name] for name in _MARK_TIMES]
    stmt = ins.on_conflict_do_update(
        index_elements=["account", "session_sid", "learner_sid"],
        set_={n: ins.excluded[n] for n in (*_MARK_FIELDS, *_MARK_TIMES, "updated_at")},
        where=or_(*changed),
    )
    with store._conn(write=True) as conn:
        for part in chunks(params, 200):
            conn.execute(stmt, list(part))


def marks(
    store: StateStore,
    account: str,
    *,
    learner_sid: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
) -> list[MarkRow]:
    """Marks of sessions starting in [since, until), by learner then session start."""
    c = t.marks.c
    query = select(t.marks).where(c.account == account)
    if learner_sid is not None:
        query = query.where(c.learner_sid == learner_sid)
    if since is not None:
        query = query.where(c.session_start >= since)
    if until is not None:
        query = query.where(c.session_start < until)
    query = query.order_by(c.learner_sid, c.session_start, c.session_sid)
    with store._conn(write=False) as conn:
        return [_mark(r) for r in conn.execute(query).all()]


def add_notifications(store: StateStore, rows: Sequence[NotificationRow]) -> int:
    """Insert notifications whose (account, dedup key) is new; existing ones are untouched."""
    for row in rows:
        if row.kind not in NOTIFICATION_KINDS or row.status not in NOTIFICATION_STATUSES:
            raise ValueError(f"bad notification kind/status {row.kind!r}/{row.status!r}")
    if not rows:
        return 0
    now = store._clock()
    params = [
        {
            "account": r.account,
            "dedup_key": r.dedup_key,
            "kind": r.kind,
            "recipient": r.recipient,
            "subject": r.subject,
            "status": r.status,
            "attempts": r.attempts,
            "last_error": r.last_error,
            "created_at": r.created_at or now,
            "sent_at": r.sent_at,
            "body_text": r.body_text,
            "body_html": r.body_html,
        }
        for r in rows
    ]
    stmt = (
        _module(store)
        .insert(t.notifications)
        .on_conflict_do_nothing(index_elements=["account", "dedup_key"])
        .returning(t.notifications.c.dedup_key)
    )
    inserted = 0
    with store._conn(write=True) as conn:
        for one in params:  # one by one: RETURNING tells which keys were new
            inserted += len(conn.execute(stmt, one).all())
    return inserted


def notifications(
    store: StateStore,
    account: str,
    *,
    keys: Sequence[str] | None = None,
    statuses: Sequence[str] | None = None,
    limit: int | None = None,
) -> list[NotificationRow]:
    """Notifications of the account, newest first (of some keys / statuses when given)."""
    c = t.notifications.c
    query = select(t.notifications).where(c.account == account)
    if statuses is not None:
        query = query.where(c.status.in_(list(statuses)))
    query = query.order_by(c.created_at.desc(), c.dedup_key)
    if limit is not None:
        query = query.limit(limit)
    out: list[NotificationRow] = []
    with store._conn(write=False) as conn:
        if keys is None:
            return [_notification(r) for r in conn.execute(query).all()]
        for part in chunks(list(keys)):
            out.extend(_notification(r) for r in conn.execute(query.where(c.dedup_key.in_(part))))
    return out


def set_notification_status(
    store: StateStore,
    account: str,
    dedup_key: str,
    status: str,
    *,
    error: str = "",
    attempted: bool = False,
) -> None:
    """Record a send's outcome (``attempted`` counts one more try); a sent row stays sent."""
    if status not in NOTIFICATION_STATUSES:
        raise ValueError(f"notification status {status!r} not in {NOTIFICATION_STATUSES}")
    c = t.notifications.c
    values: dict[str, Any] = {"status": status, "last_error": error}
    if attempted:
        values["attempts"] = c.attempts + 1
    if status == "sent":
        values["sent_at"] = store._clock()
    stmt = (
        update(t.notifications)
        .where(c.account == account, c.dedup_key == dedup_key, c.status != "sent")
        .values(values)
    )
    with store._conn(write=True) as conn:
        conn.execute(stmt)


def _mark(r: Row[Any]) -> MarkRow:
    return MarkRow(
        r.session_sid,
        r.learner_sid,
        r.status,
        r.session_start,
        r.session_end,
        int(r.late_minutes),
        r.left_at,
        bool(r.justified),
        r.reason,
        r.updated_at,
    )


def _notification(r: Row[Any]) -> NotificationRow:
    return NotificationRow(
        r.account,
        r.dedup_key,
        r.kind,
        r.recipient,
        r.subject,
        r.body_text,
        r.body_html,
        r.status,
        int(r.attempts),
        r.last_error,
        r.created_at,
        r.sent_at,
    )
