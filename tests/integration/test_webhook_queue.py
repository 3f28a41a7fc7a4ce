"""A webhook that never drops an event: stored before the 200, processed at least once by
a worker that survives any error, replays refused across restarts (issue 19)."""

from __future__ import annotations

import json
import random
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from hpsync.secrets import Secret
from hpsync.state import StateStore
from hpsync.state.events import Event, counts, due, enqueue, finish
from hpsync.sync.events import EventWorker
from hpsync.web.webhook import create_app, signature

SECRET = Secret("whsec-queue-0123456789")


class Clock:
    """A store clock the test moves (retry delays pass instantly)."""

    def __init__(self) -> None:
        self.at = datetime(2026, 10, 5, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.at


def body_of(n: int) -> bytes:
    return json.dumps({"type": "on_course_locked", "course": {"ID": f"c{n}"}, "n": n}).encode()


def test_a_delivery_is_stored_once_and_a_replay_is_refused_after_a_restart(
    tmp_path: Path,
) -> None:
    """The same delivery again, even from a new process on the same store, is refused;
    a delivery about no sheet is kept only to refuse its replay."""
    url = f"sqlite:///{tmp_path / 's.db'}"
    with StateStore.open(url) as store:
        assert enqueue(store, "nord", "sig-1", "on_course_locked", ["c1"])
        assert enqueue(store, "nord", "sig-2", "on_student_sign", [])
    with StateStore.open(url) as restarted:
        assert not enqueue(restarted, "nord", "sig-1", "on_course_locked", ["c1"])
        assert enqueue(restarted, "sud", "sig-1", "on_course_locked", ["c1"])  # other account
        assert [e.course_id for e in due(restarted)] == ["c1", "", "c1"]


def test_a_failed_event_is_retried_later_then_done(tmp_path: Path) -> None:
    """A failure is recorded with a growing delay; when it is due again it runs again."""
    clock = Clock()
    with StateStore.open(f"sqlite:///{tmp_path / 's.db'}", clock=clock) as store:
        enqueue(store, "nord", "sig", "on_course_locked", ["c1"])
        (event,) = due(store)
        finish(store, event, error="Hyperplanning down")
        assert due(store) == [] and counts(store)["failed"] == 1
        clock.at += timedelta(seconds=6)
        (again,) = due(store)
        assert again.attempts == 1
        finish(store, again)
        assert counts(store) == {"pending": 0, "failed": 0, "done": 1}


def test_the_worker_survives_any_error_and_runs_later_events(tmp_path: Path) -> None:
    """A processing error (a bug, a locked database) fails that event only; the next
    events still run, in the same loop."""
    ran: list[str] = []

    def process(event: Event) -> None:
        if event.course_id == "c1":
            raise RuntimeError("database is locked")
        ran.append(event.course_id)

    with StateStore.open(f"sqlite:///{tmp_path / 's.db'}") as store:
        for n in range(1, 4):
            enqueue(store, "nord", f"sig-{n}", "on_course_locked", [f"c{n}"])
        EventWorker(store, process).drain()
        assert ran == ["c2", "c3"]
        assert counts(store) == {"pending": 0, "failed": 1, "done": 2}


def test_a_thousand_events_with_database_errors_and_a_restart_lose_nothing(
    tmp_path: Path,
) -> None:
    """1,000 signed deliveries; one store write in seven fails (the receiver answers 503,
    the sender retries, as Edusign does); processing fails once for one event in five; the
    service restarts halfway. Every event is processed, none twice in effect, none lost."""
    url = f"sqlite:///{tmp_path / 's.db'}"
    rng = random.Random(3)
    clock = Clock()
    processed: dict[str, int] = {}
    flaky = {f"c{n}" for n in range(1000) if n % 5 == 0}
    lock = threading.Lock()

    def process(event: Event) -> None:
        with lock:
            if event.course_id in flaky:
                flaky.discard(event.course_id)
                raise RuntimeError("injected failure")
            processed[event.course_id] = processed.get(event.course_id, 0) + 1

    def serve(store: StateStore, first: int, last: int) -> None:
        calls = [0]

        def storing(account: str, sig: str, kind: str, courses: list[str]) -> bool:
            calls[0] += 1
            if calls[0] % 7 == 0:
                raise RuntimeError("database is locked")
            return enqueue(store, account, sig, kind, courses)

        client = TestClient(create_app({"nord": SECRET}, lambda *a: None, store=storing))
        for n in range(first, last):
            body = body_of(n)
            headers = {"x-edusign-hmac": signature(SECRET, body)}
            for _attempt in range(5):  # the sender retries a 503
                answer = client.post("/webhook/nord", content=body, headers=headers)
                if answer.status_code != 503:
                    break
            assert answer.status_code == 200, (n, answer.text)
            if rng.random() < 0.05:  # a duplicate delivery: refused, stored once
                for _attempt in range(5):
                    again = client.post("/webhook/nord", content=body, headers=headers)
                    if again.status_code != 503:
                        break
                assert again.status_code == 401
        worker = EventWorker(store, process)
        worker.drain()

    with StateStore.open(url, clock=clock) as store:
        serve(store, 0, 500)
    with StateStore.open(url, clock=clock) as restarted:  # the service restarts
        serve(restarted, 500, 1000)
        clock.at += timedelta(minutes=5)  # the failed ones are due again
        EventWorker(restarted, process).drain()
        assert counts(restarted) == {"pending": 0, "failed": 0, "done": 1000}
    assert sorted(processed) == sorted(f"c{n}" for n in range(1000))
    assert set(processed.values()) == {1}


@pytest.mark.parametrize("size", [2_000_000, 300_000_000])
def test_an_oversized_body_is_refused_before_it_is_read(size: int) -> None:
    """A body announced larger than the cap is refused (413) without reading it."""
    client = TestClient(create_app({"nord": SECRET}, lambda *a: None))
    answer = client.post(
        "/webhook/nord",
        content=b"{}",
        headers={"content-length": str(size), "x-edusign-hmac": "x"},
    )
    assert answer.status_code == 413
