"""What every suite shares: the day the cases happen on."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

PARIS = ZoneInfo("Europe/Paris")
#: The day the cases happen on: a Monday of the 2026-2027 school year.
DAY = datetime(2026, 10, 5, tzinfo=PARIS)


def at(hour: int, minute: int = 0, *, day: int = 0) -> datetime:
    """A wall-clock time in Paris, ``day`` days after ``DAY``."""
    return DAY + timedelta(days=day, hours=hour, minutes=minute)
