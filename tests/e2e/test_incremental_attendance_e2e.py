"""Incremental attendance reads, with ``hpsync attendance`` on the emulators (docs/config.md,
``full_read_hours``): between two whole reads, an attendance run lists only the sheets
Edusign updated since the day before its last read began (signing, marking and locking
update a sheet), the sheets in the period of a justification made since, and what entered
its window; a final sheet already written back is not read again. What lands in
Hyperplanning is worked out by hand from the marks: each absence once, a later
justification rewrites it, nothing is written twice. Checked through both emulators'
public APIs and the Edusign emulator's request counts."""

from __future__ import annotations

import json
import subprocess
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from .harness import World, hpsync, world
from .test_data_safety_e2e import during
from .test_incremental_e2e import course_calls, edusign_days_pass, reset_counts
from .up_helpers import Scene, absences, hp_local, hp_writes, learner_of, scene


def attendance(w: World, at: datetime) -> dict[str, Any]:
    """One ``hpsync attendance --json`` run for account nord; its JSON line for nord."""
    done: subprocess.CompletedProcess[str] = hpsync(w, at, "attendance", "-a", "nord", "--json")
    assert done.returncode == 0, done.stderr
    (mine,) = [r for r in json.loads(done.stdout) if r["account"] == "nord" and not r["previous"]]
    return dict(mine)


def roll_call(s: Scene, course_id: str, absent: str) -> None:
    """Everyone on the sheet signs but ``absent``; the trainer locks it."""
    for record in s.course(course_id).students:
        if record.student_id != absent:
            s.sign(course_id, record.student_id)
    s.lock(course_id)


def test_attendance_reads_what_changed_and_writes_each_absence_once(tmp_path: Path) -> None:
    with world(tmp_path) as w:
        at = during(w)
        assert hpsync(w, at, "sync", "-a", "nord").returncode == 0
        with scene(w, "nord", sync=False) as s:
            s.now = at
            api = s.students()
            first, second, third = s.past_courses(min_students=3)[:3]
            one = first.students[0].student_id
            two = second.students[1].student_id
            roll_call(s, first.id, absent=one)

            whole = attendance(w, at + timedelta(hours=1))
            assert whole["counts"]["sheets_read"] >= 3  # the first run reads every sheet
            start, end = hp_local(first.start), hp_local(first.end)  # type: ignore[arg-type]
            assert absences(w) == [(learner_of(api[one]), start, end, False)]

            edusign_days_pass(w, 3)  # what the sync and the first run touched is older now
            assert attendance(w, at + timedelta(hours=2))["counts"]["changes_planned"] == 0
            reset_counts(w)
            quiet = attendance(w, at + timedelta(hours=3))
            # Nothing changed: only today's sheets are listed again (they entered the window).
            assert quiet["counts"]["sheets_read_changed"] < whole["counts"]["sheets_read"] / 3
            assert quiet["counts"]["changes_planned"] == 0
            quiet_lists, quiet_singles = course_calls(w)

            roll_call(s, second.id, absent=two)  # a second sheet is filled in and locked
            reason = s.justify(one, first)  # and the first absence is justified
            before = hp_writes(w)
            reset_counts(w)
            changed = attendance(w, at + timedelta(hours=4))
            lists, singles = course_calls(w)
            s2, e2 = hp_local(second.start), hp_local(second.end)  # type: ignore[arg-type]
            assert absences(w) == sorted(
                [
                    (learner_of(api[one]), start, end, True),
                    (learner_of(api[two]), s2, e2, False),
                ]
            )
            writes = hp_writes(w) - before
            assert writes["AjouterAbsenceEtudiant"] >= 1  # the new absence, once
            assert changed["counts"]["sheets_read_changed"] >= 2
            assert changed["counts"]["sheets_read_changed"] < whole["counts"]["sheets_read"]
            assert reason  # the justified absence carries the reason's name (test_up_flow)

            before = hp_writes(w)
            again = attendance(w, at + timedelta(hours=5))
            assert again["counts"]["changes_planned"] == 0
            assert hp_writes(w) == before  # nothing written twice

            # A day after the last whole read, every sheet is read again, and agrees.
            roll_call(s, third.id, absent=third.students[0].student_id)
            later = attendance(w, at + timedelta(hours=26))
            assert later["counts"]["sheets_read"] >= whole["counts"]["sheets_read"]
            assert len(absences(w)) == 3
            # The quiet run listed no more than the changed one, and fetched nothing by id.
            assert quiet_singles == 0 and singles == 0
            assert quiet_lists <= lists
