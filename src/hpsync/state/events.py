"""The webhook queue in the state store: stored before acknowledged, processed at least once.

An event is inserted (one row per sheet it concerns) in the same transaction that checks
its delivery was not seen before, then acknowledged: a crash after the 200 loses
nothing, a replay (same signature) is refused even after a restart. A worker claims due
rows, runs them, and marks them done, or failed with a growing delay before the next try.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, insert, select, update
from sqlalchemy.exc import IntegrityError

from hpsync.state import schema as t
from hpsync.state.store import StateStore

#: After this many failed tries an event stays failed (shown, retried by hand).
MAX_ATTEMPTS = 8


@dataclass(frozen=True, slots=True)
class Event:
    """One sheet to write back because Edusign said it changed."""

    event_id: int
    account: str
    kind: str
    course_id: str
    attempts: int


def enqueue(
    store: StateStore, account: str, signature: str, kind: str, courses: Sequence[str]
) -> bool:
    """Store a delivery's events; False (nothing stored) when that delivery was seen."""
    now = store.now()
    with store.writing() as conn:
        seen = conn.execute(
            select(t.webhook_events.c.event_id).where(
                t.webhook_events.c.account == account,
                t.webhook_events.c.signature == signature,
            )
        ).first()
        if seen is not None:
            return False
        rows = [
            {
                "account": account,
                "signature": signature,
                "kind": kind,
                "course_id": course,
                "status": "pending",
                "attempts": 0,
                "last_error": "",
                "received_at": now,
                "next_at": now,
                "done_at": None,
            }
            for course in dict.fromkeys(courses or [""])
        ]
        try:
            conn.execute(insert(t.webhook_events), rows)
        except IntegrityError:  # the same delivery, stored concurrently
            return False
    return True


def due(store: StateStore, limit: int = 50) -> list[Event]:
    """Events to run now: pending, or failed and whose retry time has come."""
    now = store.now()
    query = (
        select(t.webhook_events)
        .where(
            t.webhook_events.c.status.in_(("pending", "failed")),
            t.webhook_events.c.attempts < MAX_ATTEMPTS,
            t.webhook_events.c.next_at <= now,
        )
        .order_by(t.webhook_events.c.event_id)
        .limit(limit)
    )
    with store.reading() as conn:
        return [
            Event(r.event_id, r.account, r.kind, r.course_id, r.attempts)
            for r in conn.execute(query)
        ]


def finish(store: StateStore, event: Event, *, error: str = "") -> None:
    """Mark an event done, or failed with a delay doubling per try (at most an hour)."""
    now = store.now()
    values: dict[str, object]
    if not error:
        values = {"status": "done", "done_at": now, "last_error": ""}
    else:
        delay = timedelta(seconds=min(3600, 5 * 2**event.attempts))
        values = {
            "status": "failed",
            "attempts": event.attempts + 1,
            "last_error": error[:2000],
            "next_at": now + delay,
        }
    with store.writing() as conn:
        conn.execute(
            update(t.webhook_events)
            .where(t.webhook_events.c.event_id == event.event_id)
            .values(**values)
        )


def counts(store: StateStore) -> dict[str, int]:
    """Events per status (pending, failed, done), for `hpsync status` and the dashboard."""
    query = select(t.webhook_events.c.status, func.count()).group_by(t.webhook_events.c.status)
    with store.reading() as conn:
        found = {str(status): int(n) for status, n in conn.execute(query)}
    return {status: found.get(status, 0) for status in ("pending", "failed", "done")}


def oldest_pending(store: StateStore) -> datetime | None:
    """When the oldest event still waiting arrived (a stuck queue shows here)."""
    query = select(func.min(t.webhook_events.c.received_at)).where(
        t.webhook_events.c.status.in_(("pending", "failed"))
    )
    with store.reading() as conn:
        value = conn.execute(query).scalar()
    return value if isinstance(value, datetime) else None
