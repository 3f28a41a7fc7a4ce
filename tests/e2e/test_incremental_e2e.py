"""Incremental resync, with the ``hpsync`` command on the emulators (docs/config.md,
``full_read_hours``): between two whole reads a sync lists only the sheets Edusign updated
since the day before its last read began (the course list's ``dateUpdated`` filter, by day,
on Edusign's own clock: its ``Date`` header), so a resync pages through few sheets; a sheet
edited by hand is still found and restored; one deleted by hand is found by the next whole
read, a day after the last one. Checked through the emulator's public API and its request
counts."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx

from .harness import World, duplicates, hpsync, world
from .test_data_safety_e2e import during, sheets


def course_calls(w: World) -> tuple[int, int]:
    """(course list pages, single courses) requested from the emulator since its reset."""
    keys = httpx.get(f"{w.es_url}/_emulator/stats", timeout=10).json()["keys"]
    routes: Iterator[dict[str, Any]] = (k.get("by_route", {}) for k in keys.values())
    lists = singles = 0
    for by_route in routes:
        lists += by_route.get("GET /v1/course", 0)
        singles += by_route.get("GET /v1/course/{id}", 0)
    return lists, singles


def reset_counts(w: World) -> None:
    httpx.post(f"{w.es_url}/_emulator/stats/reset", timeout=10).raise_for_status()


def edusign_days_pass(w: World, days: int) -> None:
    """Edusign's clock moves on (and with it its Date header and update dates)."""
    body = {"advance_seconds": days * 86400}
    httpx.post(f"{w.es_url}/_emulator/clock", json=body, timeout=10).raise_for_status()


def test_a_resync_pages_through_changed_sheets_only_and_the_daily_whole_read_catches_up(
    tmp_path: Path,
) -> None:
    with world(tmp_path) as w:
        at = during(w)
        assert hpsync(w, at, "sync").returncode == 0  # the first sync reads every sheet
        edusign_days_pass(w, 3)
        # Reads the sheets the first sync wrote (updated after its read began), writes none.
        assert hpsync(w, at + timedelta(hours=1), "sync").returncode == 0
        open_sheets = sorted(
            (c for c in sheets(w, "nord") if c.api_id and c.start > at),
            key=lambda c: c.start,
        )
        edited, deleted = open_sheets[0], open_sheets[-1]
        planned_name = edited.name
        by_hand = httpx.Client(
            base_url=f"{w.es_url}/_emulator/records/course",
            headers={"Authorization": f"Bearer {w.keys['nord']}"},  # names the school
            timeout=10,
        )
        with by_hand:
            by_hand.patch(
                f"/{edited.id}", json={"fields": {"NAME": "Renamed by hand"}}
            ).raise_for_status()
            by_hand.delete(f"/{deleted.id}").raise_for_status()

        reset_counts(w)
        soon = hpsync(w, at + timedelta(hours=2), "sync", "-a", "nord")
        assert soon.returncode == 0, soon.stderr
        changed_lists, _ = course_calls(w)
        after = {c.api_id: c for c in sheets(w, "nord")}
        assert after[edited.api_id].name == planned_name  # the hand edit was seen and undone
        assert deleted.api_id not in after  # a deletion leaves no trace in a changed list

        reset_counts(w)
        later = hpsync(w, at + timedelta(hours=25), "sync", "-a", "nord")
        assert later.returncode == 0, later.stderr
        whole_lists, _ = course_calls(w)
        found = [c for c in sheets(w, "nord") if c.api_id == deleted.api_id]
        assert len(found) == 1  # recreated, once
        # One page per 90-day window when little changed; the whole read pages through all.
        assert changed_lists < whole_lists
        assert not duplicates(w.edusign_state("nord"))
