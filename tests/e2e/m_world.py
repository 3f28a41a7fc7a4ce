"""An M school (seed 7) after its first sync, built once per test session and copied.

The first sync of an M school (about 800 learners, 35,000 sheets over the two accounts)
costs the better part of a minute of CPU. The tests that start from "the M school, both
accounts synced as of the base's third week" (``sync_all``) begin with a copy of the
state and the Edusign database that this one sync left, served by fresh emulators over the
same generated school: they still drive every later run themselves. The copy is built
under a file lock in the session's shared temporary directory, so the pytest-xdist workers
build it once between them.

The sync runs on the session's timeline of its instant (``third_week``, clock_helpers.py):
what it stores (its runs, the lease it released) is dated on that timeline, so a test
may go on with the ``hpsync`` command at that instant (its clock a little later on the same
timeline, whichever worker built the copy), as it would after its own first sync.
"""

from __future__ import annotations

import fcntl
import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

import pytest

from hpsync import clock

from .clock_helpers import timeline
from .harness import World, world
from .test_down_flow import sync_all, third_week

M_SEED = 7
_FILES = ("state.db", "edusign.db")


def shared_root(factory: pytest.TempPathFactory) -> Path:
    """The session's temporary directory, shared by every xdist worker of the session."""
    base = factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


def build_synced_m(factory: pytest.TempPathFactory) -> Path:
    """The directory holding state.db and edusign.db of the synced M school (built once)."""
    root = shared_root(factory)
    cache = root / f"m-school-{M_SEED}-synced"
    with (root / f"m-school-{M_SEED}-synced.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (cache / "done").exists():
            build = root / f"m-school-{M_SEED}-build-{os.getpid()}"
            build.mkdir()
            with world(build, size="M", seed=M_SEED) as w, on_timeline(third_week(w)):
                sync_all(w)
            # the emulators are stopped: every database is closed, its journal folded in
            cache.mkdir(exist_ok=True)
            for name in _FILES:
                shutil.copy2(build / name, cache / name)
            shutil.rmtree(build)
            (cache / "done").touch()
    return cache


@contextmanager
def on_timeline(at: datetime) -> Iterator[None]:
    """hpsync's clock in this process (the store, the emulators) on the timeline of ``at``."""
    before = os.environ.get(clock.ENV)
    os.environ[clock.ENV] = timeline(at)
    try:
        yield
    finally:
        if before is None:
            del os.environ[clock.ENV]
        else:
            os.environ[clock.ENV] = before


@contextmanager
def synced_m_world(tmp: Path, synced: Path) -> Iterator[World]:
    """Fresh emulators (new URLs and keys) over a copy of the synced M school."""
    tmp.mkdir(parents=True, exist_ok=True)
    for name in _FILES:
        shutil.copy2(synced / name, tmp / name)
    with world(tmp, size="M", seed=M_SEED) as w:
        yield w
