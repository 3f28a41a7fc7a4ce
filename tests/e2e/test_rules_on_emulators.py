"""One scenario per rule: a hand-made base served over SOAP, synced, and the exact Edusign
state checked on the Edusign emulator."""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from hpsync.bootstrap import open_context
from hpsync.config import load_config
from hpsync.edusign import EdusignClient
from hpsync.emulators.edusign import start_emulator as start_edusign
from hpsync.emulators.hyperplanning import start_emulator as start_hyperplanning
from hpsync.school.dump import snapshot_to_school
from hpsync.secrets import Secret
from hpsync.sync.runs import run_down
from hpsync.testing.builders import BASE, small_snapshot

NOW = datetime(2026, 9, 1, tzinfo=UTC)  # before the hand-made week: nothing is past


def _school() -> dict[str, Any]:
    data = snapshot_to_school(small_snapshot())
    for td in data.get("td_options", []):
        td.setdefault("kind", "td")
    return data


@contextmanager
def synced(tmp: Path, rules: str) -> Iterator[dict[str, Any]]:
    """Serve the hand-made base, sync one account with ``rules``, yield what Edusign holds."""
    password, key = secrets.token_hex(8), secrets.token_hex(12)
    os.environ["HPSYNC_RULES_HP"], os.environ["HPSYNC_RULES_KEY"] = password, key
    data = _school()
    with (
        start_hyperplanning(data, user="ws", password=password, root="/hpsw") as hp,
        start_edusign(schools=[("a", key)], db_path=tmp / "es.db", rate_scale=50) as es,
    ):
        config = tmp / "hpsync.toml"
        config.write_text(
            f'state_url = "sqlite:///{tmp / "state.db"}"\n'
            f'[hyperplanning]\nurl = "{hp.url}"\nuser = "ws"\npassword = "env:HPSYNC_RULES_HP"\n'
            f'base_id = "{BASE}"\n'
            f'[[accounts]]\nname = "a"\nurl = "{es.url}"\napi_key = "env:HPSYNC_RULES_KEY"\n'
            f"rate_scale = 50\n{rules}\n"
        )
        with open_context(load_config(config)) as ctx:
            out = run_down(ctx.store, ctx.hyperplanning.read_snapshot(), ctx.account("a"), now=NOW)
            assert out.counts.get("failed", 0) == 0, out.result
        client = EdusignClient(es.url, Secret(key), rate_scale=50)
        try:
            students = {s.api_id.rsplit(":", 1)[1]: s for s in client.list_students()}
            sid_of = {s.id: k for k, s in students.items()}
            profs = {p.id: p for p in client.list_professors()}
            courses = {
                c.api_id.rsplit(":", 1)[1]: {
                    "room": c.classroom,
                    "learners": sorted(sid_of.get(r.student_id, "?") for r in c.students),
                    "trainers": sorted(profs[p].email for p in c.professor_ids if p in profs),
                }
                for c in client.list_courses(
                    datetime(2026, 9, 1).date(), datetime(2026, 9, 30).date()
                )
            }
            yield {"students": students, "courses": courses}
        finally:
            client.close()


def test_learner_couple_selects_learners(tmp_path: Path) -> None:
    """Site/Nord: exactly the Nord learners with a usable e-mail are on Edusign."""
    with synced(tmp_path, 'learners = [{ family = "Site", rubric = "Nord" }]') as state:
        assert sorted(state["students"]) == ["1", "6"]


def test_course_include_and_exclude(tmp_path: Path) -> None:
    """Include Distanciel keeps only the distance session; exclude Autonomie removes self-study."""
    with synced(
        tmp_path, 'courses.include = [{ family = "Modalité", rubric = "Distanciel" }]'
    ) as s:
        assert sorted(s["courses"]) == ["11-2"]
    fictitious = 'trainerless = { fictitious_trainer = "planning@ecole.test" }'
    (tmp_path / "all").mkdir()
    with synced(tmp_path / "all", fictitious) as s:
        assert "13-2" in s["courses"]  # self-study goes down when nothing excludes it
    exclude = 'courses.exclude = [{ family = "Modalité", rubric = "Autonomie" }]'
    (tmp_path / "x").mkdir()
    with synced(tmp_path / "x", f"{exclude}\n{fictitious}") as s:
        assert "13-2" not in s["courses"] and "10-2" in s["courses"]


def test_cancelled_and_unplaced_never_go_down(tmp_path: Path) -> None:
    """The cancelled and the non-placed sessions are not on Edusign."""
    with synced(tmp_path, "") as state:
        assert "14-2" not in state["courses"] and "15-2" not in state["courses"]


def test_tags_from_learner_families(tmp_path: Path) -> None:
    """The contract type becomes the learner's tag."""
    with synced(tmp_path, 'tag_families = ["Type de contrat"]') as state:
        assert state["students"]["1"].tags == ["Apprentissage"]
        assert state["students"]["2"].tags == ["Initial"]


def test_exempted_learner_is_left_off_the_sheet(tmp_path: Path) -> None:
    """Tom, exempted from English, is on the maths sheet but not on the English one."""
    with synced(tmp_path, "") as state:
        assert "6" in state["courses"]["10-2"]["learners"]
        assert "6" not in state["courses"]["11-2"]["learners"]


def test_room_name_code_and_fixed(tmp_path: Path) -> None:
    """Room name by default, code on demand (name when none), or one fixed room."""
    with synced(tmp_path, "") as state:
        assert state["courses"]["10-2"]["room"] == "B204"
    (tmp_path / "code").mkdir()
    with synced(tmp_path / "code", 'room = "code"') as state:
        assert state["courses"]["10-2"]["room"] == "BAT-B-204"
        assert state["courses"]["11-2"]["room"] == "Labo"
    (tmp_path / "fixed").mkdir()
    with synced(tmp_path / "fixed", 'room = { fixed = "Salle NFC" }') as state:
        assert {c["room"] for c in state["courses"].values()} == {"Salle NFC"}


def test_trainerless_skip_or_fictitious(tmp_path: Path) -> None:
    """A session without a usable trainer is skipped, or given the fictitious trainer."""
    with synced(tmp_path, "") as state:
        assert "12-2" not in state["courses"]
    (tmp_path / "f").mkdir()
    rules = 'trainerless = { fictitious_trainer = "planning@ecole.test" }'
    with synced(tmp_path / "f", rules) as state:
        assert state["courses"]["12-2"]["trainers"] == ["planning@ecole.test"]
