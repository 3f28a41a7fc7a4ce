"""Every reporting command speaks JSON with --json, against a real configuration."""

from __future__ import annotations

import json
from pathlib import Path

from .harness import hpsync, world


def run(*args: str) -> object:
    done = hpsync(None, None, *args, timeout=180)
    assert done.returncode in (0, 1), (args, done.stderr)
    return json.loads(done.stdout)


def test_reporting_commands_emit_json(tmp_path: Path) -> None:
    """plan, sync, attendance, anomalies, explain, runs, status and year status parse as JSON."""
    with world(tmp_path) as w:
        c = str(w.config)
        plan = run("plan", "-c", c, "--json")
        assert isinstance(plan, list) and {p["account"] for p in plan} == {"nord", "sud"}
        synced = run("sync", "-c", c, "--json")
        assert all(p["outcome"] == "ok" for p in synced)  # type: ignore[union-attr, index]
        assert isinstance(run("attendance", "-c", c, "--report", "--json"), list)
        anomalies = run("anomalies", "-c", c, "--json")
        assert set(anomalies) == {"nord", "sud"}  # type: ignore[arg-type]
        key = next(iter(w.school["students"]))["key"]
        explained = run("explain", "-c", c, "-a", "nord", "--learner", str(key), "--json")
        assert explained["lines"]  # type: ignore[index]
        runs = run("runs", "-c", c, "--json")
        assert len(runs) >= 4  # type: ignore[arg-type]
        status = run("status", "-c", c, "--json")
        assert {row["account"] for row in status["accounts"]} == {"nord", "sud"}  # type: ignore[index]
        assert set(status["webhook_queue"]) == {"pending", "failed", "done", "oldest_waiting"}  # type: ignore[index]
        year = run("year", "status", "-c", c, "--json")
        assert year["base_id"] == w.school["base"]["id"]  # type: ignore[index]
