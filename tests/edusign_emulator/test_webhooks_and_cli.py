"""Webhooks reach a local receiver with a valid HMAC; the CLI command is registered."""

from __future__ import annotations

import hashlib
import hmac
import json
import queue
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any

import httpx
import pytest
from tests.edusign_emulator.conftest import make_course, make_professor, make_student, ok
from typer.testing import CliRunner

from hpsync.emulators.edusign import KeySpec, SchoolSpec, start_emulator

SECRET = "client-secret-for-tests"


@pytest.fixture
def receiver() -> Iterator[tuple[str, queue.Queue[tuple[dict[str, str], bytes]]]]:
    """A tiny HTTP server on a free port that records every POST it receives."""
    received: queue.Queue[tuple[dict[str, str], bytes]] = queue.Queue()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["content-length"]))
            received.put(({k.lower(): v for k, v in self.headers.items()}, body))
            self.send_response(200)
            self.end_headers()
            self.wfile.write(b'{"status":"success"}')

        def log_message(self, *args: Any) -> None:
            return

    server = HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/hook", received
    server.shutdown()
    server.server_close()


def _next(received: queue.Queue[tuple[dict[str, str], bytes]]) -> tuple[dict[str, str], Any]:
    headers, body = received.get(timeout=10)
    return headers, body


def test_webhooks_are_signed_with_the_client_secret(
    receiver: tuple[str, queue.Queue[tuple[dict[str, str], bytes]]],
) -> None:
    """Course creation, locking and a signature POST JSON with a valid x-edusign-hmac."""
    url, received = receiver
    school = SchoolSpec("S", (KeySpec("k"),), client_secret=SECRET)
    with start_emulator(schools=[school]) as emu:
        api = httpx.Client(base_url=emu.url, headers={"Authorization": "Bearer k"})
        hooks = [
            {"TYPE": t, "URL": url}
            for t in ("on_course_created", "on_course_locked", "on_student_sign")
        ]
        ok(api.patch("/v1/school", json={"school": {"WEBHOOKS": hooks}}))
        sid = make_student(api)
        cid = make_course(api, make_professor(api), [sid])
        ok(api.get(f"/v1/course/lock/{cid}"))
        httpx.post(emu.url + "/_emulator/sign", json={"courseId": cid, "studentId": sid})
        events = []
        for _ in range(3):
            headers, body = _next(received)
            expected = hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()
            assert headers["x-edusign-hmac"] == expected
            payload = json.loads(body)
            assert payload["course"]["ID"] == cid
            events.append(payload["type"])
        assert events == ["on_course_created", "on_course_locked", "on_student_sign"]
        deadline = time.monotonic() + 5
        while len(httpx.get(emu.url + "/_emulator/webhooks").json()["deliveries"]) < 3:
            assert time.monotonic() < deadline
            time.sleep(0.02)
        log = httpx.get(emu.url + "/_emulator/webhooks").json()["deliveries"]
        assert [d["status"] for d in log] == [200, 200, 200]
        api.close()


def test_justified_absence_webhooks(
    receiver: tuple[str, queue.Queue[tuple[dict[str, str], bytes]]],
) -> None:
    """A request fires on_request_justified_absence; accepting it fires on_justified_absence."""
    url, received = receiver
    with start_emulator(schools=[("S", "k")]) as emu:
        api = httpx.Client(base_url=emu.url, headers={"Authorization": "Bearer k"})
        hooks = [
            {"TYPE": t, "URL": url}
            for t in ("on_request_justified_absence", "on_justified_absence")
        ]
        ok(api.patch("/v1/school", json={"school": {"WEBHOOKS": hooks}}))
        sid = make_student(api)
        made = httpx.post(
            emu.url + "/_emulator/justified-absences",
            json={
                "studentId": sid,
                "start": "2025-01-01T00:00:00Z",
                "end": "2025-01-02T00:00:00Z",
                "request": True,
            },
        ).json()["result"]
        assert ok(api.get("/v1/justified-absence")) == []
        httpx.post(emu.url + f"/_emulator/justified-absences/{made['ID']}/accept")
        types = [json.loads(_next(received)[1])["type"] for _ in range(2)]
        assert types == ["on_request_justified_absence", "on_justified_absence"]
        assert [a["ID"] for a in ok(api.get("/v1/justified-absence"))] == [made["ID"]]
        api.close()


def test_cli_command_is_registered_and_validates_keys() -> None:
    """`hpsync emulate edusign` exists and refuses a school without an API key."""
    from hpsync.cli import app

    runner = CliRunner()
    assert runner.invoke(app, ["emulate", "edusign", "--help"]).exit_code == 0
    result = runner.invoke(app, ["emulate", "edusign", "--school", "S", "--port", "0"])
    assert result.exit_code != 0
