"""The dashboard's decisions, without a server: health, writes, decoding of stored items."""

from __future__ import annotations

from datetime import timedelta

from hpsync.locale import Reader
from hpsync.state.rows import PlanItemRow, RunRow
from hpsync.web.views import health, item_view, latest_by_flow, writes_of

from .school import NOW, START


def _run(
    run_id: int, flow: str, outcome: str | None, *, dry: bool = False, **counts: int
) -> RunRow:
    at = START + timedelta(hours=run_id)
    return RunRow(run_id, "paris", flow, dry, at, at if outcome else None, outcome, dict(counts))


def test_only_dry_runs_means_never_run() -> None:
    """An account that was only planned, never synced, is 'never run'."""
    assert health([_run(1, "down", "planned", dry=True)]).status == "never run"


def test_latest_run_of_each_flow_decides_and_failing_wins() -> None:
    """An old failure fixed by a later ok run is forgotten; a failing flow beats a partial one."""
    runs = [_run(1, "down", "failed"), _run(2, "down", "ok"), _run(3, "up", "partial")]
    assert health(runs).status == "partial"
    runs.append(_run(4, "up", "refused"))
    h = health(runs)
    assert h.status == "failing"
    assert h.last_good == START + timedelta(hours=2)
    assert Reader("en").ago(h.last_good, NOW) == "2 d ago"
    assert Reader("fr").ago(h.last_good, NOW) == "il y a 2 j"


def test_running_runs_do_not_change_health() -> None:
    """A run still in progress (no outcome) leaves the health of the last finished one."""
    assert health([_run(1, "down", "ok"), _run(2, "down", None)]).status == "ok"
    assert latest_by_flow([_run(1, "down", "ok"), _run(2, "down", None)])["down"].run_id == 2


def test_writes_count_what_landed() -> None:
    """Down writes are planned writes less failures; up writes sum written marks; dry is 0."""
    assert writes_of(_run(1, "down", "partial", created=3, updated=2, removed=1, failed=2)) == 4
    assert writes_of(_run(2, "up", "ok", **{"written.absence": 4, "written.delay": 1})) == 5
    assert writes_of(_run(3, "down", "planned", dry=True, created=9)) == 0


def test_damaged_details_still_show_the_item() -> None:
    """An item whose details are not JSON is shown without explanation rather than crashing."""
    view = item_view(PlanItemRow("k", "learner", "create", "learner 1", "", "Ann", "{oops"))
    assert (view.summary, view.reason, view.changes) == ("Ann", "", ())
