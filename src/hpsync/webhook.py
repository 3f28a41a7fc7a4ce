"""``hpsync webhook``: near-real-time attendance from Edusign's webhooks.

Each request is authenticated by ``x-edusign-hmac``, the hex HMAC-SHA256 of the exact
body keyed by the account's webhook secret, compared in constant time; a body already
accepted (same signature) within the replay window is refused. An accepted event about a
sheet triggers the write-back of that sheet only.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from hpsync.secrets import Secret

REPLAY_WINDOW_SECONDS = 24 * 3600
MAX_BODY = 1_000_000
SHEET_EVENTS = frozenset(
    {
        "on_student_sign",
        "on_course_locked",
        "on_course_edited",
        "on_justified_absence",
        "on_course_end",
    }
)

Handler = Callable[[str, str, str], None]  # account, event type, Edusign course id


def signature(secret: Secret, body: bytes) -> str:
    """What Edusign puts in ``x-edusign-hmac`` for this body."""
    return hmac.new(secret.reveal().encode(), body, hashlib.sha256).hexdigest()


@dataclass
class ReplayGuard:
    """Signatures accepted recently: a second delivery of the same body is refused."""

    window: float = REPLAY_WINDOW_SECONDS
    clock: Callable[[], float] = time.monotonic
    _seen: dict[str, float] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def first_time(self, sig: str) -> bool:
        now = self.clock()
        with self._lock:
            self._seen = {s: t for s, t in self._seen.items() if now - t < self.window}
            if sig in self._seen:
                return False
            self._seen[sig] = now
            return True


def course_of(event: dict[str, object]) -> str:
    """The Edusign course id an event is about ("" when none)."""
    course = event.get("course")
    if isinstance(course, dict):
        return str(course.get("ID") or course.get("id") or "")
    return str(event.get("courseId") or event.get("course_id") or "")


def create_app(
    secrets: dict[str, Secret], handler: Handler, guard: ReplayGuard | None = None
) -> Starlette:
    """The webhook receiver for the given accounts (POST /webhook/<account>)."""
    replay = guard or ReplayGuard()

    async def receive(request: Request) -> JSONResponse:
        account = request.path_params["account"]
        secret = secrets.get(account)
        if secret is None:
            return JSONResponse({"status": "error", "message": "unknown account"}, 404)
        body = await request.body()
        if len(body) > MAX_BODY:
            return JSONResponse({"status": "error", "message": "body too large"}, 413)
        given = request.headers.get("x-edusign-hmac", "")
        if not given or not hmac.compare_digest(given.lower(), signature(secret, body)):
            return JSONResponse({"status": "error", "message": "bad signature"}, 401)
        if not replay.first_time(given.lower()):
            return JSONResponse({"status": "error", "message": "replayed delivery"}, 401)
        try:
            event = json.loads(body)
        except ValueError:
            return JSONResponse({"status": "error", "message": "body is not JSON"}, 400)
        if not isinstance(event, dict):
            return JSONResponse({"status": "error", "message": "body is not an object"}, 400)
        kind = str(event.get("type") or "")
        course = course_of(event)
        if kind in SHEET_EVENTS and course:
            handler(account, kind, course)
            return JSONResponse({"status": "success", "result": "queued"})
        return JSONResponse({"status": "success", "result": "ignored"})

    return Starlette(routes=[Route("/webhook/{account}", receive, methods=["POST"])])
