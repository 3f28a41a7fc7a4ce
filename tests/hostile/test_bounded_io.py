"""Hostile servers on loopback: every call ends within its bound, with one clear error,
bounded memory and no secret in what it says (issue 19, bounded I/O)."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import pytest

from hpsync.edusign import EdusignClient, pagination
from hpsync.edusign import core as edusign_core
from hpsync.edusign.retry import RetryPolicy
from hpsync.errors import HpsyncError, RetriableRemoteError, SourceError, TargetError
from hpsync.hyperplanning import HyperplanningClient
from hpsync.hyperplanning import client as hp_client
from hpsync.secrets import Secret

KEY = "hostile-key-0123456789"
PASSWORD = "hostile-password-42"

Handler = Callable[[socket.socket], None]


@contextmanager
def serve(handler: Handler) -> Iterator[str]:
    """A raw HTTP server answering every connection with ``handler`` (one thread each)."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(16)
    server.settimeout(0.2)
    stop = threading.Event()

    def loop() -> None:
        while not stop.is_set():
            try:
                conn, _ = server.accept()
            except OSError:
                continue
            threading.Thread(target=_answer, args=(conn, handler), daemon=True).start()

    thread = threading.Thread(target=loop, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.getsockname()[1]}"
    finally:
        stop.set()
        thread.join(timeout=2)
        server.close()


def _answer(conn: socket.socket, handler: Handler) -> None:
    try:
        conn.settimeout(5)
        conn.recv(65536)  # the request: not needed
        handler(conn)
    except OSError:
        pass
    finally:
        conn.close()


def trickle(conn: socket.socket) -> None:
    """A 200 that sends one byte every 0.3 s, for ever."""
    conn.sendall(
        b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 999\r\n\r\n"
    )
    for _ in range(200):
        conn.sendall(b" ")
        time.sleep(0.3)


def huge(conn: socket.socket) -> None:
    """A 200 streaming 60 MB with no length announced."""
    conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n")
    block = b"[" + b"1," * 32768
    for _ in range(900):
        conn.sendall(block)


def too_many(conn: socket.socket) -> None:
    """A permanent 429 asking to wait 1 s."""
    conn.sendall(b"HTTP/1.1 429 Too Many Requests\r\nRetry-After: 1\r\nContent-Length: 2\r\n\r\n{}")


def rss_mb() -> float:
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


@pytest.fixture
def small_bounds(monkeypatch: pytest.MonkeyPatch) -> None:
    """Bounds scaled down so the hostile cases end in seconds (the rule is the same)."""
    monkeypatch.setattr(edusign_core, "CALL_DEADLINE", 2.0)
    monkeypatch.setattr(edusign_core, "MAX_BODY", 2 * 1024 * 1024)
    monkeypatch.setattr(edusign_core, "THROTTLE_BUDGET", 3.0)
    monkeypatch.setattr(hp_client, "CALL_DEADLINE", 2.0)
    monkeypatch.setattr(hp_client, "MAX_BODY", 2 * 1024 * 1024)


def edusign(url: str) -> EdusignClient:
    """A client that retries twice (the bound per try is what is tested)."""
    return EdusignClient(url, Secret(KEY), rate_scale=100.0, retry=RetryPolicy(attempts=2))


def clean(message: str) -> None:
    assert KEY not in message and PASSWORD not in message
    assert "\n" not in message.strip()


@pytest.mark.usefixtures("small_bounds")
def test_a_trickling_edusign_ends_at_the_call_deadline() -> None:
    """One byte every 0.3 s: the call is cut at its total deadline (2 s here, per try),
    retried a bounded number of times, then one retriable error."""
    with serve(trickle) as url:
        client = edusign(url)
        started = time.monotonic()
        with pytest.raises(RetriableRemoteError) as caught:
            client.school()
        took = time.monotonic() - started
        client.close()
    assert took < 2 * (2.0 + 1.0) + 3  # attempts x (deadline + backoff), far from forever
    assert "within 2 s" in str(caught.value)
    clean(str(caught.value))


@pytest.mark.usefixtures("small_bounds")
def test_a_huge_edusign_answer_is_refused_in_bounded_memory() -> None:
    """60 MB without Content-Length: refused past the 2 MB cap, memory barely grows."""
    with serve(huge) as url:
        client = edusign(url)
        before = rss_mb()
        with pytest.raises(TargetError) as caught:
            client.list_students()
        grew = rss_mb() - before
        client.close()
    assert "larger than" in str(caught.value) and grew < 40
    clean(str(caught.value))


@pytest.mark.usefixtures("small_bounds")
def test_a_permanent_429_gives_up_within_the_throttle_budget() -> None:
    """HTTP 429 for ever: the request waits at most its throttle budget, then one error."""
    with serve(too_many) as url:
        client = edusign(url)
        started = time.monotonic()
        with pytest.raises(RetriableRemoteError) as caught:
            client.school()
        took = time.monotonic() - started
        client.close()
    assert took < 10 and "still rate-limited" in str(caught.value)
    clean(str(caught.value))


def test_a_list_that_never_ends_stops_with_an_error() -> None:
    """Full pages for ever: stopped at the page cap with an error naming it."""
    calls = []

    def fetch(page: int) -> list[int]:
        calls.append(page)
        return [page * 10 + i for i in range(10)]

    with pytest.raises(TargetError, match="after 50 pages"):
        list(pagination.paginate(fetch, page_size=10, max_pages=50))
    assert len(calls) == 50


@pytest.mark.usefixtures("small_bounds")
def test_a_trickling_service_web_ends_at_the_call_deadline() -> None:
    """The Hyperplanning WSDL trickling: cut at the deadline, one clear error."""
    with serve(trickle) as url:
        client = HyperplanningClient(
            f"{url}/hpsw/x", "ws", Secret(PASSWORD), timezone="Europe/Paris", retries=1
        )
        started = time.monotonic()
        with pytest.raises(HpsyncError) as caught:
            client.base_info()
        took = time.monotonic() - started
        client.close()
    assert took < 15
    assert isinstance(caught.value, RetriableRemoteError | SourceError)
    clean(str(caught.value))


@pytest.mark.usefixtures("small_bounds")
def test_a_huge_service_web_answer_is_refused_in_bounded_memory() -> None:
    """A 60 MB WSDL: refused past the cap, memory barely grows, no secret said."""
    with serve(huge) as url:
        client = HyperplanningClient(
            f"{url}/hpsw/x", "ws", Secret(PASSWORD), timezone="Europe/Paris", retries=0
        )
        before = rss_mb()
        with pytest.raises(SourceError) as caught:
            client.base_info()
        grew = rss_mb() - before
        client.close()
    assert "larger than" in str(caught.value) and grew < 40
    clean(str(caught.value))
