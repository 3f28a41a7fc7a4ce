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
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from hpsync.edusign import EdusignClient
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
#: account, Edusign student id, start, end → the Edusign courses a justification covers
CoursesOf = Callable[[str, str, datetime, datetime], list[str]]
JUSTIFICATION_EVENTS = frozenset({"on_justified_absence"})


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


def justification_of(event: dict[str, object]) -> tuple[str, datetime, datetime] | None:
    """(student id, start, end) of a justified-absence event, when it carries them."""
    body = event.get("justifiedAbsence") or event.get("justified_absence")
    if not isinstance(body, dict):
        return None
    student = str(body.get("STUDENT_ID") or body.get("studentId") or "")
    try:
        start = datetime.fromisoformat(str(body.get("START")).replace("Z", "+00:00"))
        end = datetime.fromisoformat(str(body.get("END")).replace("Z", "+00:00"))
    except ValueError:
        return None
    return (student, start, end) if student else None


def edusign_courses_of(clients: Mapping[str, EdusignClient]) -> CoursesOf:
    """Find the sheets of a student over a period, through each account's client."""

    def courses_of(account: str, student: str, start: datetime, end: datetime) -> list[str]:
        client = clients[account]
        return [
            course.id
            for course in client.list_courses(start.date(), end.date())
            if any(record.student_id == student for record in course.students)
        ]

    return courses_of


#: account, delivery signature, event type, Edusign course ids → stored durably (True), or
#: already seen (False); raises when it could not be stored (the sender retries).
Store = Callable[[str, str, str, list[str]], bool]


def _error(message: str, status: int) -> JSONResponse:
    return JSONResponse({"status": "error", "message": message}, status)


async def _bounded_body(request: Request) -> bytes | None:
    """The body, or None past ``MAX_BODY`` (refused before it is read whole)."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > MAX_BODY:
        return None
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_BODY:
            return None
        chunks.append(chunk)
    return b"".join(chunks)


def create_app(
    secrets: dict[str, Secret],
    handler: Handler,
    guard: ReplayGuard | None = None,
    courses_of: CoursesOf | None = None,
    store: Store | None = None,
) -> Starlette:
    """The webhook receiver for the given accounts (POST /webhook/<account>).

    With ``store`` (the state store's queue, ``hpsync webhook``) an event is stored
    durably before the 200 and replays are refused across restarts; otherwise ``handler``
    gets each sheet at once and ``guard`` remembers deliveries in memory.
    """
    replay = guard or ReplayGuard()

    async def receive(request: Request) -> JSONResponse:
        account = request.path_params["account"]
        secret = secrets.get(account)
        if secret is None:
            return _error("unknown account", 404)
        body = await _bounded_body(request)
        if body is None:
            return _error("body too large", 413)
        given = request.headers.get("x-edusign-hmac", "").lower()
        if not given or not hmac.compare_digest(given, signature(secret, body)):
            return _error("bad signature", 401)
        try:
            event = json.loads(body)
        except ValueError:
            return _error("body is not JSON", 400)
        if not isinstance(event, dict):
            return _error("body is not an object", 400)
        kind = str(event.get("type") or "")
        course = course_of(event)
        courses: list[str] | None = None
        if kind in SHEET_EVENTS and course:
            courses = [course]
        else:
            justified = justification_of(event) if kind in JUSTIFICATION_EVENTS else None
            if justified is not None and courses_of is not None:
                courses = courses_of(account, *justified)
        if store is not None:
            try:
                stored = store(account, given, kind, courses or [])
            except Exception:
                return _error("not stored: retry the delivery later", 503)
            if not stored:
                return _error("replayed delivery", 401)
            return JSONResponse({"status": "success", "result": "queued" if courses else "ignored"})
        if not replay.first_time(given):
            return _error("replayed delivery", 401)
        for covered in courses or []:
            handler(account, kind, covered)
        return JSONResponse({"status": "success", "result": "queued" if courses else "ignored"})

    return Starlette(routes=[Route("/webhook/{account}", receive, methods=["POST"])])
