"""Test controls under ``/_emulator/...`` (404 unless test controls are on).

They act as a school administrator or as the people in the room would: sign, mark late,
justify absences, edit records by hand (to create drift), inject faults, move the clock,
and dump a school's data. Each takes and returns JSON; the school is chosen by
``school`` (name or id, body or query), else by the Bearer key, else the only school.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from hpsync.emulators.edusign import attendance, courses, people, timefmt, v1_externals
from hpsync.emulators.edusign.faults import parse_fault
from hpsync.emulators.edusign.fields import public, text
from hpsync.emulators.edusign.gateway import ApiError, plain
from hpsync.emulators.edusign.state import EmuState
from hpsync.emulators.edusign.storage import Doc, Tx
from hpsync.emulators.edusign.v1_groups import new_classroom, new_group

KINDS = ("student", "professor", "group", "classroom", "course", "absence", "external")


@dataclass
class Ctl:
    """One control call inside its transaction."""

    tx: Tx
    body: dict[str, Any]
    params: dict[str, str]
    now: datetime
    events: list[tuple[str, dict[str, Any]]] = field(default_factory=list)

    def emit(self, event: str, payload: dict[str, Any]) -> None:
        """Send a webhook after the commit."""
        self.events.append((event, payload))


Action = Callable[[Ctl], Any]


class ControlError(Exception):
    """A control refused (HTTP 400, or 404 for an unknown record)."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.status = status


def _school_id(state: EmuState, request: Request, body: dict[str, Any]) -> str:
    wanted = str(body.get("school") or request.query_params.get("school") or "")
    schools = state.store.schools()
    if wanted:
        for doc in schools:
            if wanted in (doc["ID"], doc["NAME"]):
                return str(doc["ID"])
        raise ControlError(f"unknown school {wanted}", 404)
    scheme, _, key = request.headers.get("authorization", "").partition(" ")
    info = state.key_info(key.strip()) if scheme.lower() == "bearer" else None
    if info is not None:
        return info.school_id
    if len(schools) == 1:
        return str(schools[0]["ID"])
    raise ControlError("several schools: say which with 'school'")


def _wrap(state: EmuState, action: Action) -> Callable[[Request], Awaitable[Response]]:
    async def run(request: Request) -> Response:
        if not state.settings.test_controls:
            return plain(404, "Not Found")
        raw = await request.body()
        try:
            body = json.loads(raw) if raw.strip() else {}
            if not isinstance(body, dict):
                raise ControlError("body must be a JSON object")
            school_id = _school_id(state, request, body)
            with state.store.tx(school_id) as tx:
                ctl = Ctl(tx, body, dict(request.path_params), state.now())
                result = action(ctl)
                school = tx.school()
        except ControlError as exc:
            return JSONResponse({"ok": False, "error": str(exc)}, status_code=exc.status)
        except (ApiError, ValueError) as exc:
            message = exc.payload if isinstance(exc, ApiError) else str(exc)
            return JSONResponse({"ok": False, "error": message}, status_code=400)
        for event, payload in ctl.events:
            state.webhooks.enqueue(school, event, payload)
        return JSONResponse({"ok": True, "result": result})

    return run


def _record(tx: Tx, kind: str, rid: Any) -> Doc:
    if kind not in KINDS:
        raise ControlError(f"kind must be one of {', '.join(KINDS)}", 404)
    doc = tx.get(kind, text(rid))
    if doc is None:
        raise ControlError(f"{kind} {rid} not found", 404)
    return doc


def _line(tx: Tx, body: dict[str, Any]) -> tuple[Doc, Doc]:
    course = _record(tx, "course", body.get("courseId"))
    for record in course["STUDENTS"]:
        if record["studentId"] == text(body.get("studentId")):
            return course, record
    raise ControlError("student is not on this course")


def sign(c: Ctl) -> Doc:
    """A student signs: state true, signature, timestamp; fires on_student_sign."""
    tx, body, _params = c.tx, c.body, c.params
    course, record = _line(tx, body)
    now = timefmt.fmt(timefmt.parse(body.get("timestamp")) or c.now)
    signature = text(body.get("signature")) or "data:image/png;base64,c2lnbmVk"
    record.update(state=True, timestamp=now, signature=signature)
    courses.touch(tx, course, now)
    student = tx.get("student", record["studentId"]) or {}
    c.emit("on_student_sign", {"course": public(course), "student": public(student)})
    return record


def professor_sign(c: Ctl) -> Doc:
    """A professor signs (the first one unless ``professorId`` says which)."""
    tx, body, _params = c.tx, c.body, c.params
    course = _record(tx, "course", body.get("courseId"))
    ids = courses.professor_ids(course)
    pid = text(body.get("professorId")) or (ids[0] if ids else "")
    if pid not in ids:
        raise ControlError("professor is not on this course")
    number = ids.index(pid) + 1
    signature = text(body.get("signature")) or "data:image/png;base64,cHJvZg=="
    now = timefmt.fmt(c.now)
    course["PROFESSOR_SIGNATURE" if number == 1 else f"PROFESSOR_SIGNATURE_{number}"] = signature
    course["PROFESSOR_SIGNATURE_TIMESTAMP"] = now
    course["PROFESSORS_PRESENCES"].append(
        {"professorId": pid, "signature": signature, "history": [now], "priority": number}
    )
    courses.touch(tx, course, now)
    return public(course)


def mark(c: Ctl) -> Doc:
    """As an administrator (even on a locked sheet): delay, earlyDeparture, excluded,
    absent (+comment), state, signatureEmail."""
    tx, body, _params = c.tx, c.body, c.params
    course, record = _line(tx, body)
    if "delay" in body:
        record["delay"] = int(body["delay"])
    for name in ("earlyDeparture", "excluded"):
        if name in body:
            record[name] = timefmt.normalise(body[name])
    if body.get("absent"):
        record.update(state=False, signature=None, timestamp=None)
    for name in ("comment", "state", "signatureEmail"):
        if name in body:
            record[name] = body[name]
    courses.touch(tx, course, timefmt.fmt(c.now))
    return record


def justify(c: Ctl) -> Doc:
    """A justified absence (``request: true`` = a pending request)."""
    tx, body, _params = c.tx, c.body, c.params
    request = bool(body.get("request"))
    absence = attendance.create_absence(tx, body, timefmt.fmt(c.now), request=request)
    event = "on_request_justified_absence" if request else "on_justified_absence"
    c.emit(event, {"justifiedAbsence": public(absence)})
    return public(absence)


def accept(c: Ctl) -> Doc:
    """Accept a pending request: it becomes a justified absence and is linked."""
    tx, _body, params = c.tx, c.body, c.params
    absence = _record(tx, "absence", params["id"])
    attendance.accept_absence(tx, absence, timefmt.fmt(c.now))
    c.emit("on_justified_absence", {"justifiedAbsence": public(absence)})
    return public(absence)


def create_record(c: Ctl) -> Doc:
    """Create a record by hand (no API_ID needed); ``fields`` are UPPER_SNAKE."""
    tx, body, params = c.tx, c.body, c.params
    kind, fields = params["kind"], body.get("fields") or {}
    now = timefmt.fmt(c.now)
    if kind in ("student", "professor"):
        return public(people.create(tx, kind, fields, now=now, strict_api_id=False))
    if kind == "group":
        return public(new_group(tx, fields, now))
    if kind == "external":
        return public(v1_externals.create(tx, fields, now=now, strict_api_id=False))
    if kind == "classroom":
        return public(new_classroom(tx, fields, now))
    if kind == "course":
        course = courses.blank(tx.school_id, now)
        courses.apply_v1_fields(tx, course, fields)
        tx.insert("course", course)
        return public(course)
    raise ControlError(f"cannot create a {kind} by hand", 404)


def edit_record(c: Ctl) -> Doc:
    """Overwrite fields as stored (START/END normalised), bypassing every rule."""
    tx, body, params = c.tx, c.body, c.params
    kind = params["kind"]
    doc = _record(tx, kind, params["id"])
    for name, value in (body.get("fields") or {}).items():
        doc[name] = timefmt.normalise(value) if name in ("START", "END") else value
    doc["DATE_UPDATED"] = timefmt.fmt(c.now)
    tx.update(kind, doc)
    return public(doc)


def delete_record(c: Ctl) -> bool:
    """Remove a record for good."""
    tx, _body, params = c.tx, c.body, c.params
    _record(tx, params["kind"], params["id"])
    return tx.delete(params["kind"], params["id"])


def add_to_sheet(c: Ctl) -> list[str]:
    """Put a student on a sheet (even locked)."""
    tx, body, params = c.tx, c.body, c.params
    course = _record(tx, "course", params["id"])
    added = courses.add_students(tx, course, [text(body.get("studentId"))])
    courses.touch(tx, course, timefmt.fmt(c.now))
    return added


def remove_from_sheet(c: Ctl) -> bool:
    """Take a student off a sheet (even locked)."""
    tx, _body, params = c.tx, c.body, c.params
    course = _record(tx, "course", params["id"])
    courses.remove_students(course, {params["studentId"]})
    courses.touch(tx, course, timefmt.fmt(c.now))
    return True


def dump(c: Ctl) -> dict[str, Any]:
    """Every record of the school by kind, plus the school object."""
    tx, _body, _params = c.tx, c.body, c.params
    return {"school": public(tx.school()), **{kind: [] for kind in KINDS}, **tx.dump()}


def _settings_routes(state: EmuState) -> list[Route]:
    async def guarded(request: Request) -> Response:
        if not state.settings.test_controls:
            return plain(404, "Not Found")
        raw = await request.body()
        body = json.loads(raw) if raw.strip() else {}
        what = request.path_params["what"]
        if what == "settings":
            for name in (
                "strict_api_id",
                "rate_scale",
                "rate_mode",
                "idempotency_seconds",
                "max_limit",
                "over_max_limit",
            ):
                if name in body:
                    setattr(state.settings, name, body[name])
            return JSONResponse({"ok": True})
        if what == "clock":
            if "now" in body:
                target = timefmt.parse(body["now"])
                if target is None:
                    return JSONResponse({"ok": False, "error": "now: ISO datetime"}, 400)
                state.clock_offset += target - state.now()
            state.clock_offset += timedelta(seconds=float(body.get("advance_seconds", 0)))
            return JSONResponse({"ok": True, "now": state.now_text()})
        if what == "maintenance":
            state.maintenance = bool(body.get("on"))
            return JSONResponse({"ok": True, "maintenance": state.maintenance})
        if what == "webhooks":
            return JSONResponse({"ok": True, "deliveries": state.webhooks.log()})
        if what == "faults":
            if request.method == "DELETE":
                state.faults.rules.clear()
            elif request.method == "POST":
                try:
                    state.faults.rules.append(parse_fault(body))
                except ValueError as exc:
                    return JSONResponse({"ok": False, "error": str(exc)}, 400)
            return JSONResponse({"ok": True, "faults": [f.as_json() for f in state.faults.rules]})
        return plain(404, "Not Found")

    return [
        Route("/_emulator/{what:str}", guarded, methods=["GET", "POST", "DELETE"]),
    ]


def control_routes(state: EmuState) -> list[Route]:
    """Every control route bound to ``state``."""
    table: list[tuple[str, str, Action]] = [
        ("GET", "/_emulator/dump", dump),
        ("POST", "/_emulator/sign", sign),
        ("POST", "/_emulator/professor-sign", professor_sign),
        ("POST", "/_emulator/attendance", mark),
        ("POST", "/_emulator/justified-absences", justify),
        ("POST", "/_emulator/justified-absences/{id}/accept", accept),
        ("POST", "/_emulator/records/{kind}", create_record),
        ("PATCH", "/_emulator/records/{kind}/{id}", edit_record),
        ("DELETE", "/_emulator/records/{kind}/{id}", delete_record),
        ("POST", "/_emulator/courses/{id}/students", add_to_sheet),
        ("DELETE", "/_emulator/courses/{id}/students/{studentId}", remove_from_sheet),
    ]
    routes = [Route(path, _wrap(state, action), methods=[m]) for m, path, action in table]
    return routes + _settings_routes(state)
