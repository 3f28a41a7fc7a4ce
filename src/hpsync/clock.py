"""The one clock: every "now" hpsync reads comes from here.

Time is an input. In production it is the system clock. A rehearsal (a summer switch tried
in June), the demo or a test sets ``HPSYNC_NOW`` to an ISO-8601 instant with its offset;
the clock then starts from that instant and runs on at the real pace, in this process and
in every process it starts (worker, beat, emulators), because the variable is inherited.

``HPSYNC_NOW=2027-07-20T03:00:00+02:00`` starts at that instant when the process first
reads the clock; ``…+02:00@1795000000.5`` says that the instant was the wall clock's
``1795000000.5`` (epoch seconds), so that several processes share one timeline
(:func:`environment_value` writes that form).
"""

from __future__ import annotations

import os
import time
from datetime import UTC, date, datetime, timedelta, tzinfo
from functools import cache

ENV = "HPSYNC_NOW"


class ClockError(ValueError):
    """``HPSYNC_NOW`` does not hold an instant."""


@cache
def _parse(text: str) -> tuple[datetime, float]:
    """(instant, wall-clock epoch it stands for) of one ``HPSYNC_NOW`` value."""
    instant_text, _, anchor_text = text.strip().partition("@")
    try:
        instant = datetime.fromisoformat(instant_text)
        anchor = float(anchor_text) if anchor_text else time.time()
    except ValueError:
        raise ClockError(
            f"{ENV}={text!r} is not an instant: write it as ISO-8601 with an offset, "
            "e.g. 2027-07-20T03:00:00+02:00"
        ) from None
    if instant.tzinfo is None:
        raise ClockError(f"{ENV}={text!r} has no UTC offset: add one, e.g. +02:00")
    return instant.astimezone(UTC), anchor


def now() -> datetime:
    """The current instant, aware, in UTC."""
    text = os.environ.get(ENV, "")
    if not text:
        return datetime.now(UTC)
    instant, anchor = _parse(text)
    return instant + timedelta(seconds=time.time() - anchor)


def timestamp() -> float:
    """The current instant as epoch seconds (for schedules and slots)."""
    return now().timestamp()


def today(zone: tzinfo) -> date:
    """Today's date where ``zone`` lives (a school's day starts at its own midnight)."""
    return now().astimezone(zone).date()


def environment_value(instant: datetime) -> str:
    """The ``HPSYNC_NOW`` value that starts every process's clock at ``instant``, now."""
    if instant.tzinfo is None:
        raise ClockError("the instant needs a UTC offset")
    return f"{instant.isoformat()}@{time.time():.6f}"
