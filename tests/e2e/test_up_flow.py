"""The up flow over real HTTP: Edusign sheets → Hyperplanning absences and delays, once."""

from __future__ import annotations

import random
import signal
import subprocess
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from hpsync import clock
from hpsync.attendance.statuses import FinalPolicy
from hpsync.edusign.models import Course

from .harness import World, world
from .up_helpers import (
    Scene,
    absences,
    base_now,
    delays,
    down,
    hp_data,
    hp_local,
    hp_writes,
    learner_of,
    scene,
)

ACCOUNTS = ("nord", "sud")
DAYS = 35  # sheets of the first five weeks are past: a few hundred marks


def interval(course: Course) -> tuple[str, str]:
    """The sheet's interval as Hyperplanning stores it."""
    assert course.start is not None and course.end is not None
    return hp_local(course.start), hp_local(course.end)


def test_every_status_is_written_once_then_follows_changes(tmp_path: Path) -> None:
    """Present, absent, late, early leaver and a later justification land exactly in HP."""
    with world(tmp_path) as w, scene(w) as s:
        course = s.past_courses(min_students=5)[0]
        api = s.students()
        ids = [r.student_id for r in course.students]
        present, absent, late, early, excused = ids[:5]
        for sid in [present, late, early, *ids[5:]]:
            s.sign(course.id, sid)
        assert course.start is not None and course.end is not None
        left = course.start + timedelta(minutes=int((course.end - course.start).seconds // 120))
        s.mark(course.id, late, delay=15)
        s.mark(course.id, early, earlyDeparture=left.isoformat())
        s.lock(course.id)
        start, end = interval(course)

        first = s.up()
        assert first.outcome == "ok" and not first.report.failures  # type: ignore[union-attr]
        assert absences(w) == sorted(
            [
                (learner_of(api[absent]), start, end, False),
                (learner_of(api[excused]), start, end, False),
                (learner_of(api[early]), hp_local(left), end, False),
            ]
        )
        assert delays(w) == [(learner_of(api[late]), start, 15)]

        reason = s.justify(excused, course)
        s.up()
        assert absences(w) == sorted(
            [
                (learner_of(api[absent]), start, end, False),
                (learner_of(api[excused]), start, end, True),
                (learner_of(api[early]), hp_local(left), end, False),
            ]
        )
        justified = [a for a in hp_data(w)["absences"] if a["justified"]]
        assert [a["reason"] for a in justified] == [reason]

        s.mark(course.id, absent, state=True)
        s.up()
        assert absences(w) == sorted(
            [
                (learner_of(api[excused]), start, end, True),
                (learner_of(api[early]), hp_local(left), end, False),
            ]
        )
        assert delays(w) == [(learner_of(api[late]), start, 15)]

        before = hp_writes(w)
        again = s.up()
        assert hp_writes(w) == before
        assert again.counts["changes_planned"] == 0


def test_an_absent_learner_who_signs_afterwards_loses_the_absence(tmp_path: Path) -> None:
    """An absence written back is removed once the learner signs the locked sheet."""
    with world(tmp_path) as w, scene(w) as s:
        course = s.past_courses(min_students=2)[0]
        api = s.students()
        absent, *others = [r.student_id for r in course.students]
        for sid in others:
            s.sign(course.id, sid)
        s.lock(course.id)
        s.up()
        assert absences(w) == [(learner_of(api[absent]), *interval(course), False)]
        s.sign(course.id, absent)
        s.up()
        assert absences(w) == []


def _early_leaver(s: Scene, course: Course) -> tuple[str, datetime]:
    """Everybody on the sheet signs; the first learner leaves halfway; the sheet is locked."""
    assert course.start is not None and course.end is not None
    learner = course.students[0].student_id
    for record in course.students:
        s.sign(course.id, record.student_id)
    left = course.start + (course.end - course.start) / 2
    s.mark(course.id, learner, earlyDeparture=left.isoformat())
    s.lock(course.id)
    return learner, left


def test_early_leaver_corrected_to_absent_gets_the_whole_absence(tmp_path: Path) -> None:
    """An early leaver later marked absent holds one absence over the whole session."""
    with world(tmp_path) as w, scene(w) as s:
        course = s.past_courses(min_students=1)[0]
        api = s.students()
        learner, left = _early_leaver(s, course)
        s.up()
        start, end = interval(course)
        assert absences(w) == [(learner_of(api[learner]), hp_local(left), end, False)]
        s.mark(course.id, learner, absent=True)
        s.up()
        assert absences(w) == [(learner_of(api[learner]), start, end, False)]


def test_absent_learner_corrected_to_early_leaver_keeps_the_missed_part(tmp_path: Path) -> None:
    """An absent learner later marked present but leaving early keeps only the missed part."""
    with world(tmp_path) as w, scene(w) as s:
        course = s.past_courses(min_students=1)[0]
        assert course.start is not None and course.end is not None
        api = s.students()
        learner = course.students[0].student_id
        s.lock(course.id)
        s.up()
        start, end = interval(course)
        assert (learner_of(api[learner]), start, end, False) in absences(w)
        left = course.start + (course.end - course.start) / 2
        s.mark(course.id, learner, state=True, earlyDeparture=left.isoformat())
        s.up()
        mine = [a for a in absences(w) if a[0] == learner_of(api[learner])]
        assert mine == [(learner_of(api[learner]), hp_local(left), end, False)]


def test_only_locked_sheets_are_final_by_default(tmp_path: Path) -> None:
    """Under final = "locked" an open past sheet writes nothing; under hours_after_end it does."""
    with world(tmp_path) as w, scene(w) as s:
        locked, opened = s.past_courses(min_students=2)[:2]
        api = s.students()
        for course in (locked, opened):
            for record in course.students[1:]:
                s.sign(course.id, record.student_id)
        s.lock(locked.id)
        out = s.up()
        assert out.counts["sheets_final"] == 1
        assert absences(w) == [
            (learner_of(api[locked.students[0].student_id]), *interval(locked), False)
        ]
        s.up(final=FinalPolicy(locked=False, hours_after_end=0))
        assert (
            learner_of(api[opened.students[0].student_id]),
            *interval(opened),
            False,
        ) in absences(w)


def test_sheet_with_hand_edited_times_reports_to_the_hyperplanning_interval(
    tmp_path: Path,
) -> None:
    """Moving a sheet by hand in Edusign does not move the absence written in Hyperplanning."""
    with world(tmp_path) as w, scene(w) as s:
        course = s.past_courses(min_students=2)[0]
        api = s.students()
        assert course.start is not None and course.end is not None
        s.controls.call(
            "PATCH",
            f"records/course/{course.id}",
            fields={
                "START": (course.start + timedelta(hours=2)).isoformat(),
                "END": (course.end + timedelta(hours=3)).isoformat(),
            },
        )
        assert s.course(course.id).start == course.start + timedelta(hours=2)
        absent, *others = [r.student_id for r in course.students]
        for sid in others:
            s.sign(course.id, sid)
        s.lock(course.id)
        s.up()
        assert absences(w) == [(learner_of(api[absent]), *interval(course), False)]


def test_walk_in_learner_on_a_sheet_is_reported_not_written(tmp_path: Path) -> None:
    """A learner created by hand in Edusign and put on a sheet is reported and never written."""
    with world(tmp_path) as w, scene(w) as s:
        course = s.past_courses(min_students=1)[0]
        walk_in = s.controls.post(
            "records/student",
            fields={"FIRSTNAME": "Walk", "LASTNAME": "In", "EMAIL": "walk.in@visiteur.test"},
        )
        s.controls.post(f"courses/{course.id}/students", studentId=walk_in["ID"])
        for record in course.students:
            s.sign(course.id, record.student_id)
        s.lock(course.id)
        out = s.up()
        assert [n for n in out.plan.hand_added if course.id in n and "unknown" in n]
        assert out.counts["hand_added"] == 1
        assert absences(w) == []


def test_known_learner_added_by_hand_is_written_back(tmp_path: Path) -> None:
    """A learner of the account added by hand to a sheet and absent gets the absence."""
    with world(tmp_path) as w, scene(w) as s:
        course = s.past_courses(min_students=1)[0]
        api = s.students()
        on_sheet = {r.student_id for r in course.students}
        extra = next(sid for sid, a in sorted(api.items()) if a and sid not in on_sheet)
        s.controls.post(f"courses/{course.id}/students", studentId=extra)
        for sid in on_sheet:
            s.sign(course.id, sid)
        s.lock(course.id)
        s.up()
        assert absences(w) == [(learner_of(api[extra]), *interval(course), False)]


def test_known_learner_added_by_hand_is_reported(tmp_path: Path) -> None:
    """A learner of the account added by hand to a sheet shows in the run's hand_added."""
    with world(tmp_path) as w, scene(w) as s:
        course = s.past_courses(min_students=1)[0]
        api = s.students()
        on_sheet = {r.student_id for r in course.students}
        extra = next(sid for sid, a in sorted(api.items()) if a and sid not in on_sheet)
        s.controls.post(f"courses/{course.id}/students", studentId=extra)
        s.lock(course.id)
        out = s.up()
        assert [n for n in out.plan.hand_added if api[extra] in n]


def simulate_marks(w: World, accounts: tuple[str, ...], *, seed: int, wanted: int) -> int:
    """Deterministic marks on the earliest past sheets of the accounts, which are then locked."""
    rng = random.Random(seed)
    total = 0
    for account in accounts:
        with scene(w, account, DAYS, sync=False) as s:
            api = s.students()
            marks = justified = 0
            for course in s.past_courses(min_students=1):
                if marks >= wanted // len(accounts):
                    break
                assert course.start is not None and course.end is not None
                for record in sorted(course.students, key=lambda r: api[r.student_id]):
                    marks += 1
                    sid = record.student_id
                    roll = rng.random()
                    if roll < 0.15:
                        if justified < 3 and roll < 0.03:
                            s.justify(sid, course)
                            justified += 1
                        continue
                    s.sign(course.id, sid)
                    if roll < 0.25:
                        s.mark(course.id, sid, delay=rng.choice([5, 10, 25]))
                    elif roll < 0.30:
                        left = course.start + (course.end - course.start) / 2
                        s.mark(course.id, sid, earlyDeparture=left.isoformat())
                s.lock(course.id)
            total += marks
    return total


def attendance_cmd(w: World) -> list[str]:
    return [sys.executable, "-m", "hpsync", "attendance", "-c", str(w.config), "--json"]


def attend(w: World) -> subprocess.CompletedProcess[str]:
    """One uninterrupted `hpsync attendance` run on the world's configuration."""
    return subprocess.run(
        attendance_cmd(w),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_sigkill_during_attendance_then_rerun_matches_an_uninterrupted_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Killing `hpsync attendance` mid-run, then rerunning, writes exactly what one run writes."""
    rng = random.Random(5)
    clean_dir, killed_dir = tmp_path / "clean", tmp_path / "killed"
    clean_dir.mkdir()
    killed_dir.mkdir()
    with world(clean_dir) as w:
        # one clock for this process and the commands it starts: the day the scene is set in
        monkeypatch.setenv(clock.ENV, clock.environment_value(base_now(w, DAYS)))
        down(w, ACCOUNTS, base_now(w, DAYS))
        marks = simulate_marks(w, ACCOUNTS, seed=17, wanted=300)
        assert marks >= 300
        done = attend(w)
        assert done.returncode == 0, done.stderr
        expected = (absences(w), delays(w))
        assert len(expected[0]) >= 30 and len(expected[1]) >= 20
    with world(killed_dir) as w:
        down(w, ACCOUNTS, base_now(w, DAYS))
        assert simulate_marks(w, ACCOUNTS, seed=17, wanted=300) == marks
        kills, partial = 0, []
        for _attempt in range(5):
            proc = subprocess.Popen(
                attendance_cmd(w),
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            target = sum(hp_writes(w).values()) + rng.randint(1, 25)
            deadline = time.monotonic() + 60
            while proc.poll() is None and sum(hp_writes(w).values()) < target:
                if time.monotonic() > deadline:
                    break
                time.sleep(0.005)
            if proc.poll() is None:
                proc.send_signal(signal.SIGKILL)
                kills += 1
                proc.wait(timeout=60)
                partial.append(len(absences(w)) + len(delays(w)))
            proc.wait(timeout=60)
        done = attend(w)
        assert done.returncode == 0, done.stderr
        assert absences(w) == expected[0]
        assert delays(w) == expected[1]
        assert kills >= 1
        assert any(0 < n < len(expected[0]) + len(expected[1]) for n in partial)  # killed mid-run
