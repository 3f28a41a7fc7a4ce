"""When an account is due for a sync: every N minutes, never in its quiet hours.

The worker asks ``is_due(last_run, now, schedule)`` (pure); ``schedule_of`` builds the
schedule from an account's configuration (None: the account has no schedule).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

if TYPE_CHECKING:
    from hpsync.config import AccountConfig, Config


@dataclass(frozen=True, slots=True)
class Schedule:
    """Sync every ``every``; not between ``quiet`` (start, end) local times of ``zone``."""

    every: timedelta = timedelta(minutes=15)
    quiet: tuple[time, time] | None = None
    zone: str = "Europe/Paris"


def parse_quiet(text: str) -> tuple[time, time]:
    """``"22:00-06:00"`` → (22:00, 06:00); ValueError when malformed."""
    start, end = text.split("-")
    return time.fromisoformat(start), time.fromisoformat(end)


def in_quiet_hours(now: datetime, schedule: Schedule) -> bool:
    """Whether ``now`` (aware) falls in the quiet hours; a span may cross midnight."""
    if schedule.quiet is None:
        return False
    start, end = schedule.quiet
    local = now.astimezone(ZoneInfo(schedule.zone)).time()
    if start <= end:
        return start <= local < end
    return local >= start or local < end


def is_due(last_run: datetime | None, now: datetime, schedule: Schedule) -> bool:
    """Whether to sync now: not in quiet hours, and never run or last run ``every`` ago."""
    if in_quiet_hours(now, schedule):
        return False
    return last_run is None or now - last_run >= schedule.every


def schedule_of(config: Config, account: AccountConfig) -> Schedule | None:
    """The account's schedule from its configuration, in its time zone."""
    if account.schedule is None:
        return None
    quiet = account.schedule.quiet_hours
    return Schedule(
        timedelta(minutes=account.schedule.every_minutes),
        parse_quiet(quiet) if quiet else None,
        config.account_zone(account),
    )
