"""Real sockets: a server that creates the record then hangs up must not get a twin."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from hpsync.edusign import EdusignClient, RetryPolicy, StudentInput
from hpsync.secrets import Secret


class _State:
    def __init__(self) -> None:
        self.created: list[dict[str, object]] = []
        self.posts = 0


class _Handler(BaseHTTPRequestHandler):
    state: _State

    def log_message(self, *_args: object) -> None:  # keep test output quiet
        return

    def _reply(self, payload: object) -> None:
        body = json.dumps(payload).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_POST(self) -> None:
        length = int(self.headers["Content-Length"])
        student = json.loads(self.rfile.read(length))["student"]
        self.state.posts += 1
        self.state.created.append({"ID": f"id{len(self.state.created)}", **student})
        self.close_connection = True  # applied, then hang up without an answer
        self.connection.close()

    def do_GET(self) -> None:
        api_id = self.path.rsplit("/", 1)[-1]
        hits = [s for s in self.state.created if s["API_ID"] == api_id.replace("%3A", ":")]
        if hits:
            self._reply({"status": "success", "result": {"ID": hits[0]["ID"]}})
        else:
            self._reply({"status": "error", "message": "not found"})


@pytest.fixture
def hangup_server() -> Iterator[tuple[str, _State]]:
    """A loopback server on a free port whose POST lands then drops the connection."""
    state = _State()
    handler = type("H", (_Handler,), {"state": state})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", state
    server.shutdown()
    server.server_close()


def test_dropped_create_over_real_http_is_not_duplicated(
    hangup_server: tuple[str, _State],
) -> None:
    """The client sees a disconnect, finds the record by get-id and does not POST again."""
    url, state = hangup_server
    sleeps: list[float] = []
    client = EdusignClient(
        url,
        Secret("socket-test-key-000"),
        retry=RetryPolicy(sleep=sleeps.append, random=lambda: 0.0),
        timeout=5.0,
    )
    try:
        sid = client.create_student(StudentInput("A", "B", "a@x.org", api_id="hp:x:learner:5"))
    finally:
        client.close()
    assert sid == "id0"
    assert state.posts == 1 and len(state.created) == 1
    assert client.stats().retries == 1
