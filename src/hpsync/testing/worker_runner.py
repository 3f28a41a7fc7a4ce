"""A worker runner for tests: it records what it did in a JSON-lines file that the tests
read back, and a Celery app using it (``celery -A hpsync.testing.worker_runner``).

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
from hpsync.worker.runners import Fence, Runner


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


def recording_runners() -> dict[str, Runner]:
    """Both flows recorded in ``HPSYNC_TEST_RUN_RECORD`` (each run lasting
    ``HPSYNC_TEST_RUN_SECONDS``): how a worker process started by a test is told."""
    path = Path(os.environ["HPSYNC_TEST_RUN_RECORD"])
    fake = RecordingRunner(path, float(os.environ.get("HPSYNC_TEST_RUN_SECONDS", "0.2")))
    return {"down": fake, "up": fake}


def __getattr__(name: str) -> Any:
    """``app``: the worker's Celery app with the recording runner, built on first use (so
    importing this module for the runner alone needs no environment)."""
    if name == "app":
        from hpsync.worker.app import make_app
        from hpsync.worker.settings import WorkerSettings

        return make_app(WorkerSettings.from_env(), recording_runners())
    raise AttributeError(name)
