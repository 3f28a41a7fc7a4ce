"""An Edusign account already full — the learners, trainers and sessions of an M school as
another connector left them — syncs to the same end state as an empty account, with no
duplicate (docs/config.md, adoption). Counted through the emulator's public API.

The account starts as hpsync's first sync of the M school left it: a copy of the session's
one M sync (m_world.py)."""

from __future__ import annotations

import json
from collections import Counter
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from hpsync.emulators.edusign.controls import Ctl, edit_record

from .harness import World, hpsync
from .m_world import synced_m_world
from .test_down_flow import third_week

pytestmark = [pytest.mark.slow, pytest.mark.timeout(900)]  # an M school, CPU bound


def end_state(w: World) -> dict[str, Any]:
    """What a person sees on account nord, without Edusign ids or external ids."""
    client = w.client("nord")
    try:
        first = date.fromisoformat(w.school["base"]["first_day"])
        students = client.list_students(True)
        profs = client.list_professors(True)
        courses = client.list_courses(first - timedelta(days=31), first + timedelta(days=366))
    finally:
        client.close()
    email = {s.id: s.email.lower() for s in students} | {p.id: p.email.lower() for p in profs}
    return {
        "students": Counter(
            (s.email.lower(), s.first_name, s.last_name, s.hidden) for s in students
        ),
        "professors": Counter((p.email.lower(), p.hidden) for p in profs),
        "courses": Counter(
            (
                c.name,
                str(c.start),
                str(c.end),
                c.classroom,
                tuple(sorted(email.get(p, p) for p in c.professor_ids)),
                tuple(sorted(email.get(r.student_id, r.student_id) for r in c.students)),
            )
            for c in courses
        ),
    }


def as_another_connector_left_it(w: World) -> int:
    """Every record of account nord loses hpsync's external id for another tool's.

    Each record is edited by hand with the emulator's own control (the action behind
    ``PATCH /_emulator/records/{kind}/{id}``), all in one transaction: ~19,000 HTTP round
    trips cost more than a minute of CPU and test nothing here."""
    changed = 0
    client = w.client("nord")
    try:
        first = date.fromisoformat(w.school["base"]["first_day"])
        records = [("student", s.id) for s in client.list_students(True)]
        records += [("professor", p.id) for p in client.list_professors(True)]
        records += [
            ("course", c.id)
            for c in client.list_courses(first - timedelta(days=31), first + timedelta(days=366))
        ]
    finally:
        client.close()
    state = w.es.state
    school_id = state.store.school_id_by_name("nord")
    assert school_id is not None
    with state.store.tx(school_id) as tx:
        for kind, rid in records:
            fields = {"API_ID": f"other-connector:{kind}:{rid}"}
            edit_record(Ctl(tx, {"fields": fields}, {"kind": kind, "id": rid}, state.now()))
            changed += 1
    return changed


def test_an_account_full_of_another_connectors_records_ends_as_an_empty_one(
    tmp_path: Path, synced_m: Path
) -> None:
    """An M school synced into nord; make every record another tool's and forget hpsync's
    state; an hour later sync again with adopt_existing_sessions: nothing is created, every
    record is adopted, the end state is the first one, no duplicate."""
    with synced_m_world(tmp_path, synced_m) as w:
        expected = end_state(w)
        assert sum(expected["courses"].values()) > 1000

        assert as_another_connector_left_it(w) > 1000
        (tmp_path / "state.db").unlink()
        text = w.config.read_text()
        w.config.write_text(
            text.replace('name = "nord"\n', 'name = "nord"\nadopt_existing_sessions = true\n', 1)
        )
        later = third_week(w) + timedelta(hours=1)  # an hour after the first sync
        adopted = hpsync(w, later, "sync", "-a", "nord", "--json", timeout=900)
        assert adopted.returncode == 0, adopted.stderr[-3000:]
        (result,) = json.loads(adopted.stdout)
        counts = result["counts"]
        assert counts["created"] == 0 and counts["removed"] == 0 and counts["failed"] == 0
        assert counts["adopted"] > 1000
        adopted_state = end_state(w)
        assert adopted_state == expected
        for kind in ("students", "professors", "courses"):
            doubled = [key for key, n in adopted_state[kind].items() if n > 1]
            assert doubled == [], (kind, doubled[:3])
        again = hpsync(
            w, later + timedelta(minutes=15), "sync", "-a", "nord", "--json", timeout=900
        )
        assert (
            again.returncode == 0 and json.loads(again.stdout)[0]["counts"]["writes_planned"] == 0
        )
