"""Edusign webhooks end to end: the emulator's deliveries drive the write-back of one sheet."""

from __future__ import annotations

import queue
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import uvicorn

from hpsync.bootstrap import open_context
from hpsync.config import load_config
from hpsync.secrets import Secret
from hpsync.sync.runs import UpOutcome, run_up
from hpsync.web.webhook import create_app, edusign_courses_of

from .harness import World, world
from .up_helpers import absences, delays, hp_local, learner_of, poll, scene

EVENTS = ("on_student_sign", "on_course_locked")


@contextmanager
def serve(app: Any) -> Iterator[str]:
    """Serve ``app`` with uvicorn in a thread on a free loopback port; yields its URL."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    try:
        poll(lambda: server.started, seconds=10, what="the webhook receiver to start")
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()


@contextmanager
def sheet_worker(w: World) -> Iterator[tuple[queue.Queue[tuple[str, str] | None], list[Any]]]:
    """Like `hpsync webhook`'s worker: each queued (account, course) runs run_up on that sheet."""
    events: queue.Queue[tuple[str, str] | None] = queue.Queue()
    outcomes: list[UpOutcome | Exception] = []

    def work() -> None:
        with open_context(load_config(w.config)) as ctx:
            snapshot = ctx.hyperplanning.read_snapshot()
            while (item := events.get()) is not None:
                account, course = item
                try:
                    outcomes.append(
                        run_up(
                            ctx.store,
                            snapshot,
                            ctx.account(account),
                            ctx.hyperplanning,
                            courses=[course],
                        )
                    )
                except Exception as exc:  # reported through ``outcomes``
                    outcomes.append(exc)

    thread = threading.Thread(target=work, daemon=True, name="test-webhook-worker")
    thread.start()
    try:
        yield events, outcomes
    finally:
        events.put(None)
        thread.join(timeout=30)


def school_of(w: World, account: str) -> dict[str, Any]:
    """The Edusign school of ``account`` (real API route)."""
    response = httpx.get(
        f"{w.es_url}/v1/school", headers={"Authorization": f"Bearer {w.keys[account]}"}
    )
    response.raise_for_status()
    return dict(response.json()["result"])


def set_webhooks(w: World, account: str, urls: list[str]) -> None:
    """Configure the school's WEBHOOKS (real API route) for the sheet events."""
    hooks = [{"TYPE": event, "URL": url} for url in urls for event in EVENTS]
    response = httpx.patch(
        f"{w.es_url}/v1/school",
        json={"school": {"WEBHOOKS": hooks}},
        headers={"Authorization": f"Bearer {w.keys[account]}"},
    )
    response.raise_for_status()
    assert school_of(w, account)["WEBHOOKS"] == hooks


def deliveries(w: World) -> list[dict[str, Any]]:
    """The Edusign emulator's webhook delivery log (event, url, status or error)."""
    response = httpx.get(f"{w.es_url}/_emulator/webhooks", timeout=10)
    response.raise_for_status()
    return list(response.json()["deliveries"])


def test_webhooks_write_back_the_locked_sheet_and_refuse_a_wrong_secret(tmp_path: Path) -> None:
    """Signing then locking a sheet writes its attendance via webhooks; a bad secret gets 401."""
    with world(tmp_path) as w, scene(w) as s:
        target, elsewhere = s.past_courses(min_students=3)[:2]
        assert target.start is not None and target.end is not None
        api = s.students()
        s.lock(elsewhere.id)  # locked before webhooks exist: the webhook runs must not write it
        secret = Secret(f"secret-{school_of(w, 'nord')['ID']}")  # the emulator's default
        absent, late, *others = [r.student_id for r in target.students]
        start, end = hp_local(target.start), hp_local(target.end)
        wanted = (
            [(learner_of(api[absent]), start, end, False)],
            [(learner_of(api[late]), start, 10)],
        )
        with sheet_worker(w) as (events, outcomes):
            app = create_app(
                {"nord": secret, "forged": Secret("not-the-client-secret")},
                lambda account, _kind, course: events.put((account, course)),
            )
            with serve(app) as url:
                set_webhooks(w, "nord", [f"{url}/webhook/nord", f"{url}/webhook/forged"])
                for sid in [late, *others]:
                    s.sign(target.id, sid)
                s.mark(target.id, late, delay=10)
                signs = len(others) + 1
                poll(lambda: len(outcomes) == signs, what="a run per signature")
                assert (absences(w), delays(w)) == ([], [])  # an open sheet is not final
                s.lock(target.id)
                poll(
                    lambda: (absences(w), delays(w)) == wanted,
                    what="the locked sheet's attendance in Hyperplanning",
                )
                poll(lambda: len(deliveries(w)) == 2 * (signs + 1), what="every delivery")
                poll(lambda: len(outcomes) == signs + 1, what="a run for the lock")
        assert (absences(w), delays(w)) == wanted
        log = deliveries(w)
        assert {d["status"] for d in log if d["url"].endswith("/webhook/forged")} == {401}
        assert {d["status"] for d in log if d["url"].endswith("/webhook/nord")} == {200}
        nord_events = [d["event"] for d in log if d["url"].endswith("/webhook/nord")]
        assert nord_events.count("on_course_locked") == 1
        assert all(isinstance(o, UpOutcome) and o.outcome == "ok" for o in outcomes), outcomes
        finals = [o.counts["sheets_final"] for o in outcomes if isinstance(o, UpOutcome)]
        assert finals == [0] * signs + [1]


def test_a_justification_webhook_rewrites_the_absence(tmp_path: Path) -> None:
    """A justification accepted in Edusign reaches Hyperplanning through its webhook."""
    with world(tmp_path) as w, scene(w) as s:
        course = s.past_courses(min_students=1)[0]
        api = s.students()
        absent = course.students[0].student_id
        for record in course.students[1:]:
            s.sign(course.id, record.student_id)
        s.lock(course.id)
        s.up()
        start, end = hp_local(course.start), hp_local(course.end)  # type: ignore[arg-type]
        assert absences(w) == [(learner_of(api[absent]), start, end, False)]
        secret = Secret(f"secret-{school_of(w, 'nord')['ID']}")
        calls: list[tuple[str, str]] = []
        with sheet_worker(w) as (events, _outcomes):

            def handler(account: str, _kind: str, course_id: str) -> None:
                calls.append((account, course_id))
                events.put((account, course_id))

            lookup = w.client("nord")
            app = create_app(
                {"nord": secret}, handler, courses_of=edusign_courses_of({"nord": lookup})
            )
            with serve(app) as url:
                hook = [{"TYPE": "on_justified_absence", "URL": f"{url}/webhook/nord"}]
                httpx.patch(
                    f"{w.es_url}/v1/school",
                    json={"school": {"WEBHOOKS": hook}},
                    headers={"Authorization": f"Bearer {w.keys['nord']}"},
                ).raise_for_status()
                s.justify(absent, course)
                poll(lambda: len(deliveries(w)) == 1, what="the justification's delivery")
                assert deliveries(w)[0]["status"] == 200
                assert ("nord", course.id) in calls  # the sheets the justification covers
                poll(
                    lambda: absences(w) == [(learner_of(api[absent]), start, end, True)],
                    what="the justified absence in Hyperplanning",
                )
