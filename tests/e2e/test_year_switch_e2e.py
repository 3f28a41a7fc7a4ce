"""The yearly change as a school runs it, with the ``hpsync`` command: an empty new base is
refused; next year's base is matched person by person; people who stay keep their Edusign
record, leavers are archived, joiners created; last year's pending absences — of leavers
and of people who stay — land in last year's base; reruns write nothing.

Expectations come from docs/year.md, checked through both emulators' public APIs.
"""

from __future__ import annotations

import copy
import json
import os
import tomllib
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from conftest import port_open, require
from hpsync import clock
from hpsync.edusign.models import Course
from hpsync.emulators.generator import next_year
from hpsync.emulators.hyperplanning import start_emulator as start_hyperplanning
from hpsync.worker.command import Command
from hpsync.worker.runners import run_up_command

from .harness import ACCOUNTS, World, hpsync, world
from .up_helpers import PARIS, hp_local


def students(w: World, account: str) -> dict[str, tuple[str, bool, str]]:
    """E-mail → (Edusign id, archived, external id) of every student of the account."""
    client = w.client(account)
    try:
        return {s.email: (s.id, s.hidden, s.api_id) for s in client.list_students(True)}
    finally:
        client.close()


def hp_absences(url: str) -> list[tuple[int, str, str]]:
    data = httpx.get(f"{url}/_emulator/data", auth=("ws", os.environ["HPSYNC_E2E_HP"]), timeout=30)
    data.raise_for_status()
    return sorted((int(a["student"]), a["start"], a["end"]) for a in data.json()["absences"])


def hp_write_calls(url: str) -> int:
    stats = httpx.get(
        f"{url}/_emulator/stats", auth=("ws", os.environ["HPSYNC_E2E_HP"]), timeout=30
    )
    calls = stats.json().get("calls", {})
    return sum(n for name, n in calls.items() if name.startswith(("Ajouter", "Creer", "Enlever")))


def empty_base(school: dict[str, Any]) -> dict[str, Any]:
    """Next year's base as published in June: created, families in place, nobody in it."""
    empty = copy.deepcopy(next_year(school, 5))
    for kind in ("students", "teachers", "tutors", "courses", "exemptions"):
        empty[kind] = []
    return empty


def pending_sheets(w: World, account: str, absent: list[str], at: datetime) -> list[Course]:
    """For each e-mail, its first past sheet on ``account``, still open; everyone signs them
    but the learners of ``absent``, who are absent."""
    client = w.client(account)
    try:
        ids = {s.email: s.id for s in client.list_students(True)}
        past = sorted(
            (c for c in client.list_courses(at.date() - timedelta(days=30), at.date())),
            key=lambda c: str(c.start),
        )
        chosen: dict[str, Course] = {}
        for email in absent:
            course = next(
                c
                for c in past
                if c.end is not None
                and c.end < at
                and any(r.student_id == ids[email] for r in c.students)
            )
            chosen[course.id] = course
    finally:
        client.close()
    skip = {ids[e] for e in absent}
    for course in chosen.values():
        for record in course.students:
            if record.student_id not in skip:
                httpx.post(
                    f"{w.es_url}/_emulator/sign",
                    json={"school": account, "courseId": course.id, "studentId": record.student_id},
                    timeout=30,
                ).raise_for_status()
    return list(chosen.values())


def test_year_switch_refuses_an_empty_base_then_carries_people_and_last_years_attendance(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The whole summer procedure of docs/year.md on two generated bases."""
    with world(tmp_path) as w:
        old_first = date.fromisoformat(w.school["base"]["first_day"])
        during = datetime.combine(old_first + timedelta(days=25), datetime.min.time(), PARIS)
        synced = hpsync(w, during, "sync")
        assert synced.returncode == 0, synced.stderr
        before = {name: students(w, name) for name in ACCOUNTS}

        new = next_year(w.school, 5)
        old_emails = {s["email"] for s in w.school["students"] if s.get("email")}
        new_emails = {s["email"] for s in new["students"] if s.get("email")}
        on_nord = {e for e, (_id, hidden, _api) in before["nord"].items() if not hidden}
        stayer = sorted(on_nord & new_emails)[0]
        leaver = sorted(on_nord & (old_emails - new_emails))[0]
        # Attendance taken in June, not final yet when the switch happens.
        sheets = pending_sheets(w, "nord", [stayer, leaver], during)
        old_key = {s["email"]: s["key"] for s in w.school["students"]}

        summer = datetime(old_first.year + 1, 8, 20, 10, 0, tzinfo=PARIS)
        password = os.environ["HPSYNC_E2E_HP"]
        with start_hyperplanning(
            empty_base(w.school), user="ws", password=password, root="/hpsw/2027-2028"
        ) as empty:
            refused = hpsync(w, summer, "year", "switch", "--to", empty.url, "--base-id", "empty")
        assert refused.returncode == 3, (refused.stdout, refused.stderr)
        learners = len(  # distinct people (one may be on both accounts)
            {api for name in ACCOUNTS for (_i, hidden, api) in before[name].values() if not hidden}
        )
        assert f"matches 0 of {learners} learners" in refused.stderr, refused.stderr
        status = hpsync(w, summer, "year", "status", "--json")
        assert {a["state"] for a in json.loads(status.stdout)["accounts"]} == {"up to date"}

        with start_hyperplanning(new, user="ws", password=password, root="/hpsw/2027-2028") as hp2:
            args = ("year", "switch", "--to", hp2.url, "--base-id", new["base"]["id"])
            preview = hpsync(w, summer, *args, "--dry-run")
            assert preview.returncode == 0, preview.stderr
            line = f"<{stayer}>: {old_key[stayer]} → "
            assert any(
                line in row and "(by identifier)" in row for row in preview.stdout.splitlines()
            )
            assert f"<{leaver}>: {old_key[leaver]} leaves" in preview.stdout
            assert "dry run: nothing changed" in preview.stdout

            switched = hpsync(w, summer, *args, "--write-config")
            assert switched.returncode == 0, switched.stderr
            hp_conf = tomllib.loads(w.config.read_text())["hyperplanning"]
            assert (hp_conf["url"], hp_conf["base_id"]) == (hp2.url, new["base"]["id"])
            assert [p["base_id"] for p in hp_conf["previous"]] == [w.school["base"]["id"]]
            status = hpsync(w, summer, "year", "status")
            assert (
                "follows another base" not in status.stdout
                and "run year switch" not in status.stdout
            )
            assert "first sync after the switch" in status.stdout

            for course in sheets:  # the trainers close June's sheets in the summer
                client = w.client("nord")
                client.lock_course(course.id)
                client.close()
            new_first = date.fromisoformat(new["base"]["first_day"])
            autumn = datetime.combine(new_first + timedelta(days=14), datetime.min.time(), PARIS)
            down = hpsync(w, autumn, "sync")
            assert down.returncode == 0, down.stderr
            # The scheduled worker writes nord's attendance back (its real runner, with the
            # rate budget shared in Redis), previous base included.
            require(port_open("127.0.0.1", 6379), "Redis is not running on 127.0.0.1:6379")
            monkeypatch.setenv(clock.ENV, clock.environment_value(autumn))
            monkeypatch.setenv("HPSYNC_REDIS_URL", "redis://127.0.0.1:6379/13")
            monkeypatch.setenv("HPSYNC_WORKER_PREFIX", f"hpsync-test-year-{os.getpid()}")
            summary = run_up_command(Command(str(w.config), "nord", "up"), lambda: None)
            assert summary["outcome"] == "ok", summary
            assert [(p["base_id"], p["outcome"]) for p in summary["previous"]] == [
                (w.school["base"]["id"], "ok")
            ]
            up = hpsync(w, autumn, "attendance", "--json")
            assert up.returncode == 0, up.stderr

            after = {name: students(w, name) for name in ACCOUNTS}
            for name in ACCOUNTS:
                for email, (sid, hidden, _api) in before[name].items():
                    if hidden:
                        continue
                    now_id, now_hidden, now_api = after[name][email]
                    assert now_id == sid, f"{email} keeps their Edusign record"
                    if email in new_emails:
                        assert not now_hidden and now_api.startswith(f"hp:{new['base']['id']}:")
                    else:
                        assert now_hidden, f"leaver {email} is archived, not deleted"
                live = [e for e, (_i, hidden, _a) in after[name].items() if not hidden]
                assert len(live) == len(set(live))
            joiners = new_emails - old_emails
            assert joiners & {e for e, (_i, h, _a) in after["nord"].items() if not h} | {
                e for e, (_i, h, _a) in after["sud"].items() if not h
            }

            edusign_id = {e: v[0] for e, v in before["nord"].items()}
            expected = sorted(
                (old_key[email], hp_local(course.start), hp_local(course.end))
                for course in sheets
                for email in (stayer, leaver)
                if course.start is not None and course.end is not None
                if any(r.student_id == edusign_id[email] for r in course.students)
            )
            assert {row[0] for row in expected} == {old_key[stayer], old_key[leaver]}
            assert hp_absences(w.hp_url) == expected, "both absences reach last year's base"
            assert hp_absences(hp2.url) == []

            es_writes, hp_writes = w.write_calls(), hp_write_calls(w.hp_url)
            again = [hpsync(w, autumn, "sync"), hpsync(w, autumn, "attendance")]
            assert [r.returncode for r in again] == [0, 0], [r.stderr for r in again]
            assert w.write_calls() == es_writes and hp_write_calls(w.hp_url) == hp_writes
            assert hp_write_calls(hp2.url) == 0
