"""Read-only views of the send log, for the dashboard and the CLI."""

from __future__ import annotations

from hpsync.state import StateStore
from hpsync.state.marks import NotificationRow, notifications


def recent_notifications(store: StateStore, account: str, limit: int = 50) -> list[NotificationRow]:
    """The latest alerts and reports of an account (newest first), whatever their status."""
    return notifications(store, account, limit=limit)
