"""`hpsync snapshot --config` copies the configured base into a valid school file."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from hpsync.emulators.school_file import load_school
from hpsync.school.load import snapshot_from_school

from .harness import world


def test_snapshot_of_the_configured_base_round_trips(tmp_path: Path) -> None:
    """The copy validates and holds the same learners and sessions as the served base."""
    with world(tmp_path) as w:
        out = tmp_path / "copy.json"
        done = subprocess.run(
            [sys.executable, "-m", "hpsync", "snapshot", "-c", str(w.config), "-o", str(out)],
            capture_output=True,
            text=True,
            check=False,
            timeout=120,
        )
        assert done.returncode == 0, done.stderr
        copy = snapshot_from_school(load_school(out))
        served = snapshot_from_school(w.school)
    assert dict(copy.learners) == dict(served.learners)
    assert sorted(copy.sessions) == sorted(served.sessions)
