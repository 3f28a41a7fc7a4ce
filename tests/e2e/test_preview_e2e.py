"""`plan --compare` previews a configuration change with the sync's own figures: applying
the new configuration then does exactly what the preview said (docs/trust.md), on a
generated M school (800 learners, ~20,000 sessions): one school, three changes in turn.

The school starts synced under the first configuration: a copy of the session's one M sync
(m_world.py), made on the session's timeline of its instant, on which this test's commands
and Edusign's clock go on (as after a first sync of its own: every sheet updated that day)."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from .harness import hpsync
from .m_world import on_timeline, synced_m_world
from .test_down_flow import third_week

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


def hpsync_json(at: datetime, *args: str) -> Any:
    """``hpsync ARGS`` at ``at`` (its own ``-c``), which must succeed; its JSON."""
    return json.loads(hpsync(None, at, *args, timeout=600, ok=True).stdout)


def test_the_preview_of_three_configuration_changes_is_what_the_sync_does(
    tmp_path: Path, synced_m: Path
) -> None:
    """For each change in turn, on an M school synced under the first configuration: the
    preview's created/updated/removed/adopted per account equal what the sync under the new
    configuration then does — past sheets it would not rewrite are counted as kept in both."""
    with synced_m_world(tmp_path, synced_m) as w, on_timeline(third_week(w)):
        at = third_week(w)  # the instant of the first sync, a little later on its timeline
        current = w.config
        for n, (what, old, new) in enumerate(CHANGES, start=1):
            proposed = tmp_path / f"proposed-{n}.toml"
            text = current.read_text()
            assert old in text, what
            proposed.write_text(text.replace(old, new, 1))
            preview = hpsync_json(
                at, "plan", "-c", str(proposed), "--compare", str(current), "--json"
            )
            synced = hpsync_json(at, "sync", "-c", str(proposed), "--json")
            said = {p["account"]: p["counts"] for p in preview}
            done = {s["account"]: s["counts"] for s in synced}
            assert set(said) == set(done) == {"nord", "sud"}, what
            for account, counts in said.items():
                for key in ("created", "updated", "removed", "adopted", "protected"):
                    assert counts[key] == done[account][key], (what, account, key)
            assert any(c["updated"] + c["removed"] + c["created"] for c in said.values()), what
            current = proposed
