"""One timeline per instant for the commands a test runs: time flows on between them."""

from __future__ import annotations

from datetime import datetime

from hpsync import clock

_ANCHORS: dict[datetime, str] = {}


def timeline(at: datetime) -> str:
    """The ``HPSYNC_NOW`` value of ``at``, anchored at the first command run at ``at``: a
    second command "at the same instant" runs a little later on the same timeline, as it
    would in life (a lease released by the first is then free for the second)."""
    if at not in _ANCHORS:
        _ANCHORS[at] = clock.environment_value(at)
    return _ANCHORS[at]
