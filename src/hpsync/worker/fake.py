"""A runner that records what it did in a JSON-lines file: the worker's tests read it back.

It writes a ``start`` line, holds the lease for a while, calls ``fence()`` as a real run
does before a write batch, then writes an ``end`` line. A run killed mid-way leaves a
``start`` without an ``end``.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path
from typing import Any

from hpsync import clock
from hpsync.worker.command import Command
from hpsync.worker.runners import Fence


class RecordingRunner:
    """Appends one line per event; O_APPEND keeps concurrent writers' lines whole."""

    def __init__(self, path: Path, seconds: float) -> None:
        self.path = path
        self.seconds = seconds

    def _write(self, event: str, command: Command) -> None:
        line = json.dumps(
            {
                "event": event,
                "t": clock.timestamp(),
                "pid": os.getpid(),
                "pgid": os.getpgrp(),
                **command.to_dict(),
            }
        )
        fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        try:
            os.write(fd, (line + "\n").encode())
        finally:
            os.close(fd)

    def __call__(self, command: Command, fence: Fence, /) -> dict[str, Any]:
        self._write("start", command)
        time.sleep(self.seconds)  # stands for the sync's work, lease held
        fence()
        self._write("end", command)
        return {"outcome": "ok", "fake": True}
