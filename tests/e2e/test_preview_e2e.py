"""`plan --compare` previews a configuration change with the sync's own figures: applying
the new configuration then does exactly what the preview said (docs/trust.md), on a
generated M school (800 learners, ~20,000 sessions): one school, three changes in turn."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from hpsync import clock

from .clock_helpers import timeline
from .harness import World, world
from .up_helpers import PARIS

# M-school size, not calendar: left out of the fixed-instant passes (`make test`)
pytestmark = [pytest.mark.slow, pytest.mark.timeout(900)]  # an M school, CPU bound

CHANGES = [
    (
        "exclude a course family",
        'name = "nord"\n',
        'name = "nord"\ncourses.exclude = [{ family = "Modalité", rubric = "Distanciel" }]\n',
    ),
    ("switch the room to its code", 'name = "sud"\n', 'name = "sud"\nroom = "code"\n'),
    (
        "add a tag family",
        'tag_families = ["Type de contrat"]\n',
        'tag_families = ["Type de contrat", "Financement"]\n',
    ),
]


def hpsync(w: World, at: datetime, *args: str) -> Any:
    done = subprocess.run(
        [sys.executable, "-m", "hpsync", *args],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
        env={**os.environ, clock.ENV: timeline(at)},
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout)


def test_the_preview_of_three_configuration_changes_is_what_the_sync_does(
    tmp_path: Path,
) -> None:
    """For each change in turn, on an M school: the preview's created/updated/removed/
    adopted per account equal what the sync under the new configuration then does — past
    sheets it would not rewrite are counted as kept in both."""
    with world(tmp_path, size="M", seed=7) as w:
        first = date.fromisoformat(w.school["base"]["first_day"])
        at = datetime.combine(first + timedelta(days=24), datetime.min.time(), PARIS)
        current = w.config
        hpsync(w, at, "sync", "-c", str(current), "--json")
        for n, (what, old, new) in enumerate(CHANGES, start=1):
            proposed = tmp_path / f"proposed-{n}.toml"
            text = current.read_text()
            assert old in text, what
            proposed.write_text(text.replace(old, new, 1))
            preview = hpsync(
                w, at, "plan", "-c", str(proposed), "--compare", str(current), "--json"
            )
            synced = hpsync(w, at, "sync", "-c", str(proposed), "--json")
            said = {p["account"]: p["counts"] for p in preview}
            done = {s["account"]: s["counts"] for s in synced}
            assert set(said) == set(done) == {"nord", "sud"}, what
            for account, counts in said.items():
                for key in ("created", "updated", "removed", "adopted", "protected"):
                    assert counts[key] == done[account][key], (what, account, key)
            assert any(c["updated"] + c["removed"] + c["created"] for c in said.values()), what
            current = proposed
