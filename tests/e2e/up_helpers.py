"""Helpers for the up-flow end-to-end tests: marks on Edusign, records in Hyperplanning."""

from __future__ import annotations

import os
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import httpx

from hpsync.attendance.statuses import FinalPolicy
from hpsync.bootstrap import open_context
from hpsync.config import load_config
from hpsync.demo.simulate import Controls
from hpsync.edusign.models import Course
from hpsync.model import parse_source_id
from hpsync.sync.runs import DownOutcome, UpOutcome, run_down, run_up

from .harness import World

PARIS = ZoneInfo("Europe/Paris")
HP_WRITES = (
    "AjouterAbsenceEtudiant",
    "EnleverAbsenceEtudiant",
    "CreerRetardEtudiant",
    "SupprimerRetardEtudiant",
    "ModifierMotifAbsenceEtudiant",
    "ModifierMotifRetardEtudiant",
)

AbsenceRow = tuple[int, str, str, bool]  # student, start, end, justified
DelayRow = tuple[int, str, int]  # student, at, minutes


def base_now(w: World, days: int = 14) -> datetime:
    """An instant ``days`` after the base's first day (earlier sessions are in the past)."""
    first = datetime.fromisoformat(w.school["base"]["first_day"]).replace(tzinfo=UTC)
    return first + timedelta(days=days)


def hp_local(instant: datetime) -> str:
    """An instant as the Hyperplanning emulator stores it (naive Paris time, seconds)."""
    return instant.astimezone(PARIS).replace(tzinfo=None).isoformat(timespec="seconds")


def hp_auth() -> tuple[str, str]:
    return ("ws", os.environ["HPSYNC_E2E_HP"])


def hp_data(w: World) -> dict[str, Any]:
    """The Hyperplanning emulator's current snapshot (with absences and delays)."""
    response = httpx.get(f"{w.hp_url}/_emulator/data", auth=hp_auth(), timeout=30)
    response.raise_for_status()
    return dict(response.json())


def absences(w: World) -> list[AbsenceRow]:
    """Every absence in Hyperplanning, keys left out, sorted."""
    return sorted(
        (int(a["student"]), a["start"], a["end"], bool(a["justified"]))
        for a in hp_data(w).get("absences", [])
    )


def delays(w: World) -> list[DelayRow]:
    """Every delay in Hyperplanning, keys left out, sorted."""
    return sorted(
        (int(d["student"]), d["at"], int(d["minutes"])) for d in hp_data(w).get("delays", [])
    )


def hp_writes(w: World) -> Counter[str]:
    """Calls of each Hyperplanning write operation so far."""
    stats = httpx.get(f"{w.hp_url}/_emulator/stats", auth=hp_auth(), timeout=30).json()
    calls = stats.get("calls", {})
    return Counter({name: int(calls.get(name, 0)) for name in HP_WRITES})


def learner_of(api_id: str) -> int:
    """The Hyperplanning key in an Edusign student's external id."""
    return int(parse_source_id(api_id)[2])


@dataclass
class Scene:
    """One account of a world after a down sync, with its controls."""

    w: World
    account: str
    now: datetime
    controls: Controls

    def students(self) -> dict[str, str]:
        """Edusign student id → external id (archived included)."""
        client = self.w.client(self.account)
        try:
            return {s.id: s.api_id for s in client.list_students(include_archived=True)}
        finally:
            client.close()

    def past_courses(self, min_students: int = 1) -> list[Course]:
        """Sheets pushed by hpsync that ended before ``now``, in start order."""
        client = self.w.client(self.account)
        try:
            first = self.now.date() - timedelta(days=40)
            found = client.list_courses(first, self.now.date())
        finally:
            client.close()
        return sorted(
            (
                c
                for c in found
                if c.api_id
                and c.end is not None
                and c.end <= self.now
                and len(c.students) >= min_students
            ),
            key=lambda c: (c.start, c.api_id),
        )

    def course(self, course_id: str) -> Course:
        client = self.w.client(self.account)
        try:
            return client.get_course(course_id)
        finally:
            client.close()

    def lock(self, course_id: str) -> None:
        """The trainer closes the sheet (real API route)."""
        client = self.w.client(self.account)
        try:
            client.lock_course(course_id)
        finally:
            client.close()

    def sign(self, course_id: str, student_id: str) -> None:
        self.controls.post("sign", courseId=course_id, studentId=student_id)

    def mark(self, course_id: str, student_id: str, **fields: Any) -> None:
        self.controls.post("attendance", courseId=course_id, studentId=student_id, **fields)

    def justify(self, student_id: str, course: Course, comment: str = "Certificat") -> str:
        """An accepted justified absence over the course; returns the reason's name."""
        client = self.w.client(self.account)
        try:
            reason = client.absence_reasons()[0]
        finally:
            client.close()
        assert course.start is not None and course.end is not None
        self.controls.post(
            "justified-absences",
            studentId=student_id,
            start=course.start.isoformat(),
            end=course.end.isoformat(),
            type=reason.id,
            comment=comment,
        )
        return reason.name

    def up(
        self,
        *,
        courses: list[str] | None = None,
        final: FinalPolicy | None = None,
        now: datetime | None = None,
    ) -> UpOutcome:
        """One attendance run of the account, in-process, through the configuration."""
        with open_context(load_config(self.w.config)) as ctx:
            snapshot = ctx.hyperplanning.read_snapshot()
            setup = ctx.account(self.account)
            if final is not None:
                setup = replace(setup, final=final)
            return run_up(
                ctx.store,
                snapshot,
                setup,
                ctx.hyperplanning,
                now=now or self.now,
                courses=courses,
            )


def down(w: World, accounts: tuple[str, ...], now: datetime) -> dict[str, DownOutcome]:
    """Down-sync the accounts as of ``now`` so their sheets exist."""
    with open_context(load_config(w.config)) as ctx:
        snapshot = ctx.hyperplanning.read_snapshot()
        return {n: run_down(ctx.store, snapshot, ctx.account(n), now=now) for n in accounts}


@contextmanager
def scene(w: World, account: str = "nord", days: int = 14, *, sync: bool = True) -> Iterator[Scene]:
    """Down-sync ``account`` (unless ``sync`` is False) as of ``days`` into the base."""
    now = base_now(w, days)
    if sync:
        outcome = down(w, (account,), now)[account]
        assert outcome.outcome == "ok", outcome.counts
    controls = Controls(w.es_url, account)
    try:
        yield Scene(w, account, now, controls)
    finally:
        controls.close()


def poll(check: Callable[[], bool], *, seconds: float = 20.0, what: str = "condition") -> None:
    """Wait until ``check()`` holds, failing after ``seconds``."""
    deadline = time.monotonic() + seconds
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.02)
