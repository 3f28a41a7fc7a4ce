"""An Edusign account already full — the learners, trainers and sessions of an M school as
another connector left them — syncs to the same end state as an empty account, with no
duplicate (docs/config.md, adoption). Counted through the emulator's public API."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import Counter
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from hpsync.emulators.edusign.controls import Ctl, edit_record

from .clock_helpers import timeline
from .harness import World, world
from .up_helpers import PARIS

pytestmark = [pytest.mark.slow, pytest.mark.timeout(900)]  # an M school, CPU bound


def hpsync(w: World, at: datetime, *args: str) -> subprocess.CompletedProcess[str]:
    from hpsync import clock

    return subprocess.run(
        [sys.executable, "-m", "hpsync", *args, "-c", str(w.config)],
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
        env={**os.environ, clock.ENV: timeline(at)},
    )


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
    tmp_path: Path,
) -> None:
    """Sync an M school into nord; make every record another tool's and forget hpsync's
    state; sync again with adopt_existing_sessions: nothing is created, every record is
    adopted, the end state is the first one, no duplicate."""
    with world(tmp_path, size="M", seed=7) as w:
        first = date.fromisoformat(w.school["base"]["first_day"])
        at = datetime.combine(first + timedelta(days=24), datetime.min.time(), PARIS)
        empty = hpsync(w, at, "sync", "-a", "nord")
        assert empty.returncode == 0, empty.stderr
        expected = end_state(w)
        assert sum(expected["courses"].values()) > 1000

        assert as_another_connector_left_it(w) > 1000
        (tmp_path / "state.db").unlink()
        text = w.config.read_text()
        w.config.write_text(
            text.replace('name = "nord"\n', 'name = "nord"\nadopt_existing_sessions = true\n', 1)
        )
        later = at + timedelta(hours=1)
        adopted = hpsync(w, later, "sync", "-a", "nord", "--json")
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
        again = hpsync(w, later + timedelta(minutes=15), "sync", "-a", "nord", "--json")
        assert (
            again.returncode == 0 and json.loads(again.stdout)[0]["counts"]["writes_planned"] == 0
        )
