"""The calendar never breaks a run: a base whose sessions are all ahead, an ``attendance.since``
later than today, the small hours, New Year — every run ends, with nothing to do."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from .harness import World, hpsync, world
from .up_helpers import hp_data

PARIS = ZoneInfo("Europe/Paris")


def runs(w: World, at: datetime) -> list[dict[str, Any]]:
    done = hpsync(w, at, "runs", "--json")
    assert done.returncode == 0, done.stderr
    return list(json.loads(done.stdout))


@pytest.mark.parametrize(
    "at",
    [
        datetime(2026, 8, 17, 3, 0, tzinfo=PARIS),  # summer, before the base's first day
        datetime(2026, 1, 1, 0, 30, tzinfo=PARIS),  # New Year, months before the base
    ],
    ids=["summer-night", "new-year"],
)
def test_a_base_whose_sessions_are_all_ahead_syncs_and_has_no_attendance(
    tmp_path: Path, at: datetime
) -> None:
    """Before the school year every sheet is in the future: sync creates them, attendance
    reads nothing and writes nothing, and both runs end (none left "running")."""
    with world(tmp_path) as w:
        down = hpsync(w, at, "sync", "--json")
        assert down.returncode == 0, down.stderr
        created = {r["account"]: r["counts"]["created"] for r in json.loads(down.stdout)}
        assert all(n > 0 for n in created.values()), created

        up = hpsync(w, at, "attendance", "--json")
        assert up.returncode == 0, up.stderr
        for result in json.loads(up.stdout):
            assert result["outcome"] == "ok", result
            assert result["counts"]["sheets_final"] == 0
            assert result["counts"]["changes_planned"] == 0
        assert hp_data(w).get("absences", []) == []
        assert hp_data(w).get("delays", []) == []
        assert {r["outcome"] for r in runs(w, at)} == {"ok"}


def test_attendance_since_later_than_today_reads_nothing(tmp_path: Path) -> None:
    """``attendance.since`` set to a day still ahead (prepared in advance) is an empty window,
    not an error; the account without it still reads its past sheets."""
    at = datetime(2026, 10, 15, 12, 0, tzinfo=PARIS)  # a Thursday of the school year
    with world(tmp_path) as w:
        text = w.config.read_text()
        w.config.write_text(text + "[accounts.attendance]\nsince = 2027-03-01\n")  # account sud
        down = hpsync(w, at, "sync")
        assert down.returncode == 0, down.stderr

        up = hpsync(w, at, "attendance", "--json")
        assert up.returncode == 0, up.stderr
        by_account = {r["account"]: r for r in json.loads(up.stdout)}
        assert by_account["sud"]["outcome"] == "ok"
        assert by_account["sud"]["counts"]["sheets_final"] == 0
        assert by_account["sud"]["counts"]["sheets_open"] == 0
        assert by_account["sud"]["counts"]["marks_read"] == 0
        nord = by_account["nord"]["counts"]
        assert nord["sheets_final"] + nord["sheets_open"] > 0, "nord reads its past sheets"
        assert {r["outcome"] for r in runs(w, at)} == {"ok"}
