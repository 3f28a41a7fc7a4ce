"""Human times for the pages: absolute in UTC, relative as 'x ago'."""

from __future__ import annotations

from datetime import UTC, datetime


def aware(value: datetime) -> datetime:
    """Treat a naive datetime as UTC (stores without zones hand those back)."""
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def stamp(value: datetime | None) -> str:
    """``2026-03-02 08:15 UTC``, or an em dash for nothing."""
    if value is None:
        return "—"
    return aware(value).astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")


def ago(value: datetime | None, now: datetime) -> str:
    """How long ago, coarsely: a person reads 'for 3 d' faster than a timestamp."""
    if value is None:
        return "never"
    seconds = int((aware(now) - aware(value)).total_seconds())
    if seconds < 60:
        return "just now"
    if seconds < 3600:
        return f"{seconds // 60} min ago"
    if seconds < 86400:
        return f"{seconds // 3600} h ago"
    return f"{seconds // 86400} d ago"


def duration(seconds: int) -> str:
    """``30 min``, ``2 h``, ``1 d``: a threshold as a person reads it."""
    if seconds % 86400 == 0 and seconds >= 86400:
        return f"{seconds // 86400} d"
    if seconds % 3600 == 0 and seconds >= 3600:
        return f"{seconds // 3600} h"
    return f"{max(1, seconds // 60)} min"
