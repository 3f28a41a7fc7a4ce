"""One timeline per instant for the commands a test session runs: time flows on between them.

The timeline of an instant is anchored when a command first runs at it, and every pytest-xdist
worker of the session finds the same anchor (a small file in the session's shared temporary
directory, see :func:`share_with_session`): a command of one worker never runs "before" what
another worker's command at the same instant already did (the M school built once per session,
m_world.py, then continued by a test on another worker).
"""

from __future__ import annotations

import fcntl
import json
from datetime import UTC, datetime
from pathlib import Path

from hpsync import clock

_ANCHORS: dict[datetime, str] = {}
_shared: list[Path] = []  # the session's anchors file, once known


def share_with_session(root: Path) -> None:
    """Keep the anchors in ``root`` (the session's directory, shared by its workers)."""
    _shared[:] = [root / "timelines.json"]


def timeline(at: datetime) -> str:
    """The ``HPSYNC_NOW`` value of ``at``, anchored at the first command run at ``at`` in the
    session: a second command "at the same instant" runs a little later on the same timeline,
    as it would in life (a lease released by the first is then free for the second)."""
    if at not in _ANCHORS:
        _ANCHORS[at] = _session_anchor(at) if _shared else clock.environment_value(at)
    return _ANCHORS[at]


def _session_anchor(at: datetime) -> str:
    """The session's anchor of ``at``: the first worker to ask writes it, the others read it."""
    path = _shared[0]
    key = at.astimezone(UTC).isoformat()
    with path.with_suffix(".lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        anchors: dict[str, str] = json.loads(path.read_text()) if path.exists() else {}
        if key not in anchors:
            anchors[key] = clock.environment_value(at)
            path.write_text(json.dumps(anchors))
        return anchors[key]
