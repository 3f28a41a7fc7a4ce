"""`runs show`, `runs prune`, `replay` and `digest` on a recorded history; schedules."""

from __future__ import annotations

import dataclasses
import re
from datetime import datetime, timedelta
from email import message_from_bytes, policy
from pathlib import Path

import pytest
from typer.testing import CliRunner

from hpsync import clock
from hpsync.attendance.statuses import FinalPolicy
from hpsync.cli import app
from hpsync.engine.guards import GuardPolicy
from hpsync.errors import GuardRefused
from hpsync.model import Learner
from hpsync.notify.digest import build_digest
from hpsync.rules.policy import AccountRules, Couple
from hpsync.state import StateStore
from hpsync.sync.runs import AccountSetup, run_down
from hpsync.testing.builders import PARIS, small_snapshot
from hpsync.testing.fakes import FakeTarget
from hpsync.worker.due import Schedule, is_due, parse_quiet

NOW = datetime(2026, 9, 1, tzinfo=PARIS)
RULES = AccountRules("nord", learner_couples=(Couple("Site", "Nord"),))


def history(db: Path) -> tuple[int, int]:
    """A forced run, then a refused one (additions-only), on the small school."""
    setup = AccountSetup("nord", RULES, GuardPolicy(), FinalPolicy(), FakeTarget())  # type: ignore[arg-type]
    with StateStore.open(f"sqlite:///{db}") as store:
        forced = run_down(store, small_snapshot(), setup, now=NOW, force=True, reason="rentrée")
        snap = small_snapshot()
        strict = dataclasses.replace(setup, guards=GuardPolicy(additions_only=True))
        with pytest.raises(GuardRefused):
            run_down(store, dataclasses.replace(snap, learners={}), strict, now=NOW)
        refused = store.runs("nord")[0].run_id
    return forced.run_id, refused


def config(tmp_path: Path) -> Path:
    path = tmp_path / "hpsync.toml"
    path.write_text(
        f"""state_url = "sqlite:///{tmp_path / "s.db"}"
language = "en"
[hyperplanning]
url = "http://127.0.0.1:9/hpsw"
user = "u"
password = "env:HP_PASSWORD"
base_id = "b2026"
[[accounts]]
name = "nord"
api_key = "env:ES_KEY"
school_email = "vs@ecole.test"
""",
        encoding="utf-8",
    )
    return path


def test_runs_show_replay_and_prune_from_the_command_line(tmp_path: Path) -> None:
    """`runs show` prints outcome, forced reason and input hashes; replay reproduces; prune."""
    forced, _refused = history(tmp_path / "s.db")
    cfg = str(config(tmp_path))
    runner = CliRunner()
    shown = runner.invoke(app, ["runs", "show", str(forced), "--config", cfg])
    assert shown.exit_code == 0, shown.output
    assert "forced yes  reason: 'rentrée'" in shown.output
    assert re.search(r"started \d{4}-\d\d-\d\d \d\d:\d\d:\d\d CES?T", shown.output), shown.output
    assert "Z  finished" not in shown.output  # the school's time, its zone named, not UTC
    assert "input snapshot sha256:" in shown.output and "plan hash " in shown.output
    listed = runner.invoke(app, ["runs", "--config", cfg])
    assert listed.exit_code == 0 and "nord" in listed.output
    replayed = runner.invoke(app, ["replay", str(forced), "--config", cfg])
    assert replayed.exit_code == 0 and "reproduced" in replayed.output, replayed.output
    pruned = runner.invoke(app, ["runs", "prune", "--config", cfg, "--days", "0"])
    assert pruned.exit_code == 0 and "pruned 2 run input record(s), 7 stored" in pruned.output
    after = runner.invoke(app, ["runs", "show", str(forced), "--config", cfg])
    assert "inputs none recorded" in after.output


def test_digest_lists_runs_guards_forced_releases_and_the_exact_anomalies(tmp_path: Path) -> None:
    """The digest names the learner without e-mail, the refused run and who forced what."""
    snap = small_snapshot()
    key = next(iter(snap.learners))
    broken = dataclasses.replace(snap.learners[key], email=None)
    learners: dict[int, Learner] = {**snap.learners, key: broken}
    setup = AccountSetup("nord", RULES, GuardPolicy(), FinalPolicy(), FakeTarget())  # type: ignore[arg-type]
    with StateStore.open(f"sqlite:///{tmp_path / 's.db'}") as store:
        run_down(store, dataclasses.replace(snap, learners=learners), setup, now=NOW)
        digest = build_digest(store, "nord", clock.now())
    assert len(digest.runs) == 1 and digest.writes > 0
    assert any(f"learner {key}" in a and broken.last_name in a for a in digest.anomalies)
    text = digest.text("Europe/Paris")
    assert f"learner {key}" in text


def test_digest_command_writes_one_message_per_school_and_day(tmp_path: Path) -> None:
    """`digest --dry-run DIR` writes the school's e-mail; the refused run is in it."""
    _forced, refused = history(tmp_path / "s.db")
    cfg = str(config(tmp_path))
    out = tmp_path / "eml"
    result = CliRunner().invoke(app, ["digest", "--config", cfg, "--dry-run", str(out)])
    assert result.exit_code == 0, result.output
    (eml,) = out.glob("*.eml")
    message = message_from_bytes(eml.read_bytes(), policy=policy.default)
    assert message["To"] == "vs@ecole.test"
    body = message.get_body(("plain",))
    assert body is not None
    text = body.get_content()
    assert f"run {refused}: account nord: the Hyperplanning base has no learners" in text
    assert "additions-only mode is on" in text
    assert "by " in text and "rentrée" in text


def test_is_due_every_interval_and_never_in_quiet_hours() -> None:
    """Every 15 min, but not between 22:00 and 06:00 Paris time (a span over midnight)."""
    schedule = Schedule(timedelta(minutes=15), parse_quiet("22:00-06:00"), "Europe/Paris")
    noon = datetime(2026, 9, 1, 12, 0, tzinfo=PARIS)
    assert is_due(None, noon, schedule)
    assert not is_due(noon - timedelta(minutes=10), noon, schedule)
    assert is_due(noon - timedelta(minutes=15), noon, schedule)
    assert not is_due(None, datetime(2026, 9, 1, 23, 30, tzinfo=PARIS), schedule)
    assert not is_due(None, datetime(2026, 9, 2, 5, 59, tzinfo=PARIS), schedule)
    assert is_due(None, datetime(2026, 9, 2, 6, 0, tzinfo=PARIS), schedule)
