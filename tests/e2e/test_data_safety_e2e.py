"""A school's data is never lost or split, tried with the ``hpsync`` command on the emulators
(docs/config.md, guards and adoption): a site vanishing from Hyperplanning, a course
deleted, Hyperplanning answering a narrow period, and an Edusign account that already has
the fictitious trainer and a learner. Expectations are worked out from the school file and
checked through the emulators' public APIs."""

from __future__ import annotations

import copy
import os
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx

from hpsync.emulators.generator.people import SITE_NORD
from hpsync.emulators.hyperplanning import start_emulator as start_hyperplanning

from .harness import ACCOUNTS, World, hpsync, world
from .up_helpers import PARIS


def during(w: World) -> datetime:
    """A Thursday morning, three weeks into the school year."""
    first = date.fromisoformat(w.school["base"]["first_day"])
    return datetime.combine(first + timedelta(days=24), datetime.min.time(), PARIS).replace(hour=7)


@contextmanager
def hyperplanning_now_serves(w: World, data: dict[str, Any]) -> Iterator[None]:
    """The same base (same id) answering ``data`` from now on."""
    password = os.environ["HPSYNC_E2E_HP"]
    with start_hyperplanning(data, user="ws", password=password, root="/hpsw/2026-2027") as hp:
        before = w.config.read_text()
        w.config.write_text(before.replace(f'url = "{w.hp_url}"', f'url = "{hp.url}"', 1))
        try:
            yield
        finally:
            w.config.write_text(before)


def sheets(w: World, account: str) -> list[Any]:
    client = w.client(account)
    try:
        first = date.fromisoformat(w.school["base"]["first_day"])
        return client.list_courses(first - timedelta(days=31), first + timedelta(days=366))
    finally:
        client.close()


def seance_start(seance: dict[str, Any]) -> datetime:
    return datetime.fromisoformat(seance["start"]).replace(tzinfo=PARIS)


def test_a_site_vanishing_from_hyperplanning_is_refused_with_nothing_written(
    tmp_path: Path,
) -> None:
    """Every learner loses the rubric 'Site/Nord' (a renamed rubric does that): the sync is
    refused (exit 3) for account nord — its learners, by their own limit, and the source
    that offers none of them — and Edusign receives no write."""
    with world(tmp_path) as w:
        at = during(w)
        assert hpsync(w, at, "sync").returncode == 0
        client = w.client("nord")
        live = [s for s in client.list_students() if not s.hidden]
        nord_learners = len(live)
        client.close()
        assert nord_learners >= 3
        gone = copy.deepcopy(w.school)
        for student in gone["students"]:
            student["rubrics"] = [r for r in student["rubrics"] if r != SITE_NORD]
        writes = w.write_calls()
        with hyperplanning_now_serves(w, gone):
            refused = hpsync(w, at, "sync", "-a", "nord")
        assert refused.returncode == 3, refused.stderr
        assert f"offers 0 learners for this account against {nord_learners}" in refused.stderr
        assert f"removes {nord_learners} of {nord_learners} learner(s)" in refused.stderr
        assert "--force --reason" in refused.stderr and "--plan plan.json" in refused.stderr
        named = [s.email for s in live if s.email.lower() in refused.stderr.lower()]
        assert named, "the refusal names learners a person can check (name and e-mail)"
        assert w.write_calls() == writes


def test_a_deleted_course_loses_every_future_sheet_and_keeps_its_past_ones(
    tmp_path: Path,
) -> None:
    """A course deleted in Hyperplanning: its sheets still ahead are deleted on Edusign,
    wherever they lie; those already over stay (with their attendance). `plan` names them."""
    with world(tmp_path) as w:
        at = during(w)
        assert hpsync(w, at, "sync").returncode == 0
        base = w.school["base"]["id"]
        last_week = max(seance_start(s) for c in w.school["courses"] for s in c["seances"])
        course = next(
            c
            for c in w.school["courses"]
            if any(seance_start(s) < at for s in c["seances"])
            and sum(1 for s in c["seances"] if seance_start(s) > at) >= 3
            and max(seance_start(s) for s in c["seances"]) < last_week
        )
        prefix = f"hp:{base}:session:{course['key']}-"
        before = {
            name: [s for s in sheets(w, name) if s.api_id.startswith(prefix)] for name in ACCOUNTS
        }
        future = {n: {s.id for s in found if s.start > at} for n, found in before.items()}
        past = {n: {s.id for s in found if s.end <= at} for n, found in before.items()}
        assert sum(len(f) for f in future.values()) >= 3
        deleted = copy.deepcopy(w.school)
        deleted["courses"] = [c for c in deleted["courses"] if c["key"] != course["key"]]
        with hyperplanning_now_serves(w, deleted):
            preview = hpsync(w, at, "plan")
            synced = hpsync(w, at, "sync")
        assert preview.returncode == 0 and synced.returncode == 0, synced.stderr
        removals = [line for line in preview.stdout.splitlines() if "— to remove" in line]
        assert sum(1 for line in removals if line.startswith("  session ")) == sum(
            len(f) for f in future.values()
        )
        for name in ACCOUNTS:
            left = {s.id for s in sheets(w, name) if s.api_id.startswith(prefix)}
            assert left == past[name], name


def test_hyperplanning_answering_a_narrow_period_is_refused(tmp_path: Path) -> None:
    """Hyperplanning suddenly returns only two weeks of séances: refused before anything is
    written, the figures and the narrower span named; nothing is forgotten or archived."""
    with world(tmp_path) as w:
        at = during(w)
        assert hpsync(w, at, "sync").returncode == 0
        narrow = copy.deepcopy(w.school)
        for course in narrow["courses"]:
            course["seances"] = [
                s for s in course["seances"] if at <= seance_start(s) < at + timedelta(days=14)
            ]
        writes = w.write_calls()
        with hyperplanning_now_serves(w, narrow):
            refused = hpsync(w, at, "sync")
        assert refused.returncode == 3, refused.stderr
        assert "Hyperplanning answered a narrower period" in refused.stderr
        assert "sessions for this account against" in refused.stderr
        assert w.write_calls() == writes


def test_people_already_on_edusign_are_adopted_not_duplicated(tmp_path: Path) -> None:
    """Before hpsync, the account has the administrator who serves as fictitious trainer
    and one learner, both entered by hand: the sync takes them over (same Edusign records,
    hpsync's external ids), creates no second one, and the trainer-less sessions get the
    administrator."""
    with world(tmp_path) as w:
        learner = next(s for s in w.school["students"] if SITE_NORD in s["rubrics"])
        controls = f"{w.es_url}/_emulator/records"
        admin = httpx.post(
            f"{controls}/professor",
            json={
                "school": "nord",
                "fields": {
                    "FIRSTNAME": "Service",
                    "LASTNAME": "Planning",
                    "EMAIL": "planning@lycee-demo.test",
                },
            },
            timeout=30,
        ).json()["result"]
        walk_in = httpx.post(
            f"{controls}/student",
            json={
                "school": "nord",
                "fields": {
                    "FIRSTNAME": learner["first_name"],
                    "LASTNAME": learner["last_name"],
                    "EMAIL": learner["email"],
                },
            },
            timeout=30,
        ).json()["result"]
        synced = hpsync(w, during(w), "sync", "-a", "nord", "--json")
        assert synced.returncode == 0, synced.stderr
        client = w.client("nord")
        try:
            profs = client.list_professors(True)
            students = client.list_students(True)
        finally:
            client.close()
        base = w.school["base"]["id"]
        same = [p for p in profs if p.email.lower() == "planning@lycee-demo.test"]
        assert [(p.id, p.api_id) for p in same] == [(admin["ID"], f"hp:{base}:trainer:fictitious")]
        twins = [s for s in students if s.email.lower() == learner["email"].lower()]
        assert [(s.id, s.api_id) for s in twins] == [
            (walk_in["ID"], f"hp:{base}:learner:{learner['key']}")
        ]
        trainerless = [c for c in sheets(w, "nord") if admin["ID"] in c.professor_ids]
        expected = sum(
            1
            for c in w.school["courses"]
            if not c["teachers"]
            for s in c["seances"]
            if not s.get("cancelled")
        )
        assert expected == 0 or trainerless, "sessions without a trainer get the administrator"
        emails = Counter(s.email.lower() for s in students if not s.hidden)
        assert not [e for e, n in emails.items() if n > 1]
