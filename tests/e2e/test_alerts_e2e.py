"""Smart alerts end to end: a generated school, attendance simulated on the Edusign
emulator, written back, then exactly one alert to the learner's tutor over real SMTP."""

from __future__ import annotations

import socket
import subprocess
import sys
from datetime import UTC, date, datetime, timedelta
from email import message_from_bytes, policy
from pathlib import Path
from typing import Any

import httpx
import pytest
from aiosmtpd.controller import Controller

from hpsync import clock
from hpsync.bootstrap import open_context
from hpsync.config import load_config
from hpsync.sync.runs import run_down

from .harness import world

SUD = 12  # the generator's Site/Sud rubric key


class Inbox:
    def __init__(self) -> None:
        self.messages: list[Any] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append(message_from_bytes(envelope.original_content, policy=policy.default))
        return "250 OK"


def test_three_absences_send_one_alert_to_the_tutor_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Three unjustified absences in 30 days → one e-mail to the tutor; a rerun sends none."""
    now = datetime(2026, 11, 29, 12, tzinfo=UTC)
    monkeypatch.setenv(clock.ENV, clock.environment_value(now))  # this process and its commands
    inbox = Inbox()
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = int(sock.getsockname()[1])
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        with world(tmp_path) as w:
            tutors = {t["key"]: t for t in w.school["tutors"] if t.get("email")}
            learner = next(
                s
                for s in w.school["students"]
                if SUD in s["rubrics"]
                and 11 not in s["rubrics"]
                and s.get("email")
                and any(t in tutors for t in s["tutors"])
            )
            tutor = next(tutors[t] for t in learner["tutors"] if t in tutors)
            with w.config.open("a") as out:
                out.write(
                    '\n[[accounts.alerts]]\nname = "absences"\nkind = "absences"\n'
                    'threshold = 3\ndays = 30\nnotify = "tutor"\n'
                    f'\n[smtp]\nhost = "127.0.0.1"\nport = {port}\nsender = "hpsync@ecole.test"\n'
                )
            first = date.fromisoformat(w.school["base"]["first_day"])
            with open_context(load_config(w.config)) as ctx:
                snapshot = ctx.hyperplanning.read_snapshot()
                run_down(
                    ctx.store,
                    snapshot,
                    ctx.account("sud"),
                    now=datetime.combine(first, datetime.min.time(), tzinfo=UTC),
                )
            client = w.client("sud")
            student = next(
                s for s in client.list_students() if s.api_id.endswith(f":{learner['key']}")
            )
            courses = [
                c
                for c in client.list_courses((now - timedelta(days=25)).date(), now.date())
                if any(r.student_id == student.id for r in c.students)
                and c.end is not None
                and c.end < now
            ][:3]
            assert len(courses) == 3, "the learner has three past sheets in the window"
            for course in courses:  # everyone signs but our learner; the sheet is closed
                for record in course.students:
                    if record.student_id != student.id:
                        httpx.post(
                            f"{w.es_url}/_emulator/sign",
                            timeout=30,
                            json={
                                "school": "sud",
                                "courseId": course.id,
                                "studentId": record.student_id,
                            },
                        ).raise_for_status()
                client.lock_course(course.id)
            client.close()
            for args in (
                ["attendance", "-a", "sud"],
                ["alerts", "-a", "sud", "--now", now.isoformat()],
                ["alerts", "-a", "sud", "--now", now.isoformat()],
            ):
                done = subprocess.run(
                    [sys.executable, "-m", "hpsync", *args, "-c", str(w.config)],
                    capture_output=True,
                    text=True,
                    timeout=180,
                    check=False,
                )
                assert done.returncode == 0, (args, done.stderr[-1500:])
        to = [str(m["To"]) for m in inbox.messages]
        assert to == [tutor["email"]], to
        body = inbox.messages[0].get_body(preferencelist=("plain",)).get_content()
        assert learner["last_name"] in body
    finally:
        controller.stop()
