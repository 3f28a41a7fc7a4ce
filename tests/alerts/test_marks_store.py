"""The marks and notifications tables of the state store."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hpsync.state import StateStore
from hpsync.state.marks import (
    MarkRow,
    NotificationRow,
    add_notifications,
    marks,
    notifications,
    record_marks,
    set_notification_status,
)
from state.conftest import FakeClock

T0 = datetime(2026, 9, 7, 8, 0, tzinfo=UTC)


def _mark(session: str, learner: str, day: int, status: str = "present") -> MarkRow:
    start = T0 + timedelta(days=day)
    return MarkRow(session, learner, status, start, start + timedelta(hours=2))


def test_record_marks_upserts_and_keeps_updated_at_of_unchanged_rows(
    store: StateStore, clock: FakeClock
) -> None:
    """Recording the same mark twice keeps one row; only a changed mark gets a new time."""
    record_marks(store, "nord", [_mark("S1", "L1", 0), _mark("S2", "L1", 1)])
    first = {m.session_sid: m.updated_at for m in marks(store, "nord")}
    clock.advance(3600)
    changed = MarkRow("S2", "L1", "absent", T0 + timedelta(days=1), T0 + timedelta(days=1, hours=2))
    record_marks(store, "nord", [_mark("S1", "L1", 0), changed])
    rows = {m.session_sid: m for m in marks(store, "nord")}
    assert len(rows) == 2
    assert rows["S1"].updated_at == first["S1"]
    assert rows["S2"].status == "absent"
    assert rows["S2"].updated_at == clock.now


def test_marks_filter_by_learner_and_window(store: StateStore) -> None:
    """The reader returns one learner's marks whose session starts in [since, until)."""
    record_marks(
        store,
        "nord",
        [_mark("S1", "L1", 0), _mark("S2", "L1", 2), _mark("S3", "L1", 4), _mark("S1", "L2", 0)],
    )
    record_marks(store, "sud", [_mark("S1", "L1", 0)])
    got = marks(
        store, "nord", learner_sid="L1", since=T0 + timedelta(days=1), until=T0 + timedelta(days=4)
    )
    assert [m.session_sid for m in got] == ["S2"]
    assert len(marks(store, "nord")) == 4


def test_notification_keys_are_inserted_once_and_sent_rows_stay_sent(store: StateStore) -> None:
    """A dedup key already logged is not inserted again, and a sent row never goes back."""
    row = NotificationRow("nord", "k1", "alert", "a@b.test", "Subject", "text", "<p>html</p>")
    assert add_notifications(store, [row]) == 1
    assert add_notifications(store, [row]) == 0
    set_notification_status(store, "nord", "k1", "failed", error="refused", attempted=True)
    set_notification_status(store, "nord", "k1", "sent", attempted=True)
    set_notification_status(store, "nord", "k1", "failed", error="late", attempted=True)
    (got,) = notifications(store, "nord", keys=["k1"])
    assert (got.status, got.attempts, got.last_error) == ("sent", 2, "")
    assert got.sent_at is not None
    assert notifications(store, "sud") == []
