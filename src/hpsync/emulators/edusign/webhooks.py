"""Webhook delivery: POST JSON with ``x-edusign-hmac``, 15 s timeout, no retry (§13).

Deliveries run in one background thread so the API never waits for a receiver; every
attempt is recorded (event, URL, HTTP status or error) for tests to inspect.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import queue
import threading
from dataclasses import dataclass
from typing import Any

import httpx

TIMEOUT = 15.0

EVENTS = (
    "on_course_created",
    "on_course_edited",
    "on_course_deleted",
    "on_course_locked",
    "on_student_sign",
    "on_justified_absence",
    "on_request_justified_absence",
)


def sign(body: bytes, secret: str) -> str:
    """Hex HMAC-SHA256 of the exact body bytes with the school's client secret."""
    return hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


@dataclass(frozen=True, slots=True)
class Delivery:
    """One queued POST."""

    event: str
    url: str
    body: bytes
    signature: str


class WebhookSender:
    """A queue drained by a daemon thread; ``deliveries`` is the attempt log."""

    def __init__(self) -> None:
        self._queue: queue.Queue[Delivery | None] = queue.Queue()
        self.deliveries: list[dict[str, Any]] = []
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._run, daemon=True, name="edusign-webhooks")
        self._thread.start()

    def enqueue(self, school: dict[str, Any], event: str, payload: dict[str, Any]) -> None:
        """Queue ``payload`` for every URL the school configured for ``event``."""
        urls = [
            str(hook.get("URL"))
            for hook in school.get("WEBHOOKS") or []
            if isinstance(hook, dict) and hook.get("TYPE") == event and hook.get("URL")
        ]
        if not urls:
            return
        body = json.dumps({"type": event, **payload}, separators=(",", ":")).encode()
        signature = sign(body, str(school.get("_client_secret") or ""))
        for url in urls:
            self._queue.put(Delivery(event, url, body, signature))

    def _run(self) -> None:
        with httpx.Client(timeout=TIMEOUT) as client:
            while (item := self._queue.get()) is not None:
                outcome: dict[str, Any] = {"event": item.event, "url": item.url}
                try:
                    response = client.post(
                        item.url,
                        content=item.body,
                        headers={
                            "content-type": "application/json",
                            "x-edusign-hmac": item.signature,
                        },
                    )
                    outcome["status"] = response.status_code
                except httpx.HTTPError as exc:
                    outcome["error"] = type(exc).__name__
                with self._lock:
                    self.deliveries.append(outcome)

    def log(self) -> list[dict[str, Any]]:
        """Every attempt so far, oldest first."""
        with self._lock:
            return list(self.deliveries)

    def close(self) -> None:
        """Stop the delivery thread after the queued deliveries."""
        self._queue.put(None)
        self._thread.join(timeout=TIMEOUT + 1)
