"""A week of attendance on the Edusign emulator, as learners and staff would produce it.

Uses the emulator's test controls (``/_emulator/...``): signatures, lateness, early
departures, absences, sheets locked, a justification arriving later, hand edits.
"""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

import httpx

from hpsync.edusign import EdusignClient
from hpsync.edusign.models import Course


@dataclass
class WeekSimulation:
    """What was simulated, for the report."""

    courses: int = 0
    marks: Counter[str] = field(default_factory=Counter)
    absent: list[tuple[str, str]] = field(default_factory=list)  # (course id, student id)
    locked: list[Course] = field(default_factory=list)


class Controls:
    """The Edusign emulator's test controls for one school."""

    def __init__(self, base_url: str, school: str) -> None:
        self.school = school
        self.http = httpx.Client(base_url=base_url.rstrip("/") + "/_emulator", timeout=30)

    def call(self, method: str, what: str, **body: Any) -> Any:
        response = self.http.request(method, f"/{what}", json={"school": self.school, **body})
        response.raise_for_status()
        return response.json().get("result") if response.content else None

    def post(self, what: str, **body: Any) -> Any:
        return self.call("POST", what, **body)

    def close(self) -> None:
        self.http.close()


def week_of(now: datetime) -> date:
    """The Monday of the last full school week before ``now``."""
    today = now.date()
    monday = today - timedelta(days=today.weekday())
    return monday - timedelta(days=7) if today.weekday() < 5 else monday


def simulate_week(
    client: EdusignClient, controls: Controls, monday: date, *, seed: int = 7
) -> WeekSimulation:
    """Sign, be late, leave early or be absent on every sheet of the week, then lock them."""
    rng = random.Random(seed)
    sim = WeekSimulation()
    for course in client.list_courses(monday, monday + timedelta(days=4)):
        if not course.api_id or course.start is None or course.end is None:
            continue
        sim.courses += 1
        length = course.end - course.start
        for record in course.students:
            roll = rng.random()
            ids = {"courseId": course.id, "studentId": record.student_id}
            if roll < 0.07:
                sim.marks["absent"] += 1
                sim.absent.append((course.id, record.student_id))
                continue
            controls.post("sign", **ids)
            if roll < 0.12:
                controls.post("attendance", **ids, delay=rng.choice([5, 10, 15, 25, 40]))
                sim.marks["late"] += 1
            elif roll < 0.15:
                left = course.start + length * 0.6
                controls.post("attendance", **ids, earlyDeparture=left.isoformat())
                sim.marks["early_departure"] += 1
            else:
                sim.marks["present"] += 1
        client.lock_course(course.id)  # the trainer closes the sheet (real API route)
        sim.locked.append(course)
    return sim


def justify_later(client: EdusignClient, controls: Controls, sim: WeekSimulation) -> str | None:
    """A justification arrives for the first absence of the week; returns the student id."""
    if not sim.absent:
        return None
    course_id, student_id = sim.absent[0]
    course = client.get_course(course_id)
    assert course.start is not None and course.end is not None
    reasons = client.absence_reasons()
    controls.post(
        "justified-absences",
        studentId=student_id,
        start=course.start.isoformat(),
        end=course.end.isoformat(),
        type=reasons[0].id if reasons else "",
        comment="Certificat médical",
    )
    return student_id


def hand_edits(controls: Controls, sim: WeekSimulation) -> list[str]:
    """An administrator renames a locked sheet and adds a walk-in learner by hand."""
    done: list[str] = []
    if sim.locked:
        course = sim.locked[0]
        controls.call(
            "PATCH", f"records/course/{course.id}", fields={"NAME": f"{course.name} (modifié)"}
        )
        done.append(f"sheet {course.api_id} renamed by hand")
    controls.post(
        "records/student",
        fields={"FIRSTNAME": "Walk", "LASTNAME": "In", "EMAIL": "walk.in@visiteur.test"},
    )
    done.append("learner walk.in@visiteur.test created by hand")
    return done
